import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { FormField } from '~/components/form-field';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { checkoutStatusLook } from '~/lib/status';
import { RECONCILE_PERIODS, reconcileFormSchema } from '~/schemas/money';
import { requireUser } from '~/services/identity/auth.server';
import { adminMoneyList, latestReconciliations, startReconciliation } from '~/services/payments/index.server';
import { pharmaciesPaidOnAccount } from '~/services/platform-admin/index.server';

export const meta: MetaFunction = () => [{ title: 'Money — vialcart admin' }];

// Every checkout's money (charged, refunded, paid to pharmacies, the platform's fee) with what
// breaks the ledger's invariants, and the reconciliation with Stripe: its runs, their
// differences, and "Reconcile now".
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin', roles: ['admin'] });
  const onlyProblems = new URL(request.url).searchParams.get('show') === 'problems';
  const [checkouts, runs, onAccount] = await Promise.all([adminMoneyList(user, { onlyProblems }), latestReconciliations(user), pharmaciesPaidOnAccount(user)]);
  return json({ checkouts, runs, onlyProblems, onAccount });
}

type ActionData = FormErrors & { ok?: boolean; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin', roles: ['admin'] });
  const form = await request.formData();
  return formAction(
    async (): Promise<ActionData> => {
      const { days } = readForm(form, reconcileFormSchema);
      const run = await startReconciliation(user, { days });
      const found = (run.differences as unknown[]).length;
      const message =
        run.status === 'failed'
          ? `The reconciliation could not finish: ${run.error ?? 'see the logs'}.`
          : found === 0
            ? 'The ledger and Stripe agree for the period.'
            : `${found} difference${found === 1 ? '' : 's'} found; the admins were ${run.mailStatus === 'sent' ? 'mailed' : 'not mailed (no SMTP server: they are listed here)'}.`;
      return { ok: run.status === 'done' && found === 0, message };
    },
    { extra: { ok: false } },
  );
}

