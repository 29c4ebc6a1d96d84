import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateText, DateTimeText } from '~/components/date';
import { FormAlert } from '~/components/form-alert';
import { FormField } from '~/components/form-field';
import { InvitePersonForm, PeopleTable } from '~/components/invite-person';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { PayoutsBadge } from '~/components/payouts-badge';
import { SecretOnce } from '~/components/pharmacy-connection';
import { PharmacyFields, StateOptions, type PharmacyFieldsProps } from '~/components/pharmacy-fields';
import { Toaster } from '~/components/toast';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { pharmacyInputOf, pharmacyIntentSchema, updatePharmacySchema, type UpdatePharmacyForm } from '~/schemas/pharmacies';
import { requireUser } from '~/services/identity/index.server';
import {
  DEFAULT_OVERLAP_HOURS,
  getPharmacyForAdmin,
  invitePharmacist,
  removeShipLicense,
  rotateSigningSecret,
  saveConnection,
  saveShipLicense,
  sendTestOrder,
  setPharmacyActive,
  startPayoutsOnboarding,
  updatePharmacy,
  type TestOrderResult,
} from '~/services/platform-admin/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.pharmacy.name ?? 'Pharmacy'} — vialcart admin` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  // The overlap default travels in the data: a value from a .server module is undefined in the browser.
  return json({ pharmacy: await getPharmacyForAdmin(user, params.id ?? '').catch(orNotFoundPage('There is no such pharmacy.')), overlapDefaultHours: DEFAULT_OVERLAP_HOURS });
}

type Answer = FormErrors & { intent?: string; done?: string; secret?: string; overlapEndsAt?: string | null; testOrder?: TestOrderResult };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const id = params.id ?? '';
  return formAction(
    async (): Promise<Answer | Response> => {
      const d = readForm(form, pharmacyIntentSchema);
      switch (d.intent) {
        case 'update': {
          const { intent: _intent, ...fields } = d;
          await updatePharmacy(user, id, pharmacyInputOf(fields));
          return { intent, done: 'Pharmacy saved.' };
        }
        case 'license':
          await saveShipLicense(user, id, { state: d.state, licenseNumber: d.licenseNumber, expiresOn: d.expiresOn });
          return { intent, done: `Licence for ${d.state} saved.` };
        case 'remove_license':
          await removeShipLicense(user, id, d.state);
          return { intent, done: `Licence for ${d.state} removed: the pharmacy no longer ships there.` };
        case 'connection':
          await saveConnection(user, id, d.connectionKind === 'rest' ? { kind: 'rest', endpoint: d.endpoint ?? '' } : { kind: 'portal' }, { feedUrl: d.feedUrl, feedKey: d.feedKey });
          return { intent, done: 'Connection saved.' };
        case 'test_order': {
          const testOrder = await sendTestOrder(user, id);
          return { intent, testOrder };
        }
        case 'rotate_secret': {
          const rotated = await rotateSigningSecret(user, id, d.overlapHours);
          return { intent, secret: rotated.signingSecret, overlapEndsAt: rotated.overlapEndsAt };
        }
        case 'invite_pharmacist':
          await invitePharmacist(user, id, d);
          return { intent, done: `Invitation sent to ${d.email}. Without a mail server it waits in the Mailbox.` };
        case 'activate':
        case 'deactivate':
          await setPharmacyActive(user, id, d.intent === 'activate');
          return { intent, done: d.intent === 'activate' ? 'Pharmacy activated: clinics see its offers.' : 'Pharmacy deactivated: its people and API keys are refused from their next request.' };
        case 'payouts': {
          const link = await startPayoutsOnboarding(user, id, request.url);
          return redirect(link.url);
        }
      }
    },
    { values: form, extra: { intent } },
  );
}

const PAYOUTS_RETURN: Record<string, string> = {
  return: 'Back from Stripe. Stripe reports the account’s status by webhook (account.updated): until payouts are enabled, this pharmacy is paid on account.',
  refresh: 'The Stripe link expired before it was finished: set up payouts again for a fresh one.',
};

