/**
 * "Optimise pharmacies" on the refill-day page (docs/optimizer.md): the button with its optional
 * cap on pharmacies, the proposal before anything changes (totals, savings per shipment, every
 * line that would move and why, lines that cannot be placed, the constraints that bound the
 * result, which solver answered), "Apply" for the cart version it was made for, what to do when
 * the cart moved meanwhile, and "Undo optimisation" for the latest one applied.
 */
import { Form, useNavigation } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { FormField } from '~/components/form-field';
import { Money } from '~/components/money';
import { formatMoney } from '~/lib/format';
import type { ActionResult, Cart, Line, ProposalView } from './types';

/** Why a line moves, in the clinic's words (the API's `reason`). */
const REASON_LABELS: Record<string, string> = {
  cheaper: 'Cheaper',
  consolidates: 'Consolidates a shipment',
  in_stock: 'In stock there',
  meets_need_by: 'Meets need-by',
  licensed: 'Licensed to ship',
  pinned: 'Pinned',
};

/** What kept a line off every offer or bound the result (the API's constraint names). */
const CONSTRAINT_LABELS: Record<string, string> = {
  no_offer: 'No offer',
  ship_state: 'State licence',
  controlled: 'Controlled drug',
  need_by: 'Need-by date',
  stock: 'Stock',
  pharmacy_cap: 'Pharmacy cap',
  pinned: 'Pinned',
};

type Optimization = { id: string; appliedAt: string; solver: string; moved: number; savingsCents: number } | null;

function lineLabel(line: Line | undefined): string {
  return line ? `${line.patientName}'s ${line.medicationName}` : 'A line no longer in the cart';
}