export default function AdminMoney() {
  const { checkouts, runs, onlyProblems, onAccount } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const [params] = useSearchParams();
  const { register, onSubmit, errorOf } = useRemixForm(reconcileFormSchema, { defaultValues: { days: 7 }, actionData });
  const latest = runs[0];
  return (
    <div className="stack-lg">
      <Toaster message={actionData?.message ? { id: `${actionData.message}-${Date.now()}`, text: actionData.message, tone: actionData.ok ? 'success' : 'warning' } : null} />
      <PageHeader title="Money" description="Every checkout's ledger: what was charged, refunded, paid to pharmacies and kept as the platform fee, checked against its invariants and reconciled with Stripe." />
      {onAccount.length > 0 ? (
        <section className="card card--padded stack-sm" aria-labelledby="on-account-heading">
          <h2 id="on-account-heading">Pharmacies paid on account</h2>
          <p className="text-sm">These active pharmacies cannot receive Stripe transfers, so no transfer is attempted for their orders: vialcart pays them outside Stripe.</p>
          <ul>
            {onAccount.map((p) => (
              <li key={p.id}>
                <Link to={`/admin/pharmacies/${p.id}`}>{p.name}</Link> — {p.payouts === 'pending' ? 'Stripe onboarding unfinished' : 'payouts not set up'}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card card--padded stack" aria-labelledby="reconcile-heading">
        <h2 id="reconcile-heading">Reconciliation with Stripe</h2>
        <p className="text-sm">
          Lists Stripe's payments, refunds, transfers and reversals for the period and compares them with the ledger. A job does the last two days every morning; differences are mailed to
          the admins.
        </p>
        <Form method="post" onSubmit={onSubmit} className="cluster" noValidate>
          <FormField label="Period" as="select" {...register('days')} error={errorOf('days')}>
            {RECONCILE_PERIODS.map((d) => (
              <option key={d} value={d}>
                Last {d} day{d === 1 ? '' : 's'}
              </option>
            ))}
          </FormField>
          <Button type="submit" variant="primary" loading={busy}>
            Reconcile now
          </Button>
        </Form>
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        {latest ? (
          <div className="stack-sm">
            <p>
              Last run <DateTimeText value={latest.startedAt} /> ({latest.startedBy}): <DateTimeText value={latest.periodFrom} /> to <DateTimeText value={latest.periodTo} />,{' '}
              {latest.status === 'failed' ? (
                <Badge tone="danger">failed: {latest.error}</Badge>
              ) : latest.status === 'running' ? (
                <Badge tone="info">running</Badge>
              ) : latest.differences.length === 0 ? (
                <Badge tone="success">no differences</Badge>
              ) : (
                <Badge tone="danger">
                  {latest.differences.length} difference{latest.differences.length === 1 ? '' : 's'}
                </Badge>
              )}
              {latest.mailStatus === 'sent' ? ` · mailed to ${latest.mailedTo.join(', ')}` : latest.mailStatus === 'outbox' ? ' · not mailed (no SMTP server)' : ''}
            </p>
            {latest.differences.length > 0 ? (
              <DataTable
                caption="Differences found by the last run"
                rows={latest.differences}
                getRowKey={(d) => `${d.kind}-${d.stripeId ?? d.movementId}`}
                compact
                columns={[
                  { key: 'kind', header: 'Difference', rowHeader: true, cell: (d) => d.kind.replace(/_/g, ' ') },
                  { key: 'object', header: 'What', cell: (d) => d.object },
                  { key: 'message', header: 'Detail', cell: (d) => <span className="text-sm">{d.message}</span> },
                  { key: 'checkoutId', header: 'Checkout', cell: (d) => (d.checkoutId ? <Link to={`/admin/money/${d.checkoutId}`}>{d.checkoutId.slice(0, 8)}</Link> : '—') },
                ]}
              />
            ) : null}
          </div>
        ) : (
          <p className="muted">No reconciliation has run yet.</p>
        )}
      </section>

      <div className="toolbar">
        <Link to={onlyProblems ? '/admin/money' : '/admin/money?show=problems'} aria-current={params.get('show') === 'problems' ? 'page' : undefined}>
          {onlyProblems ? 'Show every checkout' : 'Show only checkouts needing attention'}
        </Link>
      </div>
      <DataTable
        caption={onlyProblems ? `Checkouts needing attention (${checkouts.length})` : `Checkouts (${checkouts.length}, newest first)`}
        rows={checkouts}
        getRowKey={(c) => c.checkoutId}
        empty={<p className="muted">{onlyProblems ? 'Every checkout balances and nothing is waiting on Stripe.' : 'No checkout yet.'}</p>}
        columns={[
          { key: 'checkoutId', header: 'Checkout', rowHeader: true, cell: (c) => <Link to={`/admin/money/${c.checkoutId}`}>{c.checkoutId.slice(0, 8)}</Link> },
          { key: 'clinicName', header: 'Clinic', cell: (c) => c.clinicName },
          { key: 'createdAt', header: 'Started', cell: (c) => <DateTimeText value={c.createdAt} /> },
          { key: 'status', header: 'Status', cell: (c) => <Badge tone={checkoutStatusLook(c.status).tone}>{checkoutStatusLook(c.status).label}</Badge> },
          { key: 'provider', header: 'Paid by', cell: (c) => (c.provider === 'stripe' ? 'Stripe' : 'Invoice') },
          { key: 'charged', header: 'Charged', align: 'end', cell: (c) => <Money cents={c.balances.chargedCents} /> },
          { key: 'refunded', header: 'Refunded', align: 'end', cell: (c) => <Money cents={c.balances.refundedCents} /> },
          { key: 'transferred', header: 'To pharmacies', align: 'end', cell: (c) => <Money cents={c.balances.transferredCents - c.balances.reversedCents} /> },
          { key: 'fee', header: 'Platform fee', align: 'end', cell: (c) => <Money cents={c.balances.feeKeptCents} /> },
          {
            key: 'health',
            header: 'Ledger',
            cell: (c) =>
              c.violations.length > 0 ? (
                <Badge tone="danger">
                  {c.violations.length} broken rule{c.violations.length === 1 ? '' : 's'}
                </Badge>
              ) : c.openMovements > 0 ? (
                <Badge tone="warning">{c.openMovements} waiting on Stripe</Badge>
              ) : (
                <Badge tone="success">balances</Badge>
              ),
          },
        ]}
      />
    </div>
  );
}
