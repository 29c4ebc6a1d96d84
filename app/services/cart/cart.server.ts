/**
 * The refill-day cart: one open cart per clinic holding many patients' lines.
 *
 * Every mutation runs in one transaction that first locks the cart row, so mutations of one
 * cart are serialised: a version check made under the lock cannot race with another edit, and
 * the cart version (which checkout names) moves exactly once per change. Lines carry their own
 * version for optimistic concurrency between two people editing the same line.
 *
 * All money comes from `priceCart` (app/lib/pricing.ts); nothing here computes a fee.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, LineSource } from '../../../db/schema';
import type { Finding } from '../../../validators';
import { landedCostQuoter, priceCart, type CartLineInput, type PriceCartInput } from '~/lib/pricing';
import { audit, type AuditEntry } from '../audit/audit.server';
import { now, today } from '../platform/clock.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { toPublicFinding, validateClinicCart } from '../validation/validation.server';
import { idempotent } from '../platform/idempotency.server';
import { appendCartLines, bumpCartVersion, getOpenCart, lockOpenCart } from './store.server';

export { getOpenCart } from './store.server';

type Db = Kysely<Database>;
type Tx = Transaction<Database>;
type TxOption = { tx?: Transaction<Database> };
/** Reads may run on the pool or inside a caller's transaction. */
type ReadOption = { tx?: Kysely<Database> };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isGuid = (v: unknown): v is string => typeof v === 'string' && GUID.test(v);

/** A line to add to the clinic's open cart. */
export type NewCartLineInput = {
  patientId: string;
  /** The pharmacy's offer (pharmacy × medication × package). */
  offerId: string;
  /** Vials, a whole number from 1 to 10,000. */
  quantity: number;
  sig: string;
  prescriberId: string;
  /** Where the shipment goes; the ship state follows from the clinic's or the owner's address. */
  shipTo: 'clinic' | 'owner';
  source?: LineSource;
  prescriptionId?: string | null;
  flavor?: string | null;
  /** 'YYYY-MM-DD'. */
  needBy?: string | null;
  /** User id of the veterinarian who approved the line (owner requests, controlled quickfills). */
  vetSignoffBy?: string | null;
};

/** The editable fields of a line, with the version the editor read. */
export type CartLinePatch = {
  version: number;
  quantity?: number;
  sig?: string;
  prescriberId?: string;
  shipTo?: 'clinic' | 'owner';
  flavor?: string | null;
  needBy?: string | null;
  /** Another offer of the same medication ("switch pharmacy"). */
  offerId?: string;
};

/** A finding as the cart shows it: the rule's finding plus who acknowledged it, and when. */
export type CartFinding = Pick<Finding, 'rule' | 'severity' | 'message' | 'hint' | 'fix' | 'acknowledged'> & {
  acknowledgedBy?: string;
  acknowledgedAt?: string;
};

function withTx<T>(opts: TxOption | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return opts?.tx ? fn(opts.tx) : getDb().transaction().execute(fn);
}

// ---------------------------------------------------------------------------------------------
// The open cart: see ./store.server.ts

