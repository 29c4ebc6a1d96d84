/**
 * The cart as people and the API see it: its lines priced (`priceCart`, app/lib/pricing.ts; no
 * fee is computed here), its shipments, totals and each line's findings from validation.
 */
import type { Finding } from '../../../validators';
import { getDb } from '../../../db/client';
import { priceCart, type CartLineInput, type PriceCartInput } from '~/lib/pricing';
import { clinicScope, type Principal } from '../identity/principal';
import { toPublicFinding, validateClinicCartIn } from '../validation/validation.server';
import { clinicRow, destinationKey, pricingLinesQuery, type Db } from './queries.server';
import { medicationDisplayName } from '../catalog/sql.server';
import { clientFullName } from '../records/sql.server';
import { getOpenCartIn } from './store.server';
import { contentHash, currentSignoffQuery } from './signoffs.server';

/** A finding as the cart shows it: the rule's finding plus who acknowledged it, and when. */
export type CartFinding = Pick<Finding, 'rule' | 'severity' | 'message' | 'hint' | 'fix' | 'acknowledged'> & {
  acknowledgedBy?: string;
  acknowledgedAt?: string;
};

/**
 * The `PriceCartInput` of the clinic's open cart (the catalog quotes "landed cost if added"
 * against it), or of the clinic's cart `cartId` when the caller already holds it (checkout,
 * which has it locked), so the cart is not located a second time.
 */
export function cartPricingInput(principal: Principal, opts: { cartId?: string } = {}): Promise<PriceCartInput> {
  return cartPricingInputIn(getDb(), principal, opts);
}

/** `cartPricingInput` on the caller's connection or transaction. */
export async function cartPricingInputIn(db: Db, principal: Principal, opts: { cartId?: string } = {}): Promise<PriceCartInput> {
  const clinicId = clinicScope(principal);
  const cartId = opts.cartId ?? (await getOpenCartIn(db, principal)).id;
  const [clinic, rows] = await Promise.all([
    clinicRow(db, clinicId),
    pricingLinesQuery(db, clinicId, cartId)
      .select([
        'l.id', 'o.pharmacyId', 'l.shipTo', 'p.clientId', 'l.quantity', 'o.unitPriceCents', 'm.coldChain',
        'ph.shippingCents', 'ph.coldChainFeeCents',
      ])
      .execute(),
  ]);
  const pharmacies: PriceCartInput['pharmacies'] = {};
  const lines: CartLineInput[] = rows.map((r) => {
    (pharmacies as Record<string, { shippingCents: number; coldChainCents: number }>)[r.pharmacyId] = { shippingCents: r.shippingCents, coldChainCents: r.coldChainFeeCents };
    return { id: r.id, pharmacyId: r.pharmacyId, destinationKey: destinationKey(r.shipTo, r.clientId), quantity: r.quantity, unitPriceCents: r.unitPriceCents, coldChain: r.coldChain };
  });
  return { lines, pharmacies, platformFeePerVialCents: clinic.platformFeeCents };
}

/**
 * Everything the refill-day page and `GET /api/v1/carts/current` show: lines with their
 * people, medication, pharmacy and prices, shipments with fees, totals and findings.
 * A fixed number of queries whatever the number of lines.
 */
export function loadCartView(principal: Principal) {
  return loadCartViewIn(getDb(), principal);
}