export default function AdminPharmacy() {
  const { pharmacy, overlapDefaultHours } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = (intent: string) => navigation.state !== 'idle' && navigation.formData?.get('intent') === intent;
  const answerFor = (intent: string) => (actionData?.intent === intent ? actionData : undefined);
  const values: UpdatePharmacyForm = {
    intent: 'update',
    name: pharmacy.name,
    slug: pharmacy.slug,
    residentState: pharmacy.residentState,
    license503a: pharmacy.license503a ?? '',
    nabpNumber: pharmacy.nabpNumber ?? '',
    npi: pharmacy.npi ?? '',
    contactName: pharmacy.contactName ?? '',
    email: pharmacy.email ?? '',
    phone: pharmacy.phone ?? '',
    addressLine1: pharmacy.addressLine1 ?? '',
    city: pharmacy.city ?? '',
    postalCode: pharmacy.postalCode ?? '',
    shipping: (pharmacy.shippingCents / 100).toFixed(2),
    coldChain: (pharmacy.coldChainFeeCents / 100).toFixed(2),
    turnaroundDays: String(pharmacy.turnaroundDays),
  };
  const updateAnswer = answerFor('update');
  const edit = useRemixForm(updatePharmacySchema, { defaultValues: { ...values, ...(updateAnswer?.values as Partial<UpdatePharmacyForm> | undefined) }, actionData: updateAnswer });
  const toast = actionData?.done ?? (params.get('created') ? 'Pharmacy created.' : null);
  const statusError = answerFor('activate')?.formError ?? answerFor('deactivate')?.formError;
  const payoutsReturn = params.get('payouts');
  return (
    <div className="stack-lg">
      <PageHeader
        title={pharmacy.name}
        meta={pharmacy.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}
        description={
          <>
            Resident state {pharmacy.residentState} · 503A licence {pharmacy.license503a ?? 'not recorded'} · slug <code>{pharmacy.slug}</code> · added <DateText value={pharmacy.createdAt} />
          </>
        }
        actions={<ButtonLink to="/admin/pharmacies">Back to pharmacies</ButtonLink>}
      />
      <Toaster message={toast ? { id: `${actionData?.intent ?? 'created'}-${toast}`, text: toast, tone: 'success' } : null} />

      <section aria-labelledby="status-heading" className="card card--padded stack-sm">
        <h2 id="status-heading">{pharmacy.active ? 'Active' : 'Not active yet'}</h2>
        <FormAlert message={statusError} />
        {pharmacy.active ? (
          <>
            <p>Clinics see its offers and its people sign in. Deactivating refuses its people and API keys from their next request; its orders and data stay.</p>
            <Form method="post">
              <input type="hidden" name="intent" value="deactivate" />
              <Button type="submit" variant="danger" loading={busy('deactivate')}>
                Deactivate the pharmacy
              </Button>
            </Form>
          </>
        ) : (
          <>
            <p>An inactive pharmacy offers nothing and its people cannot sign in. Activate it once it has a ship-to licence in force and a way to receive orders.</p>
            <Form method="post">
              <input type="hidden" name="intent" value="activate" />
              <Button type="submit" variant="primary" loading={busy('activate')}>
                Activate the pharmacy
              </Button>
            </Form>
          </>
        )}
      </section>

      <Licenses licenses={pharmacy.licenses} answer={answerFor('license') ?? answerFor('remove_license')} busy={busy('license')} />

      <Connection pharmacy={pharmacy} answer={answerFor('connection')} testAnswer={answerFor('test_order')} busy={busy} />

      <section aria-labelledby="secret-heading" className="card card--padded stack">
        <h2 id="secret-heading">Signing secret</h2>
        {answerFor('rotate_secret')?.secret ? <SecretOnce secret={answerFor('rotate_secret')!.secret!} what="signing secret" /> : null}
        <p>
          Current secret ends in <code>{pharmacy.connection.secretHint}</code>
          {pharmacy.connection.secretRotatedAt ? (
            <>
              , rotated <DateTimeText value={pharmacy.connection.secretRotatedAt} />
            </>
          ) : null}
          . It signs every order vialcart sends; the pharmacy signs its status events with it.
        </p>
        {pharmacy.connection.overlapEndsAt ? (
          <p role="status">
            The previous secret (ending <code>{pharmacy.connection.previousSecretHint}</code>) still verifies the pharmacy's events until <DateTimeText value={pharmacy.connection.overlapEndsAt} />.
          </p>
        ) : null}
        <Form method="post" className="stack-sm" noValidate>
          <input type="hidden" name="intent" value="rotate_secret" />
          <FormAlert message={answerFor('rotate_secret')?.formError && !answerFor('rotate_secret')?.fieldErrors ? answerFor('rotate_secret')?.formError : undefined} />
          <FormField
            label="Overlap (hours)"
            name="overlapHours"
            type="number"
            min={0}
            max={168}
            defaultValue={String(overlapDefaultHours)}
            hint="How long the current secret keeps verifying after the rotation, while the pharmacy switches. 0 ends it at once."
            error={answerFor('rotate_secret')?.fieldErrors?.overlapHours}
          />
          <div>
            <Button type="submit" loading={busy('rotate_secret')}>
              Rotate the signing secret
            </Button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="catalog-heading" className="card card--padded stack-sm">
        <h2 id="catalog-heading">Catalog</h2>
        <p>
          Upload its CSV price list, or fetch its JSON feed (set the feed above), from <Link to={`/admin/imports?pharmacyId=${pharmacy.id}`}>Catalog imports</Link>.
        </p>
        <DataTable
          caption="Recent catalog imports"
          rows={pharmacy.imports}
          getRowKey={(i) => i.id}
          maxHeight="none"
          empty="No catalog imported yet."
          columns={[
            { key: 'createdAt', header: 'Started', rowHeader: true, cell: (i) => <Link to={`/admin/imports/${i.id}`}><DateTimeText value={i.createdAt} /></Link> },
            { key: 'source', header: 'Source', cell: (i) => (i.source === 'csv' ? (i.fileName ?? 'CSV upload') : 'JSON feed') },
            { key: 'status', header: 'Status', cell: (i) => <Badge tone={i.status === 'succeeded' ? 'success' : i.status === 'failed' ? 'danger' : 'info'}>{i.status}</Badge> },
            { key: 'rows', header: 'Rows', align: 'end', cell: (i) => `${i.processedRows} / ${i.totalRows}` },
          ]}
        />
      </section>

      <Pharmacists pharmacists={pharmacy.pharmacists} answer={answerFor('invite_pharmacist')} busy={busy('invite_pharmacist')} />

      <section aria-labelledby="payouts-heading" className="card card--padded stack-sm">
        <h2 id="payouts-heading">Payouts</h2>
        <p>
          <PayoutsBadge state={pharmacy.payouts.state} />
        </p>
        {payoutsReturn && PAYOUTS_RETURN[payoutsReturn] ? <p role="status">{PAYOUTS_RETURN[payoutsReturn]}</p> : null}
        <FormAlert message={answerFor('payouts')?.formError} />
        {pharmacy.payouts.state === 'enabled' ? (
          <p>
            Stripe account <code>{pharmacy.payouts.accountId}</code> receives its share of each accepted order by transfer.
            {pharmacy.payouts.checkedAt ? (
              <>
                {' '}
                Reported <DateTimeText value={pharmacy.payouts.checkedAt} />.
              </>
            ) : null}
          </p>
        ) : (
          <>
            <p>
              {pharmacy.payouts.state === 'not_set_up'
                ? 'No Stripe account yet: its share of each order is paid on account, outside Stripe. Setting up payouts creates its Stripe Express account and opens Stripe’s onboarding for it.'
                : pharmacy.payouts.state === 'pending'
                  ? `Stripe account ${pharmacy.payouts.accountId} cannot receive payouts yet (onboarding unfinished): its share is paid on account until Stripe enables them.`
                  : `Stripe account ${pharmacy.payouts.accountId}: Stripe has not reported its status yet; transfers are tried.`}
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="payouts" />
              <Button type="submit" variant="primary" loading={busy('payouts')}>
                {pharmacy.payouts.state === 'not_set_up' ? 'Set up payouts' : 'Continue Stripe onboarding'}
              </Button>
            </Form>
          </>
        )}
      </section>

      <section aria-labelledby="details-heading" className="card card--padded stack">
        <h2 id="details-heading">Details, fees and turnaround</h2>
        <p className="muted text-sm">
          Shipping <Money cents={pharmacy.shippingCents} /> per order, cold chain <Money cents={pharmacy.coldChainFeeCents} />, turnaround {pharmacy.turnaroundDays} days.
        </p>
        <FormAlert message={updateAnswer?.formError && !updateAnswer.fieldErrors ? updateAnswer.formError : undefined} />
        <Form method="post" noValidate onSubmit={edit.onSubmit} className="stack">
          <input type="hidden" {...edit.register('intent')} />
          <PharmacyFields register={edit.register as unknown as PharmacyFieldsProps['register']} errorOf={edit.errorOf} />
          <div>
            <Button type="submit" variant="primary" loading={busy('update')}>
              Save pharmacy
            </Button>
          </div>
        </Form>
      </section>
    </div>
  );
}