async function clinicRow(db: Db, clinicId: string) {
  return db
    .selectFrom('clinics')
    .select(['id', 'state', 'platformFeeCents', 'wellnessPolicy', 'name'])
    .where('id', '=', clinicId)
    .executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------
// Pricing input

function destinationKey(shipTo: 'clinic' | 'owner', clientId: string): string {
  return shipTo === 'clinic' ? 'clinic' : `owner:${clientId}`;
}

function pricingLinesQuery(db: Db, clinicId: string, cartId: string) {
  return db
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .innerJoin('patients as p', 'p.id', 'l.patientId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .where('l.cartId', '=', cartId)
    .where('l.clinicId', '=', clinicId)
    .where('l.removedAt', 'is', null)
    .orderBy('l.position')
    .orderBy('l.createdAt')
    .orderBy('l.id');
}

/** The `PriceCartInput` of the clinic's open cart (the catalog quotes "landed cost if added" against it). */
export async function cartPricingInput(principal: Principal, opts: ReadOption = {}): Promise<PriceCartInput> {
  const clinicId = clinicScope(principal);
  const db = opts.tx ?? getDb();
  const cart = await getOpenCart(principal, opts);
  const [clinic, rows] = await Promise.all([
    clinicRow(db, clinicId),
    pricingLinesQuery(db, clinicId, cart.id)
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

// ---------------------------------------------------------------------------------------------
// The cart view

const medicationName = sql<string>`m.name || ' ' || m.strength || ' ' || m.form`;
const ownerName = sql<string>`c.first_name || ' ' || c.last_name`;

/**
 * Everything the refill-day page and `GET /api/v1/carts/current` show: lines with their
 * people, medication, pharmacy and prices, shipments with fees, totals and findings.
 * A fixed number of queries whatever the number of lines.
 */
export async function loadCartView(principal: Principal, opts: ReadOption = {}) {
  const clinicId = clinicScope(principal);
  const db = opts.tx ?? getDb();
  const cart = await getOpenCart(principal, opts);
  const [clinic, rows, validation, removed] = await Promise.all([
    clinicRow(db, clinicId),
    pricingLinesQuery(db, clinicId, cart.id)
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .innerJoin('prescribers as pr', 'pr.id', 'l.prescriberId')
      .select([
        'l.id', 'l.version', 'l.position', 'l.source', 'l.patientId', 'p.name as patientName', 'p.species', 'p.status as patientStatus',
        'p.clientId', ownerName.as('ownerName'), 'c.state as ownerState', 'l.offerId', 'o.pharmacyId', 'ph.name as pharmacyName',
        'o.medicationId', medicationName.as('medicationName'), 'm.controlledSchedule', 'm.coldChain', 'o.packageDescription', 'o.flavors',
        'l.quantity', 'l.sig', 'l.prescriberId', 'pr.name as prescriberName', 'l.prescriptionId', 'l.shipTo', 'l.shipState', 'l.flavor',
        'l.needBy', 'o.unitPriceCents', 'l.unitPriceCentsAtAdd', 'l.vetSignoffBy', 'l.vetSignoffAt', 'l.updatedAt', 'l.returnedReason',
        'ph.shippingCents', 'ph.coldChainFeeCents',
      ])
      .execute(),
    cartFindings(principal, cart.id, opts),
    db
      .selectFrom('cartLines as l')
      .innerJoin('patients as p', 'p.id', 'l.patientId')
      .innerJoin('offers as o', 'o.id', 'l.offerId')
      .innerJoin('medications as m', 'm.id', 'o.medicationId')
      .select(['l.id', 'l.version', 'p.name as patientName', medicationName.as('medicationName'), 'l.removedAt'])
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
    const { shippingCents: _s, coldChainFeeCents: _c, ...line } = r;
    return {
      ...line,
      updatedAt: r.updatedAt.toISOString(),
      vetSignoffAt: r.vetSignoffAt ? r.vetSignoffAt.toISOString() : null,
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
export type CartView = Awaited<ReturnType<typeof loadCartView>>;
/** One line of the cart view. */
export type CartLineView = CartView['lines'][number];

/**
 * Findings per line id from the validation loader (issue 5), with who acknowledged each
 * acknowledged warning and when, in the shape the cart shows.
 */
async function cartFindings(principal: Principal, cartId: string, opts: ReadOption) {
  const validation = await validateClinicCart(principal, { cartId, ...(opts.tx ? { tx: opts.tx } : {}) });
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

// ---------------------------------------------------------------------------------------------
// Adding lines

type Refs = Awaited<ReturnType<typeof loadRefs>>;

/** Loads, in one query each, every patient, offer, prescriber and prescription the inputs name, scoped to the clinic. */
async function loadRefs(
  db: Db,
  clinicId: string,
  ids: { patientIds: string[]; offerIds: string[]; prescriberIds: string[]; prescriptionIds: string[]; userIds: string[] },
) {
  const uniq = (xs: string[]) => [...new Set(xs.filter(isGuid))];
  const patientIds = uniq(ids.patientIds);
  const offerIds = uniq(ids.offerIds);
  const prescriberIds = uniq(ids.prescriberIds);
  const prescriptionIds = uniq(ids.prescriptionIds);
  const userIds = uniq(ids.userIds);
  const [patients, offers, prescribers, prescriptions, vets] = await Promise.all([
    patientIds.length
      ? db
          .selectFrom('patients as p')
          .innerJoin('clients as c', 'c.id', 'p.clientId')
          .select(['p.id', 'p.name', 'p.clientId', 'c.state as ownerState'])
          .where('p.id', 'in', patientIds)
          .where('p.clinicId', '=', clinicId)
          .execute()
      : [],
    offerIds.length
      ? db
          .selectFrom('offers as o')
          .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
          .select(['o.id', 'o.medicationId', 'o.pharmacyId', 'o.unitPriceCents', 'o.flavors', 'o.available', 'ph.active as pharmacyActive', 'ph.name as pharmacyName'])
          .where('o.id', 'in', offerIds)
          .execute()
      : [],
    prescriberIds.length
      ? db.selectFrom('prescribers').select(['id', 'name', 'userId']).where('id', 'in', prescriberIds).where('clinicId', '=', clinicId).execute()
      : [],
    prescriptionIds.length
      ? db
          .selectFrom('prescriptions')
          .select(['id', 'patientId', 'medicationId'])
          .where('id', 'in', prescriptionIds)
          .where('clinicId', '=', clinicId)
          .execute()
      : [],
    userIds.length
      ? db.selectFrom('users').select(['id', 'role']).where('id', 'in', userIds).where('clinicId', '=', clinicId).execute()
      : [],
  ]);
  return {
    patients: new Map(patients.map((r) => [r.id, r])),
    offers: new Map(offers.map((r) => [r.id, r])),
    prescribers: new Map(prescribers.map((r) => [r.id, r])),
    prescriptions: new Map(prescriptions.map((r) => [r.id, r])),
    vets: new Map(vets.map((r) => [r.id, r])),
  };
}

function shipStateFor(shipTo: 'clinic' | 'owner', clinicState: string, ownerState: string | null): string | null {
  return shipTo === 'clinic' ? clinicState : ownerState;
}

/** Checks one input against the loaded rows; returns field path → message. */
function checkInput(input: NewCartLineInput, refs: Refs, clinicState: string, prefix: string): { fields: Record<string, string>; shipState: string } {
  const fields: Record<string, string> = {};
  const patient = refs.patients.get(input.patientId);
  if (!patient) fields[`${prefix}patientId`] = 'No such patient in this clinic.';
  const offer = refs.offers.get(input.offerId);
  if (!offer) fields[`${prefix}offerId`] = 'No such offer in the catalog.';
  else if (!offer.available || !offer.pharmacyActive) fields[`${prefix}offerId`] = `${offer.pharmacyName} no longer offers this; choose another pharmacy.`;
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > 10_000) {
    fields[`${prefix}quantity`] = 'Enter a whole number of vials from 1 to 10,000.';
  }
  if (typeof input.sig !== 'string' || input.sig.trim() === '') fields[`${prefix}sig`] = 'Enter the directions (SIG).';
  else if (input.sig.length > 1_000) fields[`${prefix}sig`] = 'Keep the SIG under 1,000 characters.';
  if (!refs.prescribers.get(input.prescriberId)) fields[`${prefix}prescriberId`] = 'No such prescriber in this clinic.';
  if (input.shipTo !== 'clinic' && input.shipTo !== 'owner') fields[`${prefix}shipTo`] = 'Ship to "clinic" or "owner".';
  const shipState = shipStateFor(input.shipTo, clinicState, patient?.ownerState ?? null);
  if (patient && input.shipTo === 'owner' && !shipState) fields[`${prefix}shipTo`] = 'The owner has no address on file; ship to the clinic or add the address.';
  if (input.prescriptionId) {
    const rx = refs.prescriptions.get(input.prescriptionId);
    if (!rx) fields[`${prefix}prescriptionId`] = 'No such prescription in this clinic.';
    else if (patient && rx.patientId !== patient.id) fields[`${prefix}prescriptionId`] = 'This prescription belongs to another patient.';
    else if (offer && rx.medicationId !== offer.medicationId) fields[`${prefix}prescriptionId`] = 'This prescription is for another medication.';
  }
  if (input.flavor && offer && !offer.flavors.includes(input.flavor)) {
    fields[`${prefix}flavor`] = offer.flavors.length ? `Choose one of: ${offer.flavors.join(', ')}.` : 'This offer comes unflavored.';
  }
  if (input.needBy && !/^\d{4}-\d{2}-\d{2}$/.test(input.needBy)) fields[`${prefix}needBy`] = 'Use a date like 2026-12-01.';
  if (input.vetSignoffBy && refs.vets.get(input.vetSignoffBy)?.role !== 'veterinarian') {
    fields[`${prefix}vetSignoffBy`] = 'Only a veterinarian of this clinic can sign a line off.';
  }
  return { fields, shipState: shipState ?? '' };
}

/**
 * Adds lines to the clinic's open cart in one transaction: all or nothing. Bad input names the
 * line and field (`lines.3.quantity`). Pass `tx` to join the caller's transaction (intake turns
 * an approved request into a line inside its own).
 */
export async function addCartLines(
  principal: Principal,
  inputs: NewCartLineInput[],
  opts: TxOption = {},
): Promise<{ cartId: string; cartVersion: number; lineIds: string[] }> {
  const clinicId = clinicScope(principal);
  if (inputs.length === 0) throw badRequest('Send at least one line.', { lines: 'Send at least one line.' });
  return withTx(opts, async (tx) => {
    const cart = await lockOpenCart(tx, principal);
    const [clinic, refs] = await Promise.all([
      clinicRow(tx, clinicId),
      loadRefs(tx, clinicId, {
        patientIds: inputs.map((i) => i.patientId),
        offerIds: inputs.map((i) => i.offerId),
        prescriberIds: inputs.map((i) => i.prescriberId),
        prescriptionIds: inputs.flatMap((i) => (i.prescriptionId ? [i.prescriptionId] : [])),
        userIds: inputs.flatMap((i) => (i.vetSignoffBy ? [i.vetSignoffBy] : [])),
      }),
    ]);
    const fields: Record<string, string> = {};
    const shipStates: string[] = [];
    inputs.forEach((input, i) => {
      const checked = checkInput(input, refs, clinic.state, `lines.${i}.`);
      Object.assign(fields, checked.fields);
      shipStates.push(checked.shipState);
    });
    const bad = Object.keys(fields);
    if (bad.length) {
      const first = bad[0]!;
      const index = Number(first.split('.')[1]);
      throw new DomainError('bad_request', `Line ${index + 1}: ${fields[first]}${bad.length > 1 ? ` (and ${bad.length - 1} more problem${bad.length > 2 ? 's' : ''})` : ''} Nothing was added.`, fields);
    }
    const at = now();
    const userId = userIdOf(principal);
    const { lineIds, cartVersion } = await appendCartLines(
      tx,
      { id: cart.id, clinicId },
      inputs.map((input, i) => ({
        patientId: input.patientId,
        offerId: input.offerId,
        quantity: input.quantity,
        sig: input.sig.trim(),
        prescriberId: input.prescriberId,
        shipTo: input.shipTo,
        shipState: shipStates[i]!,
        flavor: input.flavor || null,
        needBy: input.needBy || null,
        source: input.source ?? 'manual',
        prescriptionId: input.prescriptionId || null,
        unitPriceCentsAtAdd: refs.offers.get(input.offerId)!.unitPriceCents,
        vetSignoffBy: input.vetSignoffBy || null,
        vetSignoffAt: input.vetSignoffBy ? at : null,
        createdBy: userId,
        createdAt: at,
        updatedAt: at,
      })),
    );
    await audit(
      tx,
      principal,
      inputs.map(
        (input, i): AuditEntry => ({
          clinicId,
          action: 'cart.line_added',
          subjectType: 'cart_line',
          subjectId: lineIds[i]!,
          detail: { cartId: cart.id, patientId: input.patientId, offerId: input.offerId, quantity: input.quantity, source: input.source ?? 'manual', prescriptionId: input.prescriptionId ?? null },
        }),
      ),
      at,
    );
    return { cartId: cart.id, cartVersion, lineIds };
  });
}

// ---------------------------------------------------------------------------------------------
// Editing, removing, switching

async function lineForChange(tx: Tx, clinicId: string, cartId: string, lineId: string) {
  if (!isGuid(lineId)) throw notFound('Cart line');
  const line = await tx
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .innerJoin('patients as p', 'p.id', 'l.patientId')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .innerJoin('prescribers as pr', 'pr.id', 'l.prescriberId')
    .select([
      'l.id', 'l.cartId', 'l.version', 'l.quantity', 'l.sig', 'l.prescriberId', 'pr.name as prescriberName', 'l.shipTo', 'l.shipState',
      'l.flavor', 'l.needBy', 'l.offerId', 'o.medicationId', 'o.pharmacyId', 'o.flavors', 'l.removedAt', 'l.updatedAt', 'c.state as ownerState',
      'l.patientId', 'l.prescriptionId',
    ])
    .where('l.id', '=', lineId)
    .where('l.clinicId', '=', clinicId)
    .executeTakeFirst();
  if (!line || line.cartId !== cartId) throw notFound('Cart line');
  return line;
}

/** The values a conflicting editor is shown: what the line holds now. */
function currentValues(line: Awaited<ReturnType<typeof lineForChange>>) {
  return {
    id: line.id,
    version: line.version,
    quantity: line.quantity,
    sig: line.sig,
    prescriberId: line.prescriberId,
    prescriberName: line.prescriberName,
    shipTo: line.shipTo,
    shipState: line.shipState,
    flavor: line.flavor,
    needBy: line.needBy,
    offerId: line.offerId,
    removed: line.removedAt !== null,
    updatedAt: line.updatedAt.toISOString(),
  };
}

/** Fields whose change invalidates acknowledged warnings (need-by and flavor do not). */
const REVIEWED_FIELDS = ['quantity', 'sig', 'prescriberId', 'shipTo', 'offerId'] as const;

/**
 * Edits a line if `patch.version` is still its version. A stale version is a `conflict` whose
 * `details.current` holds the line as it is now, so the editor can show what changed.
 */
export async function updateCartLine(principal: Principal, lineId: string, patch: CartLinePatch, opts: TxOption = {}) {
  const clinicId = clinicScope(principal);
  return withTx(opts, async (tx) => {
    const cart = await lockOpenCart(tx, principal);
    const line = await lineForChange(tx, clinicId, cart.id, lineId);
    if (line.removedAt) throw conflict('This line was removed from the cart by someone else. Undo the removal to edit it.', { current: currentValues(line) });
    if (line.version !== patch.version) {
      throw conflict('Someone else changed this line while you were editing it. Here is what it holds now; apply your change again if it still makes sense.', { current: currentValues(line) });
    }
    const clinic = await clinicRow(tx, clinicId);
    const fields: Record<string, string> = {};
    const set: Record<string, unknown> = {};
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const change = (key: string, from: unknown, to: unknown) => {
      if (from === to) return;
      set[key] = to;
      changes[key] = { from, to };
    };
    const refs = await loadRefs(tx, clinicId, {
      patientIds: [],
      offerIds: patch.offerId ? [patch.offerId] : [],
      prescriberIds: patch.prescriberId ? [patch.prescriberId] : [],
      prescriptionIds: [],
      userIds: [],
    });
    let flavors = line.flavors;
    if (patch.offerId !== undefined && patch.offerId !== line.offerId) {
      const offer = refs.offers.get(patch.offerId);
      if (!offer) fields.offerId = 'No such offer in the catalog.';
      else if (offer.medicationId !== line.medicationId) fields.offerId = 'Switch to an offer of the same medication.';
      else if (!offer.available || !offer.pharmacyActive) fields.offerId = `${offer.pharmacyName} no longer offers this.`;
      else {
        change('offerId', line.offerId, offer.id);
        set.unitPriceCentsAtAdd = offer.unitPriceCents;
        flavors = offer.flavors;
        // A flavor the new pharmacy does not make cannot follow the line.
        if (line.flavor && patch.flavor === undefined && !offer.flavors.includes(line.flavor)) change('flavor', line.flavor, null);
      }
    }
    if (patch.quantity !== undefined) {
      if (!Number.isSafeInteger(patch.quantity) || patch.quantity < 1 || patch.quantity > 10_000) fields.quantity = 'Enter a whole number of vials from 1 to 10,000.';
      else change('quantity', line.quantity, patch.quantity);
    }
    if (patch.sig !== undefined) {
      const sig = patch.sig.trim();
      if (!sig) fields.sig = 'Enter the directions (SIG).';
      else change('sig', line.sig, sig);
    }
    if (patch.prescriberId !== undefined && patch.prescriberId !== line.prescriberId) {
      if (!refs.prescribers.get(patch.prescriberId)) fields.prescriberId = 'No such prescriber in this clinic.';
      else change('prescriberId', line.prescriberId, patch.prescriberId);
    }
    if (patch.shipTo !== undefined && patch.shipTo !== line.shipTo) {
      const state = shipStateFor(patch.shipTo, clinic.state, line.ownerState);
      if (!state) fields.shipTo = 'The owner has no address on file; ship to the clinic or add the address.';
      else {
        change('shipTo', line.shipTo, patch.shipTo);
        change('shipState', line.shipState, state);
      }
    }
    if (patch.flavor !== undefined) {
      const flavor = patch.flavor || null;
      if (flavor && !flavors.includes(flavor)) fields.flavor = flavors.length ? `Choose one of: ${flavors.join(', ')}.` : 'This offer comes unflavored.';
      else change('flavor', line.flavor, flavor);
    }
    if (patch.needBy !== undefined) {
      const needBy = patch.needBy || null;
      if (needBy && !/^\d{4}-\d{2}-\d{2}$/.test(needBy)) fields.needBy = 'Use a date like 2026-12-01.';
      else change('needBy', line.needBy, needBy);
    }
    if (Object.keys(fields).length) throw badRequest('Some fields are not valid. Nothing was changed.', fields);
    if (Object.keys(changes).length === 0) return { lineId: line.id, lineVersion: line.version, cartVersion: cart.version, changed: false as const };
    const at = now();
    const updated = await tx
      .updateTable('cartLines')
      .set({ ...set, version: line.version + 1, updatedAt: at })
      .where('id', '=', line.id)
      .where('version', '=', line.version)
      .returning('version')
      .executeTakeFirstOrThrow();
    if (REVIEWED_FIELDS.some((f) => f in changes)) {
      // What was acknowledged was the line as it was; a changed line is reviewed again.
      await tx.deleteFrom('acknowledgements').where('cartLineId', '=', line.id).execute();
    }
    const cartVersion = await bumpCartVersion(tx, cart.id);
    await audit(tx, principal, { clinicId, action: 'cart.line_updated', subjectType: 'cart_line', subjectId: line.id, detail: { cartId: cart.id, changes } }, at);
    return { lineId: line.id, lineVersion: updated.version, cartVersion, changed: true as const };
  });
}

/**
 * Switches a line to another offer of the same medication, returning the landed cost per vial
 * before and after and the change of the cart's total (the fees of two shipments can move).
 */
export async function switchOffer(principal: Principal, lineId: string, input: { version: number; offerId: string }) {
  return getDb().transaction().execute(async (tx) => {
    const before = priceCart(await cartPricingInput(principal, { tx }));
    const result = await updateCartLine(principal, lineId, { version: input.version, offerId: input.offerId }, { tx });
    const after = priceCart(await cartPricingInput(principal, { tx }));
    const was = before.lines.find((l) => l.id === lineId);
    const is = after.lines.find((l) => l.id === lineId);
    return {
      ...result,
      previousLandedCostCents: was?.landedCostPerVialCents ?? 0,
      landedCostCents: is?.landedCostPerVialCents ?? 0,
      differenceCents: (is?.landedCostPerVialCents ?? 0) - (was?.landedCostPerVialCents ?? 0),
      cartTotalDifferenceCents: after.totalCents - before.totalCents,
    };
  });
}

/**
 * The other offers of a line's medication, each with the landed cost per vial the line would
 * have there and the difference to now: what "switch pharmacy" shows before switching.
 */
export async function offerAlternatives(principal: Principal, lineId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const input = await cartPricingInput(principal);
  const cart = await getOpenCart(principal);
  if (!isGuid(lineId)) throw notFound('Cart line');
  const line = await db
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .select(['l.id', 'l.offerId', 'l.quantity', 'l.shipState', 'o.medicationId'])
    .where('l.id', '=', lineId)
    .where('l.clinicId', '=', clinicId)
    .where('l.cartId', '=', cart.id)
    .where('l.removedAt', 'is', null)
    .executeTakeFirst();
  if (!line) throw notFound('Cart line');
  const priced = priceCart(input);
  const current = priced.lines.find((l) => l.id === lineId)!;
  const self = input.lines.find((l) => l.id === lineId)!;
  const rest: PriceCartInput = { ...input, lines: input.lines.filter((l) => l.id !== lineId) };
  const candidates = await candidateOffers(db, [line.medicationId], [line.shipState]);
  const pharmacies = { ...rest.pharmacies } as Record<string, { shippingCents: number; coldChainCents: number }>;
  for (const c of candidates) pharmacies[c.pharmacyId] = { shippingCents: c.shippingCents, coldChainCents: c.coldChainFeeCents };
  const quote = landedCostQuoter({ ...rest, pharmacies });
  return candidates
    .filter((c) => c.medicationId === line.medicationId)
    .map((c) => {
      const q = quote({ pharmacyId: c.pharmacyId, destinationKey: self.destinationKey, quantity: line.quantity, unitPriceCents: c.unitPriceCents, coldChain: c.coldChain });
      const landed = c.id === line.offerId ? current.landedCostPerVialCents : q.landedCostPerVialCents;
      return {
        offerId: c.id,
        pharmacyId: c.pharmacyId,
        pharmacyName: c.pharmacyName,
        packageDescription: c.packageDescription,
        unitPriceCents: c.unitPriceCents,
        landedCostCents: landed,
        differenceCents: landed - current.landedCostPerVialCents,
        freeStock: c.freeStock,
        turnaroundDays: c.turnaroundDays,
        shipsToState: c.shipsTo.includes(line.shipState),
        current: c.id === line.offerId,
      };
    })
    .sort((a, b) => Number(b.current) - Number(a.current) || a.landedCostCents - b.landedCostCents || a.pharmacyName.localeCompare(b.pharmacyName));
}

/** Removes a line softly (it can be undone); the version, when given, must be current. */
export async function removeCartLine(principal: Principal, lineId: string, opts: { version?: number } = {}) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    const cart = await lockOpenCart(tx, principal);
    const line = await lineForChange(tx, clinicId, cart.id, lineId);
    if (line.removedAt) return { lineId, cartVersion: cart.version, changed: false as const };
    if (opts.version !== undefined && opts.version !== line.version) {
      throw conflict('Someone else changed this line after you loaded it. Check it before removing it.', { current: currentValues(line) });
    }
    const at = now();
    await tx.updateTable('cartLines').set({ removedAt: at, version: line.version + 1, updatedAt: at }).where('id', '=', line.id).execute();
    const cartVersion = await bumpCartVersion(tx, cart.id);
    await audit(tx, principal, { clinicId, action: 'cart.line_removed', subjectType: 'cart_line', subjectId: line.id, detail: { cartId: cart.id } }, at);
    return { lineId, cartVersion, changed: true as const };
  });
}

/** Puts a removed line back, as it was. */
export async function undoRemoveCartLine(principal: Principal, lineId: string) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    const cart = await lockOpenCart(tx, principal);
    const line = await lineForChange(tx, clinicId, cart.id, lineId);
    if (!line.removedAt) return { lineId, cartVersion: cart.version, changed: false as const };
    const at = now();
    await tx.updateTable('cartLines').set({ removedAt: null, version: line.version + 1, updatedAt: at }).where('id', '=', line.id).execute();
    const cartVersion = await bumpCartVersion(tx, cart.id);
    await audit(tx, principal, { clinicId, action: 'cart.line_restored', subjectType: 'cart_line', subjectId: line.id, detail: { cartId: cart.id } }, at);
    return { lineId, cartVersion, changed: true as const };
  });
}

// ---------------------------------------------------------------------------------------------
// Offers a line could come from

/**
 * Every active offer of the medications, with its pharmacy's fees, free stock and the states
 * among `states` it may ship to today (licence not expired, and the offer's own list if any).
 */
async function candidateOffers(db: Db, medicationIds: string[], states: string[]) {
  if (medicationIds.length === 0) return [];
  const day = today();
  const [offers, licenses] = await Promise.all([
    db
      .selectFrom('offers as o')
      .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
      .innerJoin('medications as m', 'm.id', 'o.medicationId')
      .select([
        'o.id', 'o.medicationId', 'o.pharmacyId', 'ph.name as pharmacyName', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.shipStates',
        'o.turnaroundDays', 'o.packageDescription', 'o.available', 'm.coldChain', 'ph.shippingCents', 'ph.coldChainFeeCents',
      ])
      .where('o.medicationId', 'in', [...new Set(medicationIds)])
      .where('o.available', '=', true)
      .where('ph.active', '=', true)
      .execute(),
    states.length
      ? db.selectFrom('pharmacyShipLicenses').select(['pharmacyId', 'state']).where('state', 'in', [...new Set(states)]).where('expiresOn', '>=', day).execute()
      : [],
  ]);
  const licensed = new Set(licenses.map((l) => `${l.pharmacyId}\u0000${l.state}`));
  return offers.map((o) => ({
    ...o,
    freeStock: Math.max(0, o.stockOnHand - o.reserved),
    shipsTo: [...new Set(states)].filter((s) => licensed.has(`${o.pharmacyId}\u0000${s}`) && (!o.shipStates || o.shipStates.includes(s))),
  }));
}

type Candidate = Awaited<ReturnType<typeof candidateOffers>>[number];

/** Why an offer cannot fill a line as it stands, or null when it can. */
function offerProblem(offer: Candidate | undefined, shipState: string, quantity: number): string | null {
  if (!offer) return 'is no longer offered';
  if (!offer.shipsTo.includes(shipState)) return `cannot ship to ${shipState}`;
  if (offer.freeStock < quantity) return offer.freeStock === 0 ? 'is out of stock' : `has only ${offer.freeStock} in stock`;
  return null;
}

/** The cheapest landed offer of a medication that ships to the state and has the stock. */
function bestOffer(candidates: Candidate[], medicationId: string, shipState: string, quantity: number, quote: (c: Candidate) => number): Candidate | null {
  let best: { c: Candidate; landed: number } | null = null;
  for (const c of candidates) {
    if (c.medicationId !== medicationId || offerProblem(c, shipState, quantity)) continue;
    const landed = quote(c);
    if (!best || landed < best.landed || (landed === best.landed && c.pharmacyName.localeCompare(best.c.pharmacyName) < 0)) best = { c, landed };
  }
  return best?.c ?? null;
}

// ---------------------------------------------------------------------------------------------
// From history: quickfill, reorder, the refill-day builder

/** A past line whose offer cannot be used now, and the offer proposed instead. */
export type OfferProposal = {
  orderLineId: string;
  patientName: string;
  medicationName: string;
  /** e.g. "Pacific Coast Compounding is out of stock". */
  reason: string;
  alternative: { offerId: string; pharmacyName: string; unitPriceCents: number; landedCostCents: number } | null;
};

async function historyRows(db: Db, clinicId: string, where: { orderLineIds?: string[]; orderId?: string; patientId?: string }) {
  let q = db
    .selectFrom('orderLines as ol')
    .innerJoin('patients as p', 'p.id', 'ol.patientId')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .innerJoin('medications as m', 'm.id', 'ol.medicationId')
    .innerJoin('offers as o', 'o.id', 'ol.offerId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'ol.id', 'ol.orderId', 'ol.patientId', 'p.name as patientName', 'p.clientId', 'c.state as ownerState', 'ol.offerId', 'ol.medicationId',
      medicationName.as('medicationName'), 'ol.quantity', 'ol.sig', 'ol.prescriberId', 'ol.shipTo', 'ol.prescriptionId', 'ph.name as pharmacyName',
    ])
    .where('ol.clinicId', '=', clinicId)
    .orderBy('ol.createdAt')
    .orderBy('ol.id');
  if (where.orderLineIds) q = q.where('ol.id', 'in', where.orderLineIds);
  if (where.orderId) q = q.where('ol.orderId', '=', where.orderId);
  if (where.patientId) q = q.where('ol.patientId', '=', where.patientId);
  return q.execute();
}

type HistoryRow = Awaited<ReturnType<typeof historyRows>>[number];

/**
 * Turns past lines into new lines: same patient, medication, quantity, SIG, prescriber,
 * prescription and ship-to, and the same offer when it can still fill the line. When it cannot,
 * `substitute` takes the cheapest landed alternative; otherwise the line is held back and a
 * proposal returned, so a person decides.
 */
async function planFromHistory(db: Db, principal: Principal, rows: HistoryRow[], opts: { substitute: boolean; offerOverrides?: Record<string, string> }) {
  const clinicId = clinicScope(principal);
  const clinic = await clinicRow(db, clinicId);
  const shipStateOf = (r: HistoryRow) => shipStateFor(r.shipTo, clinic.state, r.ownerState) ?? clinic.state;
  const [candidates, pricing] = await Promise.all([
    candidateOffers(db, rows.map((r) => r.medicationId), rows.map(shipStateOf)),
    cartPricingInput(principal, { tx: db }),
  ]);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const pharmacies = { ...pricing.pharmacies } as Record<string, { shippingCents: number; coldChainCents: number }>;
  for (const c of candidates) pharmacies[c.pharmacyId] = { shippingCents: c.shippingCents, coldChainCents: c.coldChainFeeCents };
  const quoter = landedCostQuoter({ ...pricing, pharmacies });
  const inputs: NewCartLineInput[] = [];
  const proposals: OfferProposal[] = [];
  const substituted: { orderLineId: string; from: string; to: string; reason: string }[] = [];
  for (const r of rows) {
    const shipState = shipStateOf(r);
    const destination = destinationKey(r.shipTo, r.clientId);
    const quote = (c: Candidate) => quoter({ pharmacyId: c.pharmacyId, destinationKey: destination, quantity: r.quantity, unitPriceCents: c.unitPriceCents, coldChain: c.coldChain }).landedCostPerVialCents;
    const override = opts.offerOverrides?.[r.id];
    let offerId = override ?? r.offerId;
    if (!override) {
      const problem = offerProblem(byId.get(r.offerId), shipState, r.quantity);
      if (problem) {
        const reason = `${r.pharmacyName} ${problem}`;
        const alt = bestOffer(candidates, r.medicationId, shipState, r.quantity, quote);
        if (!opts.substitute || !alt) {
          proposals.push({
            orderLineId: r.id,
            patientName: r.patientName,
            medicationName: r.medicationName,
            reason,
            alternative: alt ? { offerId: alt.id, pharmacyName: alt.pharmacyName, unitPriceCents: alt.unitPriceCents, landedCostCents: quote(alt) } : null,
          });
          continue;
        }
        substituted.push({ orderLineId: r.id, from: r.pharmacyName, to: alt.pharmacyName, reason });
        offerId = alt.id;
      }
    }
    inputs.push({
      patientId: r.patientId,
      offerId,
      quantity: r.quantity,
      sig: r.sig,
      prescriberId: r.prescriberId,
      shipTo: r.shipTo,
      prescriptionId: r.prescriptionId,
    });
  }
  return { inputs, proposals, substituted };
}

/** A veterinarian who repeats a line signs it off by doing so; anyone else leaves it for a vet. */
function signoffBy(principal: Principal): string | null {
  return principal.kind === 'user' && principal.role === 'veterinarian' ? principal.userId : null;
}

async function addFromHistory(
  principal: Principal,
  rows: HistoryRow[],
  source: 'quickfill' | 'reorder',
  opts: { substitute: boolean; offerOverrides?: Record<string, string>; tx?: Tx },
) {
  return withTx(opts, async (tx) => {
    const plan = await planFromHistory(tx, principal, rows, opts);
    if (plan.inputs.length === 0) return { lineIds: [] as string[], proposals: plan.proposals, substituted: plan.substituted, cartVersion: null as number | null };
    const vet = signoffBy(principal);
    const added = await addCartLines(principal, plan.inputs.map((i) => ({ ...i, source, vetSignoffBy: vet })), { tx });
    return { lineIds: added.lineIds, proposals: plan.proposals, substituted: plan.substituted, cartVersion: added.cartVersion };
  });
}

/**
 * Quickfill: repeats one past line in one click. When its offer can no longer fill it, nothing
 * is added and the best alternative is proposed; pass `offerId` to accept a proposal.
 */
export async function quickfillFromOrderLine(principal: Principal, orderLineId: string, opts: { offerId?: string } = {}) {
  const clinicId = clinicScope(principal);
  if (!isGuid(orderLineId)) throw notFound('Order line');
  const rows = await historyRows(getDb(), clinicId, { orderLineIds: [orderLineId] });
  if (rows.length === 0) throw notFound('Order line');
  return addFromHistory(principal, rows, 'quickfill', { substitute: false, ...(opts.offerId ? { offerOverrides: { [orderLineId]: opts.offerId } } : {}) });
}

/**
 * Reorder: repeats every line of a past order (or only one patient's lines of it). Lines whose
 * offer is gone are held back with a proposal, the rest are added.
 */
export async function reorderOrder(principal: Principal, orderId: string, opts: { patientId?: string } = {}) {
  const clinicId = clinicScope(principal);
  if (!isGuid(orderId) || (opts.patientId !== undefined && !isGuid(opts.patientId))) throw notFound('Order');
  const rows = await historyRows(getDb(), clinicId, { orderId, ...(opts.patientId ? { patientId: opts.patientId } : {}) });
  if (rows.length === 0) throw notFound('Order');
  return addFromHistory(principal, rows, 'reorder', { substitute: false });
}

/**
 * Patients whose supply runs out within `withinDays` (last fill date + days supply), one row
 * per patient × medication with the line to reorder. Skips inactive and deceased patients,
 * patients already in the open cart for that medication, and supplies that ran out more than
 * `graceDays` ago (the treatment has likely stopped). Where the last offer cannot fill the line
 * now, the line to reorder uses the cheapest landed alternative and says why.
 */
export async function dueForRefill(principal: Principal, opts: { withinDays: number; graceDays?: number }) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const withinDays = Math.max(0, Math.min(365, Math.floor(opts.withinDays)));
  const graceDays = opts.graceDays ?? 30;
  const day = today();
  const cart = await getOpenCart(principal);
  const latest = await sql<{ id: string; dueOn: string; filledOn: string; daysSupply: number }>`
    select last.id, last.filled_on::text as "filledOn", last.days_supply as "daysSupply", (last.filled_on + last.days_supply)::text as "dueOn"
    from (
      select distinct on (ol.patient_id, ol.medication_id) ol.id, ol.filled_on, ol.days_supply, ol.patient_id, ol.medication_id
      from order_lines ol
      join orders o on o.id = ol.order_id
      where ol.clinic_id = ${clinicId} and ol.filled_on is not null and ol.days_supply is not null
        and o.status not in ('rejected', 'cancelled')
      order by ol.patient_id, ol.medication_id, ol.filled_on desc, ol.created_at desc, ol.id
    ) last
    join patients p on p.id = last.patient_id and p.clinic_id = ${clinicId} and p.status = 'active'
    where last.filled_on + last.days_supply between ${day}::date - ${graceDays}::int and ${day}::date + ${withinDays}::int
      and not exists (
        select 1 from cart_lines l join offers lo on lo.id = l.offer_id
        where l.cart_id = ${cart.id} and l.removed_at is null and l.patient_id = last.patient_id and lo.medication_id = last.medication_id
      )
  `.execute(db);
  if (latest.rows.length === 0) return { today: day, withinDays, patients: [] };
  const meta = new Map(latest.rows.map((r) => [r.id, r]));
  const rows = await historyRows(db, clinicId, { orderLineIds: latest.rows.map((r) => r.id) });
  const plan = await planFromHistory(db, principal, rows, { substitute: true });
  const [extra, prescriptions] = await Promise.all([
    db
      .selectFrom('patients as p')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .select(['p.id', 'p.species', ownerName.as('ownerName')])
      .where('p.id', 'in', [...new Set(rows.map((r) => r.patientId))])
      .execute(),
    db
      .selectFrom('prescriptions')
      .select(['id', 'status', 'refillsAuthorized', 'refillsUsed', 'expiresOn'])
      .where('id', 'in', [...new Set(rows.flatMap((r) => (r.prescriptionId ? [r.prescriptionId] : [])))].concat(['00000000-0000-0000-0000-000000000000']))
      .where('clinicId', '=', clinicId)
      .execute(),
  ]);
  const patientOf = new Map(extra.map((p) => [p.id, p]));
  const rxOf = new Map(prescriptions.map((p) => [p.id, p]));
  const offerIds = plan.inputs.map((i) => i.offerId);
  const [offers, prescribers] = await Promise.all([
    offerIds.length
      ? db.selectFrom('offers as o').innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId').select(['o.id', 'o.unitPriceCents', 'ph.name as pharmacyName', 'o.pharmacyId']).where('o.id', 'in', offerIds).execute()
      : [],
    db.selectFrom('prescribers').select(['id', 'name']).where('clinicId', '=', clinicId).execute(),
  ]);
  const offerOf = new Map(offers.map((o) => [o.id, o]));
  const prescriberOf = new Map(prescribers.map((p) => [p.id, p.name]));
  const substitutedOf = new Map(plan.substituted.map((s) => [s.orderLineId, s]));
  const proposalOf = new Map(plan.proposals.map((p) => [p.orderLineId, p]));
  let inputIndex = 0;
  const patients = rows.map((r) => {
    const m = meta.get(r.id)!;
    const proposal = proposalOf.get(r.id);
    const input = proposal ? null : plan.inputs[inputIndex++]!;
    const offer = input ? offerOf.get(input.offerId) : undefined;
    const rx = r.prescriptionId ? rxOf.get(r.prescriptionId) : undefined;
    const daysLeft = Math.round((Date.parse(m.dueOn) - Date.parse(day)) / 86_400_000);
    return {
      orderLineId: r.id,
      patientId: r.patientId,
      patientName: r.patientName,
      species: patientOf.get(r.patientId)?.species ?? null,
      ownerName: patientOf.get(r.patientId)?.ownerName ?? '',
      medicationId: r.medicationId,
      medicationName: r.medicationName,
      lastFilledOn: m.filledOn,
      daysSupply: m.daysSupply,
      dueOn: m.dueOn,
      daysLeft,
      prescription: rx ? { id: rx.id, status: rx.status, refillsLeft: Math.max(0, rx.refillsAuthorized - rx.refillsUsed), expiresOn: rx.expiresOn } : null,
      line: input
        ? {
            offerId: input.offerId,
            pharmacyId: offer?.pharmacyId ?? null,
            pharmacyName: offer?.pharmacyName ?? '',
            unitPriceCents: offer?.unitPriceCents ?? null,
            quantity: input.quantity,
            sig: input.sig,
            prescriberId: input.prescriberId,
            prescriberName: prescriberOf.get(input.prescriberId) ?? '',
            shipTo: input.shipTo,
            prescriptionId: input.prescriptionId ?? null,
          }
        : null,
      note: substitutedOf.get(r.id) ? `${substitutedOf.get(r.id)!.reason}; reorders from ${substitutedOf.get(r.id)!.to}` : proposal ? `${proposal.reason}; no other pharmacy can fill it now` : null,
    };
  });
  patients.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.patientName.localeCompare(b.patientName) || a.medicationName.localeCompare(b.medicationName));
  return { today: day, withinDays, patients };
}

