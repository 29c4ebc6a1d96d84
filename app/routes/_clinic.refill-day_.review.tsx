import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { formatMoney } from '~/lib/format';
import { parseFormData, type FormErrors } from '~/lib/forms';
import { formAction, InvalidForm } from '~/http/forms.server';
import { checkoutSchema } from '~/schemas/checkout';
import { allowed } from '~/services/identity/permissions';
import { requireUser } from '~/services/identity/auth.server';
import { loadCartView } from '~/services/cart/index.server';
import { checkoutCart, loadReview } from '~/services/checkout/index.server';
import { DomainError } from '~/services/platform/errors';

export const meta: MetaFunction = () => [{ title: 'Review and pay — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const cart = await loadCartView(user);
  const review = await loadReview(user, cart);
  return json({
    canPay: allowed(user, 'cart.checkout'),
    cart: {
      id: cart.id,
      version: cart.version,
      status: cart.status,
      totalCents: cart.totalCents,
      platformFeePerVialCents: cart.platformFeePerVialCents,
      lines: cart.lines.map((l) => ({
        id: l.id,
        patientName: l.patientName,
        ownerName: l.ownerName,
        medicationName: l.medicationName,
        pharmacyId: l.pharmacyId,
        pharmacyName: l.pharmacyName,
        quantity: l.quantity,
        sig: l.sig,
        shipTo: l.shipTo,
        shipState: l.shipState,
        unitPriceCents: l.unitPriceCents,
        landedCostCents: l.landedCostCents,
        lineTotalCents: l.lineTotalCents,
      })),
      shipments: cart.shipments,
    },
    review,
  });
}

type ActionData = {
  formError: string;
  reason?: string;
  findings?: { lineNumber: number; rule: string; severity: string; message: string; hint?: string }[];
};

/** What a refused checkout's error details carry. */
type CheckoutRefusal = { reason?: string; findings?: ActionData['findings']; checkoutId?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async () => {
      // The form's fields are hidden (the cart's id and version): refused means the page is old.
      const parsed = parseFormData(form, checkoutSchema);
      if (!parsed.ok) throw new InvalidForm({ formError: 'The page is out of date: reload it and review the cart again.' });
      try {
        const { checkout } = await checkoutCart(user, parsed.data);
        // Stripe: off to its hosted page. Invoice: paid and split already.
        return redirect(checkout.redirectUrl ?? `/checkouts/${checkout.id}`);
      } catch (error) {
        const details = (error instanceof DomainError ? (error.details ?? {}) : {}) as CheckoutRefusal;
        if (details.reason === 'checkout_in_progress' && details.checkoutId) return redirect(`/checkouts/${details.checkoutId}`);
        throw error;
      }
    },
    {
      extra: (errors, error): Omit<ActionData, 'formError'> & Pick<FormErrors, 'formError'> => {
        const details = (error?.details ?? {}) as CheckoutRefusal;
        const formError =
          details.reason === 'stale_version' ? 'The cart changed since you reviewed it, so nothing was charged. It has been checked again below: review it and pay again.' : errors.formError;
        return { formError, reason: details.reason, findings: details.findings };
      },
    },
  );
}