/** `loadCartView` on the caller's connection or transaction (an add answers the cart it made). */
export async function loadCartViewIn(db: Db, principal: Principal) {
  const clinicId = clinicScope(principal);
  const cart = await getOpenCartIn(db, principal);
  const [clinic, rows, validation, removed] = await Promise.all([
    clinicRow(db, clinicId),
    pricingLinesQuery(db, clinicId, cart.id)
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .innerJoin('prescribers as pr', 'pr.id', 'l.prescriberId')
      .leftJoin((eb) => currentSignoffQuery(eb as unknown as Db).as('s'), (join) => join.onRef('s.cartLineId', '=', 'l.id'))
      .select([
        'l.id', 'l.version', 'l.position', 'l.source', 'l.patientId', 'p.name as patientName', 'p.species', 'p.status as patientStatus',
        'p.clientId', clientFullName().as('ownerName'), 'c.state as ownerState', 'l.offerId', 'o.pharmacyId', 'ph.name as pharmacyName',
        'o.medicationId', medicationDisplayName().as('medicationName'), 'm.controlledSchedule', 'm.coldChain', 'o.packageDescription', 'o.flavors',
        'l.quantity', 'l.sig', 'l.prescriberId', 'pr.name as prescriberName', 'l.prescriptionId', 'l.shipTo', 'l.shipState', 'l.flavor',
        'l.needBy', 'l.optimizerPinned', 'o.unitPriceCents', 'l.unitPriceCentsAtAdd', 'l.updatedAt', 'l.returnedReason',
        'ph.shippingCents', 'ph.coldChainFeeCents', 'p.weightKg', 'p.weightMeasuredOn', 'm.strength', 'm.form',
        's.userId as signoffUserId', 's.signerName', 's.signedAt as signoffAt', 's.contentHash as signoffHash',
      ])
      .execute(),
    cartFindings(db, principal, cart.id),
    db
      .selectFrom('cartLines as l')
      .innerJoin('patients as p', 'p.id', 'l.patientId')
      .innerJoin('offers as o', 'o.id', 'l.offerId')
      .innerJoin('medications as m', 'm.id', 'o.medicationId')
      .select(['l.id', 'l.version', 'p.name as patientName', medicationDisplayName().as('medicationName'), 'l.removedAt'])
      .where('l.cartId', '=', cart.id)
      .where('l.clinicId', '=', clinicId)
      .where('l.removedAt', 'is not', null)
      .orderBy('l.removedAt', 'desc')
      .limit(5)
      .execute(),
  ]);

  const pharmacies: Record<string, { shippingCents: number; coldChainCents: number }> = {};
  const pharmacyNames: Record<string, string> = {};
  const pricingLines: CartLineInput[] = rows.map((r) => {
    pharmacies[r.pharmacyId] = { shippingCents: r.shippingCents, coldChainCents: r.coldChainFeeCents };
    pharmacyNames[r.pharmacyId] = r.pharmacyName;
    return { id: r.id, pharmacyId: r.pharmacyId, destinationKey: destinationKey(r.shipTo, r.clientId), quantity: r.quantity, unitPriceCents: r.unitPriceCents, coldChain: r.coldChain };
  });
  const priced = priceCart({ lines: pricingLines, pharmacies, platformFeePerVialCents: clinic.platformFeeCents });

  const { findings, blockingCount, warningCount } = validation;

  const ownerOf = new Map(rows.map((r) => [destinationKey(r.shipTo, r.clientId), { name: r.ownerName, state: r.shipState }]));
  const lines = rows.map((r, i) => {
    const p = priced.lines[i]!;
    const { shippingCents: _s, coldChainFeeCents: _c, strength: _st, form: _f, signoffUserId, signerName, signoffAt, signoffHash, ...line } = r;
    const hash = contentHash({ ...r, package: r.packageDescription });
    // A sign-off counts only for the content it authorised (docs/signoff.md).
    const signoff = signoffUserId && signoffAt ? { userId: signoffUserId, name: signerName ?? '', at: signoffAt.toISOString(), current: signoffHash === hash } : null;
    return {
      ...line,
      updatedAt: r.updatedAt.toISOString(),
      contentHash: hash,
      signoff,
      vetSignoffAt: signoff?.current ? signoff.at : null,
      landedCostCents: p.landedCostPerVialCents,
      lineTotalCents: p.lineTotalCents,
      shippingShareCents: p.shippingShareCents,
      feeShareCents: p.feeShareCents,
      platformFeeCents: p.platformFeeCents,
      findings: findings[r.id] ?? [],
    };
  });
  const shipments = priced.shipments.map((s) => {
    const owner = s.destination === 'clinic' ? null : ownerOf.get(s.destination);
    return {
      ...s,
      pharmacyName: pharmacyNames[s.pharmacyId] ?? '',
      destinationLabel: owner ? `${owner.name} (owner, ${owner.state})` : `Clinic (${clinic.state})`,
    };
  });
  return {
    id: cart.id,
    version: cart.version,
    status: cart.status,
    clinicState: clinic.state,
    platformFeePerVialCents: clinic.platformFeeCents,
    lines,
    shipments,
    totalCents: priced.totalCents,
    blockingCount,
    warningCount,
    recentlyRemoved: removed.map((r) => ({ ...r, removedAt: r.removedAt!.toISOString() })),
  };
}

/** The open cart as `loadCartView` returns it. */
export type CartView = Awaited<ReturnType<typeof loadCartViewIn>>;
/** One line of the cart view. */
export type CartLineView = CartView['lines'][number];

/**
 * Findings per line id from the validation loader (docs/validation.md), with who acknowledged each
 * acknowledged warning and when, in the shape the cart shows.
 */
async function cartFindings(db: Db, principal: Principal, cartId: string) {
  const validation = await validateClinicCartIn(db, principal, { cartId });
  const findings: Record<string, CartFinding[]> = {};
  for (const line of validation.lines) {
    const ackOf = new Map(line.acknowledgements.map((a) => [a.rule, a]));
    findings[line.lineId] = line.findings.map((f) => {
      const view: CartFinding = { ...toPublicFinding(f) };
      const ack = f.acknowledged ? ackOf.get(f.rule) : undefined;
      if (ack) {
        view.acknowledgedBy = ack.userName;
        view.acknowledgedAt = ack.at;
      }
      return view;
    });
  }
  return { findings, blockingCount: validation.blockingCount, warningCount: validation.warningCount };
}