/** The refill-day builder's "Add N lines": reorders the chosen due lines in one transaction. */
export async function addDueToCart(principal: Principal, orderLineIds: string[]) {
  const clinicId = clinicScope(principal);
  const ids = [...new Set(orderLineIds)];
  if (ids.length === 0) throw badRequest('Choose at least one patient.', { orderLineIds: 'Choose at least one patient.' });
  const bad = ids.findIndex((id) => !isGuid(id));
  if (bad >= 0) throw badRequest('Some lines are not valid.', { [`orderLineIds.${bad}`]: 'Not a valid id.' });
  const found = await historyRows(getDb(), clinicId, { orderLineIds: ids });
  if (found.length !== ids.length) throw notFound('Order line');
  // Lines go into the cart in the order they were chosen (the builder's list order).
  const byId = new Map(found.map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)!);
  return addFromHistory(principal, rows, 'reorder', { substitute: true });
}

// ---------------------------------------------------------------------------------------------
// Fast entry lookups

/**
 * Offers matching `q` (medication name, synonym or pharmacy) for the fast-entry typeahead, each
 * with the landed cost per vial if added to the clinic's shipment; when `patientId` is given,
 * the patient's active prescription of that medication (to prefill SIG and prescriber) and its
 * medications first.
 */
export async function searchOffersForCart(principal: Principal, query: { q: string; patientId?: string; limit?: number }) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const q = query.q.trim();
  const limit = Math.min(Math.max(query.limit ?? 12, 1), 50);
  const patientId = query.patientId && isGuid(query.patientId) ? query.patientId : undefined;
  const prescriptions = patientId
    ? await db
        .selectFrom('prescriptions as rx')
        .select(['rx.id', 'rx.medicationId', 'rx.sig', 'rx.prescriberId', 'rx.quantity', 'rx.status', 'rx.writtenOn'])
        .where('rx.patientId', '=', patientId)
        .where('rx.clinicId', '=', clinicId)
        .orderBy('rx.writtenOn', 'desc')
        .execute()
    : [];
  const rxMeds = [...new Set(prescriptions.map((p) => p.medicationId))];
  if (!q && rxMeds.length === 0) return [];
  const like = `%${q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
  let base = db
    .selectFrom('offers as o')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.medicationId', medicationName.as('medicationName'), 'm.controlledSchedule', 'm.coldChain', 'o.pharmacyId', 'ph.name as pharmacyName',
      'o.packageDescription', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.flavors', 'ph.shippingCents', 'ph.coldChainFeeCents',
    ])
    .where('o.available', '=', true)
    .where('ph.active', '=', true);
  if (q) {
    base = base.where((eb) =>
      eb.or([
        eb(medicationName, 'ilike', like),
        eb('ph.name', 'ilike', like),
        eb(sql<string>`array_to_string(m.synonyms, ' ')`, 'ilike', like),
      ]),
    );
  } else {
    base = base.where('o.medicationId', 'in', rxMeds);
  }
  const rows = await base.orderBy('m.name').orderBy('m.strength').orderBy('o.unitPriceCents').limit(200).execute();
  const pricing = await cartPricingInput(principal);
  const pharmacies = { ...pricing.pharmacies } as Record<string, { shippingCents: number; coldChainCents: number }>;
  for (const r of rows) pharmacies[r.pharmacyId] = { shippingCents: r.shippingCents, coldChainCents: r.coldChainFeeCents };
  const quote = landedCostQuoter({ ...pricing, pharmacies });
  const rxOf = new Map<string, (typeof prescriptions)[number]>();
  for (const rx of prescriptions) if (rx.status === 'active' && !rxOf.has(rx.medicationId)) rxOf.set(rx.medicationId, rx);
  return rows
    .map((r) => {
      const rx = rxOf.get(r.medicationId);
      return {
        offerId: r.id,
        medicationId: r.medicationId,
        medicationName: r.medicationName,
        controlledSchedule: r.controlledSchedule,
        pharmacyName: r.pharmacyName,
        packageDescription: r.packageDescription,
        unitPriceCents: r.unitPriceCents,
        landedCostCents: quote({ pharmacyId: r.pharmacyId, destinationKey: 'clinic', quantity: 1, unitPriceCents: r.unitPriceCents, coldChain: r.coldChain }).landedCostPerVialCents,
        freeStock: Math.max(0, r.stockOnHand - r.reserved),
        flavors: r.flavors,
        prescription: rx ? { id: rx.id, sig: rx.sig, prescriberId: rx.prescriberId, quantity: rx.quantity } : null,
      };
    })
    .sort((a, b) => Number(!!b.prescription) - Number(!!a.prescription))
    .slice(0, limit);
}

/**
 * `POST /api/v1/carts/current/lines` as a service: adds the lines and answers the cart. With an
 * idempotency key, the lines, the answer and the stored key commit together, so a replay of the
 * same key and body answers the first cart and adds nothing.
 */
export async function addCartLinesAnswer(
  principal: Principal,
  lines: NewCartLineInput[],
  opts: { idempotencyKey?: string | null } = {},
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const work = async (tx: Tx) => {
    await addCartLines(principal, lines, { tx });
    return { status: 201, body: { cart: await loadCartView(principal, { tx }) } };
  };
  if (!opts.idempotencyKey) return { ...(await getDb().transaction().execute(work)), replayed: false };
  const who = principal.kind === 'user' ? `user:${principal.userId}` : `${principal.kind}:${principal.keyId}`;
  return idempotent(`${who}:cart-lines`, opts.idempotencyKey, lines, work);
}