type PharmacyView = ReturnType<typeof useLoaderData<typeof loader>>['pharmacy'];

function Licenses({ licenses, answer, busy }: { licenses: PharmacyView['licenses']; answer: Answer | undefined; busy: boolean }) {
  const typed = answer?.intent === 'license' && !answer.done ? (answer.values as { state?: string; licenseNumber?: string; expiresOn?: string } | undefined) : undefined;
  return (
    <section aria-labelledby="licenses-heading" className="card card--padded stack">
      <h2 id="licenses-heading">Ship-to licences</h2>
      <p className="muted text-sm">One per state it ships to. A line shipping to a state without a licence in force fails validation (pharmacy.ship_state).</p>
      <DataTable
        caption="Ship-to licences"
        captionHidden
        maxHeight="none"
        rows={licenses}
        getRowKey={(l) => l.state}
        empty="No ship-to licence yet: add one below."
        columns={[
          { key: 'state', header: 'State', rowHeader: true, cell: (l) => l.state },
          { key: 'licenseNumber', header: 'Licence number', cell: (l) => l.licenseNumber },
          { key: 'expiresOn', header: 'Expires', cell: (l) => (l.expired ? <Badge tone="danger">Expired {l.expiresOn}</Badge> : <DateText value={l.expiresOn} />) },
          {
            key: 'remove',
            header: <span className="visually-hidden">Remove</span>,
            cell: (l) => (
              <Form method="post">
                <input type="hidden" name="intent" value="remove_license" />
                <input type="hidden" name="state" value={l.state} />
                <Button type="submit" size="sm" aria-label={`Remove the ${l.state} licence`}>
                  Remove
                </Button>
              </Form>
            ),
          },
        ]}
      />
      <Form method="post" className="stack-sm" noValidate>
        <input type="hidden" name="intent" value="license" />
        <FormAlert message={answer?.formError && !answer.fieldErrors ? answer.formError : undefined} />
        <div className="grid">
          <FormField label="Licence state" name="state" as="select" required defaultValue={typed?.state ?? ''} error={answer?.fieldErrors?.state} key={`state-${answer?.done ?? ''}`}>
            <StateOptions />
          </FormField>
          <FormField label="Licence number" name="licenseNumber" required autoComplete="off" defaultValue={typed?.licenseNumber ?? ''} error={answer?.fieldErrors?.licenseNumber} key={`number-${answer?.done ?? ''}`} />
          <FormField label="Expires on" name="expiresOn" type="date" required defaultValue={typed?.expiresOn ?? ''} error={answer?.fieldErrors?.expiresOn} key={`expires-${answer?.done ?? ''}`} />
        </div>
        <div>
          <Button type="submit" loading={busy}>
            Save licence
          </Button>
        </div>
      </Form>
    </section>
  );
}