export default function ReviewAndPay() {
  const { cart, review, canPay } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const paying = navigation.state !== 'idle' && navigation.formMethod?.toLowerCase() === 'post';
  const errorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (actionData?.formError) errorRef.current?.focus();
  }, [actionData]);

  if (cart.lines.length === 0) {
    return (
      <div className="stack stack-lg">
        <PageHeader title="Review and pay" />
        <EmptyState
          title="There is nothing to pay for"
          description="Your refill-day cart is empty."
          action={<ButtonLink to="/refill-day">Back to the cart</ButtonLink>}
        />
      </div>
    );
  }

  const pharmacies = groupByPharmacy(cart.shipments);
  const linesOf = (pharmacyId: string) => cart.lines.filter((l) => l.pharmacyId === pharmacyId);
  const subtotal = cart.shipments.reduce((s, x) => s + x.subtotalCents, 0);
  const shipping = cart.shipments.reduce((s, x) => s + x.shippingCents, 0);
  const fees = cart.shipments.reduce((s, x) => s + x.feesCents, 0);
  const platform = cart.shipments.reduce((s, x) => s + x.platformFeeCents, 0);
  const ready = review.blockingCount === 0 && review.warningCount === 0 && cart.status === 'open' && review.validatedVersion === cart.version;
  const payLabel = review.provider === 'invoice' ? `Pay ${formatMoney(cart.totalCents)} on account` : `Continue to payment (${formatMoney(cart.totalCents)})`;

  return (
    <div className="stack stack-lg">
      <PageHeader
        title="Review and pay"
        description={`Cart version ${cart.version}: ${cart.lines.length} line${cart.lines.length === 1 ? '' : 's'} from ${pharmacies.length} pharmac${pharmacies.length === 1 ? 'y' : 'ies'}. You pay once; each pharmacy gets its own order.`}
        actions={<ButtonLink to="/refill-day">Back to the cart</ButtonLink>}
      />

      {actionData?.formError ? (
        <div ref={errorRef} tabIndex={-1} role="alert" className="form-error stack stack-sm">
          <p>{actionData.formError}</p>
          {actionData.findings && actionData.findings.length > 0 ? (
            <ul>
              {actionData.findings.map((f, i) => (
                <li key={i}>
                  Line {f.lineNumber}: {f.message}
                  {f.hint ? ` ${f.hint}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {cart.status === 'checking_out' && review.activeCheckoutId ? (
        <section className="card card--padded stack stack-sm" aria-labelledby="in-progress">
          <h2 id="in-progress">A payment is in progress</h2>
          <p>This cart is being paid for. Lines cannot change until the payment finishes or is cancelled.</p>
          <p>
            <Link to={`/checkouts/${review.activeCheckoutId}`}>See the payment</Link>
          </p>
        </section>
      ) : null}

      {pharmacies.map((p) => (
        <section key={p.pharmacyId} className="stack" aria-labelledby={`pharmacy-${p.pharmacyId}`}>
          <h2 id={`pharmacy-${p.pharmacyId}`}>
            {p.pharmacyName} <span className="muted text-sm">· order total <Money cents={p.totalCents} /></span>
          </h2>
          <DataTable
            caption={`Lines from ${p.pharmacyName}`}
            captionHidden
            maxHeight="none"
            compact
            getRowKey={(l) => l.id}
            rows={linesOf(p.pharmacyId)}
            columns={[
              { key: 'patientName', header: 'Patient', rowHeader: true, cell: (l) => l.patientName },
              { key: 'medicationName', header: 'Medication', cell: (l) => l.medicationName },
              { key: 'sig', header: 'SIG', cell: (l) => l.sig },
              { key: 'shipTo', header: 'Ships to', cell: (l) => (l.shipTo === 'clinic' ? `Clinic (${l.shipState})` : `${l.ownerName} (${l.shipState})`) },
              { key: 'quantity', header: 'Vials', align: 'end', cell: (l) => l.quantity },
              { key: 'unitPriceCents', header: 'Unit price', align: 'end', cell: (l) => <Money cents={l.unitPriceCents} /> },
              { key: 'landedCostCents', header: 'Landed / vial', align: 'end', cell: (l) => <Money cents={l.landedCostCents} /> },
              { key: 'lineTotalCents', header: 'Line total', align: 'end', cell: (l) => <Money cents={l.lineTotalCents} /> },
            ]}
          />
          <DataTable
            caption={`Shipments from ${p.pharmacyName}`}
            maxHeight="none"
            compact
            getRowKey={(s) => `${s.pharmacyId}:${s.destination}`}
            rows={p.shipments}
            columns={[
              { key: 'destinationLabel', header: 'Destination', rowHeader: true, cell: (s) => s.destinationLabel },
              { key: 'vials', header: 'Vials', align: 'end', cell: (s) => s.vials },
              { key: 'subtotalCents', header: 'Medications', align: 'end', cell: (s) => <Money cents={s.subtotalCents} /> },
              { key: 'shippingCents', header: 'Shipping', align: 'end', cell: (s) => <Money cents={s.shippingCents} /> },
              { key: 'feesCents', header: 'Cold-chain fee', align: 'end', cell: (s) => <Money cents={s.feesCents} /> },
              { key: 'platformFeeCents', header: 'Platform fee', align: 'end', cell: (s) => <Money cents={s.platformFeeCents} /> },
              { key: 'totalCents', header: 'Total', align: 'end', cell: (s) => <Money cents={s.totalCents} /> },
            ]}
            footer={
              <tr>
                <th scope="row">Subtotal for {p.pharmacyName}</th>
                <td className="align-end">{p.vials}</td>
                <td className="align-end" colSpan={4} />
                <td className="align-end">
                  <Money cents={p.totalCents} />
                </td>
              </tr>
            }
          />
        </section>
      ))}

      <section className="card card--padded stack" aria-labelledby="summary">
        <h2 id="summary">Summary</h2>
        <dl className="dl">
          <dt>Medications</dt>
          <dd>
            <Money cents={subtotal} />
          </dd>
          <dt>Shipping and cold-chain fees</dt>
          <dd>
            <Money cents={shipping + fees} />
          </dd>
          <dt>Platform fee ({formatMoney(cart.platformFeePerVialCents)} per vial)</dt>
          <dd>
            <Money cents={platform} />
          </dd>
          <dt>
            <strong>Grand total</strong>
          </dt>
          <dd>
            <strong>
              <Money cents={cart.totalCents} />
            </strong>
          </dd>
        </dl>

        {ready && !canPay ? (
          <p className="muted" role="status">
            The cart is ready to pay. Ask a technician, veterinarian or manager to pay for it.
          </p>
        ) : ready ? (
          <Form method="post" className="stack stack-sm">
            <input type="hidden" name="version" value={cart.version} />
            <input type="hidden" name="cartId" value={cart.id} />
            <p className="muted">
              {review.provider === 'invoice'
                ? 'Paid on account: the invoice is due within your clinic’s payment terms.'
                : 'You will pay on Stripe’s secure page, then come back here.'}{' '}
              You pay for exactly the cart shown (version {cart.version}).
            </p>
            <div>
              <Button variant="primary" size="lg" type="submit" loading={paying}>
                {payLabel}
              </Button>
            </div>
          </Form>
        ) : cart.status === 'open' ? (
          <div className="stack stack-sm" role="status">
            <h3>Before you can pay</h3>
            <p>
              {review.blockingCount > 0 ? <Badge tone="danger">{review.blockingCount} to fix</Badge> : null}{' '}
              {review.warningCount > 0 ? <Badge tone="warning">{review.warningCount} to acknowledge</Badge> : null}
            </p>
            <ul className="stack stack-sm">
              {review.todo.map((t, i) => (
                <li key={i}>
                  <StatusBadge kind="severity" code={t.severity} /> Line {t.lineNumber}: {t.message}
                  {t.hint ? <span className="muted"> {t.hint}</span> : null}
                </li>
              ))}
            </ul>
            {review.validatedVersion !== cart.version && review.todo.length === 0 ? <p>The cart changed while this page loaded: reload it.</p> : null}
            <p>
              <Link to="/refill-day">Fix these in the cart</Link>
            </p>
          </div>
        ) : null}
      </section>
    </div>
  );
}

type Shipment = ReturnType<typeof useLoaderData<typeof loader>>['cart']['shipments'][number];

function groupByPharmacy(shipments: Shipment[]) {
  const out: { pharmacyId: string; pharmacyName: string; shipments: Shipment[]; vials: number; totalCents: number }[] = [];
  for (const s of shipments) {
    let g = out.find((x) => x.pharmacyId === s.pharmacyId);
    if (!g) out.push((g = { pharmacyId: s.pharmacyId, pharmacyName: s.pharmacyName, shipments: [], vials: 0, totalCents: 0 }));
    g.shipments.push(s);
    g.vials += s.vials;
    g.totalCents += s.totalCents;
  }
  return out;
}