/** Before and after per shipment (pharmacy × destination): what each one costs and saves. */
function shipmentSavings(proposal: ProposalView, destinationLabel: (key: string) => string) {
  const rows = new Map<string, { pharmacy: string; destination: string; beforeCents: number; afterCents: number }>();
  const row = (pharmacyId: string, destination: string) => {
    const key = `${pharmacyId}|${destination}`;
    let r = rows.get(key);
    if (!r) {
      r = { pharmacy: proposal.pharmacyNames[pharmacyId] ?? 'Pharmacy', destination: destinationLabel(destination), beforeCents: 0, afterCents: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const s of proposal.shipmentsBefore) row(s.pharmacyId, s.destination).beforeCents = s.totalCents;
  for (const s of proposal.shipmentsAfter) row(s.pharmacyId, s.destination).afterCents = s.totalCents;
  return [...rows.entries()].map(([key, r]) => ({ key, ...r, savedCents: r.beforeCents - r.afterCents })).filter((r) => r.savedCents !== 0);
}

function CapForm({ maxPharmacies, label, error }: { maxPharmacies: number | null | undefined; label: string; error?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'optimize';
  return (
    <Form method="post" replace preventScrollReset className="cluster optimize__form">
      <input type="hidden" name="intent" value="optimize" />
      <FormField
        label="At most … pharmacies"
        name="maxPharmacies"
        type="number"
        min={1}
        max={100}
        inputMode="numeric"
        defaultValue={maxPharmacies ?? ''}
        hint="Optional"
        error={error}
        className="optimize__cap"
      />
      <Button variant="primary" loading={busy}>
        {label}
      </Button>
    </Form>
  );
}

function Proposal({ cart, proposal }: { cart: Cart; proposal: ProposalView }) {
  const navigation = useNavigation();
  const applying = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'optimize-apply';
  const lineOf = new Map(cart.lines.map((l) => [l.id, l]));
  const destinations = new Map<string, string>();
  for (const l of cart.lines) destinations.set(l.shipTo === 'clinic' ? 'clinic' : `owner:${l.clientId}`, l.shipTo === 'clinic' ? `Clinic (${cart.clinicState})` : `${l.ownerName} (owner, ${l.shipState})`);
  const savings = shipmentSavings(proposal, (key) => destinations.get(key) ?? key);
  const saved = proposal.totalBeforeCents - proposal.totalAfterCents;
  const stale = proposal.cartVersion !== cart.version;
  return (
    <div className="stack-sm optimize__proposal" aria-labelledby="proposal-heading">
      <h3 id="proposal-heading">Proposal for cart version {proposal.cartVersion}</h3>
      <p className="optimize__totals">
        Total before <strong><Money cents={proposal.totalBeforeCents} /></strong> → after <strong><Money cents={proposal.totalAfterCents} /></strong>{' '}
        {saved > 0 ? <Badge tone="success">Saves {formatMoney(saved)}</Badge> : saved < 0 ? <Badge tone="warning">Costs {formatMoney(-saved)} more</Badge> : <Badge>No saving</Badge>}
        {' · '}
        {proposal.shipmentsBefore.length} → {proposal.shipmentsAfter.length} shipments
      </p>
      <p className="text-sm optimize__solver">
        {proposal.solver === 'highs' ? (
          <>
            <Badge tone="success">HiGHS optimal</Badge> The solver proved this is the cheapest placement within the constraints ({proposal.elapsedMs} ms).
          </>
        ) : (
          <>
            <Badge tone="warning">Greedy fallback</Badge> {proposal.fallback?.message ?? 'The solver did not answer in time'}: this is the heuristic&apos;s answer, good but not proven cheapest ({proposal.elapsedMs} ms).
          </>
        )}
      </p>

      {proposal.moves.length === 0 ? (
        <p>No line would move: every line is already where it costs least within the constraints.</p>
      ) : (
        <div className="data-table-wrap" role="region" aria-labelledby="moves-caption" tabIndex={0}>
          <table className="data-table optimize__moves">
            <caption id="moves-caption">
              {proposal.moves.length} {proposal.moves.length === 1 ? 'line would move' : 'lines would move'}
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Why</th>
                <th scope="col" className="align-end">
                  Line total before
                </th>
                <th scope="col" className="align-end">
                  After
                </th>
              </tr>
            </thead>
            <tbody>
              {proposal.moves.map((m) => {
                const line = lineOf.get(m.lineId);
                const to = proposal.offerPharmacyIds[m.toOfferId];
                return (
                  <tr key={m.lineId} data-move-line-id={m.lineId}>
                    <th scope="row">{lineLabel(line)}</th>
                    <td>{line?.pharmacyName ?? '—'}</td>
                    <td>{to ? proposal.pharmacyNames[to] : '—'}</td>
                    <td>
                      <Badge tone="info">{REASON_LABELS[m.reason] ?? m.reason}</Badge> <span className="text-sm">{m.message}</span>
                    </td>
                    <td className="align-end">
                      <Money cents={m.lineTotalBeforeCents} />
                    </td>
                    <td className="align-end">
                      <Money cents={m.lineTotalAfterCents} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {savings.length > 0 ? (
        <div className="data-table-wrap" role="region" aria-labelledby="shipment-savings-caption" tabIndex={0}>
          <table className="data-table optimize__shipments">
            <caption id="shipment-savings-caption">Savings per shipment</caption>
            <thead>
              <tr>
                <th scope="col">Pharmacy</th>
                <th scope="col">Destination</th>
                <th scope="col" className="align-end">
                  Before
                </th>
                <th scope="col" className="align-end">
                  After
                </th>
                <th scope="col" className="align-end">
                  Saved
                </th>
              </tr>
            </thead>
            <tbody>
              {savings.map((s) => (
                <tr key={s.key}>
                  <th scope="row">{s.pharmacy}</th>
                  <td>{s.destination}</td>
                  <td className="align-end">{s.beforeCents ? <Money cents={s.beforeCents} /> : <span className="muted">no shipment</span>}</td>
                  <td className="align-end">{s.afterCents ? <Money cents={s.afterCents} /> : <span className="muted">no shipment</span>}</td>
                  <td className="align-end">{formatMoney(s.savedCents, { signed: true })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {proposal.unplaceable.length > 0 ? (
        <section className="stack-xs optimize__unplaceable" aria-labelledby="unplaceable-heading">
          <h4 id="unplaceable-heading">Lines no pharmacy can take ({proposal.unplaceable.length})</h4>
          <p className="text-sm muted">They stay where they are; the cart&apos;s checks flag them until you change them.</p>
          <ul>
            {proposal.unplaceable.map((u) => (
              <li key={u.lineId} data-unplaceable-line-id={u.lineId}>
                <strong>{lineLabel(lineOf.get(u.lineId))}</strong> <Badge tone="danger">{CONSTRAINT_LABELS[u.reason] ?? u.reason}</Badge> {u.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {proposal.bindings.length > 0 ? (
        <section className="stack-xs optimize__bindings" aria-labelledby="bindings-heading">
          <h4 id="bindings-heading">What bound the result</h4>
          <ul>
            {proposal.bindings.map((b, i) => (
              <li key={i}>
                <Badge>{CONSTRAINT_LABELS[b.constraint] ?? b.constraint}</Badge> {b.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="cluster">
        {stale ? (
          <p className="field__error" role="alert">
            The cart changed since this proposal was made: run &quot;Optimise pharmacies&quot; again.
          </p>
        ) : proposal.moves.length > 0 ? (
          <Form method="post" replace preventScrollReset>
            <input type="hidden" name="intent" value="optimize-apply" />
            <input type="hidden" name="version" value={proposal.cartVersion} />
            <input type="hidden" name="maxPharmacies" value={proposal.maxPharmacies ?? ''} />
            <input type="hidden" name="fingerprint" value={proposal.fingerprint} />
            <Button variant="primary" loading={applying}>
              Apply: move {proposal.moves.length} {proposal.moves.length === 1 ? 'line' : 'lines'}
            </Button>
          </Form>
        ) : null}
        <ButtonLink to="/refill-day" preventScrollReset>
          {proposal.moves.length > 0 && !stale ? 'Discard' : 'Close'}
        </ButtonLink>
      </div>
    </div>
  );
}

export function OptimizePanel({ cart, optimization, actionData }: { cart: Cart; optimization: Optimization; actionData: ActionResult | undefined }) {
  const navigation = useNavigation();
  const proposal = actionData?.intent === 'optimize' ? actionData.proposal : undefined;
  const applyConflict = actionData?.intent === 'optimize-apply' && actionData.conflict ? actionData.conflict.message : undefined;
  const undoConflict = actionData?.intent === 'optimize-undo' && actionData.conflict ? actionData.conflict.message : undefined;
  const capError = actionData?.intent === 'optimize' || actionData?.intent === 'optimize-apply' ? actionData.fieldErrors?.maxPharmacies : undefined;
  const pinned = cart.lines.filter((l) => l.optimizerPinned).length;
  const undoing = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'optimize-undo';
  return (
    <section className="card card--padded stack-sm optimize" aria-labelledby="optimize-heading">
      <div className="split">
        <h2 id="optimize-heading">Optimise pharmacies</h2>
        <p className="text-sm muted">
          Picks the pharmacy for every line to lower the whole cart&apos;s landed cost, within stock, licences and need-by dates.{' '}
          {pinned > 0 ? `${pinned} pinned ${pinned === 1 ? 'line stays' : 'lines stay'} where ${pinned === 1 ? 'it is' : 'they are'}.` : 'Pin a line to keep it where it is.'}
        </p>
      </div>
      <CapForm maxPharmacies={proposal?.maxPharmacies} label={applyConflict ? 'Optimise again' : 'Optimise pharmacies'} error={capError} />
      {applyConflict ? (
        <p className="field__error" role="alert">
          {applyConflict}
        </p>
      ) : null}
      {proposal ? <Proposal cart={cart} proposal={proposal} /> : null}
      {optimization && !proposal ? (
        <div className="cluster optimize__undo">
          <p className="text-sm">
            The last optimisation moved {optimization.moved} {optimization.moved === 1 ? 'line' : 'lines'} ({optimization.savingsCents >= 0 ? `saved ${formatMoney(optimization.savingsCents)}` : `${formatMoney(-optimization.savingsCents)} more`}).
          </p>
          <Form method="post" replace preventScrollReset>
            <input type="hidden" name="intent" value="optimize-undo" />
            <input type="hidden" name="optimizationId" value={optimization.id} />
            <Button size="sm" loading={undoing}>
              Undo optimisation
            </Button>
          </Form>
        </div>
      ) : null}
      {undoConflict ? (
        <p className="field__error" role="alert">
          {undoConflict}
        </p>
      ) : null}
    </section>
  );
}