function Connection({ pharmacy, answer, testAnswer, busy }: { pharmacy: PharmacyView; answer: Answer | undefined; testAnswer: Answer | undefined; busy: (intent: string) => boolean }) {
  const typed = answer?.values as { connectionKind?: string; endpoint?: string; feedUrl?: string } | undefined;
  const [kind, setKind] = useState<string>(typed?.connectionKind ?? pharmacy.connection.kind);
  const test = testAnswer?.testOrder;
  return (
    <section aria-labelledby="connection-heading" className="card card--padded stack">
      <h2 id="connection-heading">Connection</h2>
      <Form method="post" className="stack-sm" noValidate>
        <input type="hidden" name="intent" value="connection" />
        <FormAlert message={answer?.formError && !answer.fieldErrors ? answer.formError : undefined} />
        <fieldset className="stack-sm">
          <legend>How it receives orders</legend>
          <label className="check">
            <input type="radio" name="connectionKind" value="rest" checked={kind === 'rest'} onChange={() => setKind('rest')} /> REST endpoint: vialcart posts each order, signed, to the pharmacy's system
          </label>
          <label className="check">
            <input type="radio" name="connectionKind" value="portal" checked={kind === 'portal'} onChange={() => setKind('portal')} /> Portal only: its pharmacists see and answer orders in vialcart
          </label>
        </fieldset>
        {kind === 'rest' ? (
          <FormField label="Order endpoint URL" name="endpoint" type="url" required autoComplete="off" defaultValue={typed?.endpoint ?? pharmacy.connection.endpoint ?? ''} error={answer?.fieldErrors?.endpoint} />
        ) : null}
        <div className="grid">
          <FormField label="Catalog feed URL" name="feedUrl" type="url" autoComplete="off" hint="Optional: a vialcart.catalog.v1 JSON feed fetched nightly." defaultValue={typed?.feedUrl ?? pharmacy.connection.feedUrl ?? ''} error={answer?.fieldErrors?.feedUrl} />
          <FormField label="Catalog feed key" name="feedKey" type="password" autoComplete="new-password" hint={pharmacy.connection.hasFeedKey ? 'A key is saved; type a new one to replace it.' : 'Sent as a bearer token when fetching the feed.'} error={answer?.fieldErrors?.feedKey} />
        </div>
        <div>
          <Button type="submit" loading={busy('connection')}>
            Save connection
          </Button>
        </div>
      </Form>
      {pharmacy.connection.kind === 'rest' && pharmacy.connection.endpoint ? (
        <div className="stack-sm">
          <h3>Send a test order</h3>
          <p className="muted text-sm">
            Posts a sample vialcart.order.v1 document marked <code>"test": true</code>, signed with the current secret, to <code>{pharmacy.connection.endpoint}</code> and shows the answer.
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="test_order" />
            <Button type="submit" loading={busy('test_order')}>
              Send a test order
            </Button>
          </Form>
          <FormAlert message={testAnswer?.formError} />
          {test ? (
            <div className="card card--padded stack-sm" role="status" aria-label="Test order result" data-testid="test-order-result">
              <p>
                <Badge tone={test.ok ? 'success' : 'danger'}>{test.ok ? 'Accepted' : test.kind === 'unreachable' ? 'Unreachable' : `HTTP ${test.status}`}</Badge> {test.message}
              </p>
              {test.kind === 'answered' ? (
                <>
                  <p className="muted text-sm">
                    HTTP {test.status} · {test.ms} ms{test.contentType ? ` · ${test.contentType}` : ''}
                  </p>
                  {test.excerpt ? <pre className="text-sm">{test.excerpt}</pre> : <p className="muted text-sm">(empty body)</p>}
                </>
              ) : (
                <p className="muted text-sm">
                  After {test.ms} ms: {test.message}
                </p>
              )}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function Pharmacists({ pharmacists, answer, busy }: { pharmacists: PharmacyView['pharmacists']; answer: Answer | undefined; busy: boolean }) {
  return (
    <section aria-labelledby="pharmacists-heading" className="card card--padded stack">
      <h2 id="pharmacists-heading">Pharmacists</h2>
      <PeopleTable caption="Pharmacists of this pharmacy" rows={pharmacists} empty="No pharmacist yet: invite one below." />
      <InvitePersonForm intent="invite_pharmacist" who="Pharmacist" answer={answer} busy={busy} />
      <p className="muted text-sm">
        They get a link to choose their password (72 hours, once). Without a mail server, invitations wait in the <Link to="/admin/mailbox">Mailbox</Link>.
      </p>
    </section>
  );
}
