/**
 * Changing the lines of the clinic's open cart: add, edit, remove and undo. Each change runs in
 * one transaction that first locks the cart (`lockOpenCart`), so a version check made under the
 * lock cannot race another edit, and the cart's version moves exactly once per change. Lines
 * carry their own version for optimistic concurrency between two people editing the same line.
 */
import { getDb } from '../../../db/client';
import { audit, type AuditEntry } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { idempotent } from '../platform/idempotency.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { checkInput, loadRefs, type CartLinePatch, type NewCartLineInput } from './input.server';
import { clinicRow, shipStateFor, type Tx } from './queries.server';
import { isUuid } from '../../../validators/vocabulary';
import { appendCartLines, bumpCartVersion, lockOpenCart } from './store.server';
import { loadCartViewIn } from './view.server';
import { clearSignoffs } from './signoffs.server';

/**
 * Adds lines to the clinic's open cart in one transaction: all or nothing. Bad input names the
 * line and field (`lines.3.quantity`).
 */
export function addCartLines(principal: Principal, inputs: NewCartLineInput[]): Promise<{ cartId: string; cartVersion: number; lineIds: string[] }> {
  return getDb().transaction().execute((tx) => addCartLinesIn(tx, principal, inputs));
}

/** `addCartLines` inside the caller's transaction (an approved request, a reorder, the API's idempotent add). */
export async function addCartLinesIn(tx: Tx, principal: Principal, inputs: NewCartLineInput[]): Promise<{ cartId: string; cartVersion: number; lineIds: string[] }> {
  const clinicId = clinicScope(principal);
  if (inputs.length === 0) throw badRequest('Send at least one line.', { lines: 'Send at least one line.' });
  const cart = await lockOpenCart(tx, principal);
  const [clinic, refs] = await Promise.all([
    clinicRow(tx, clinicId),
    loadRefs(tx, clinicId, {
      patientIds: inputs.map((i) => i.patientId),
      offerIds: inputs.map((i) => i.offerId),
      prescriberIds: inputs.map((i) => i.prescriberId),
      prescriptionIds: inputs.flatMap((i) => (i.prescriptionId ? [i.prescriptionId] : [])),
      userIds: [],
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
}

async function lineForChange(tx: Tx, clinicId: string, cartId: string, lineId: string) {
  if (!isUuid(lineId)) throw notFound('Cart line');
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
export function updateCartLine(principal: Principal, lineId: string, patch: CartLinePatch) {
  return getDb().transaction().execute((tx) => updateCartLineIn(tx, principal, lineId, patch));
}

/** `updateCartLine` inside the caller's transaction (a pharmacy switch prices before and after in the same one). */
export async function updateCartLineIn(tx: Tx, principal: Principal, lineId: string, patch: CartLinePatch) {
  const clinicId = clinicScope(principal);
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
    // A line filling a prescription names the veterinarian who wrote it; another one renews it (docs/records.md).
    if (line.prescriptionId) fields.prescriberId = `This line fills ${line.prescriberName}'s prescription, so it names ${line.prescriberName}. Ask for a renewal to have another veterinarian write it.`;
    else if (!refs.prescribers.get(patch.prescriberId)) fields.prescriberId = 'No such prescriber in this clinic.';
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
    // A sign-off authorised the content as it was: it no longer stands (docs/signoff.md).
    await clearSignoffs(tx, principal, [{ lineId: line.id, changes }], 'the line changed after it was signed off', at);
  }
  const cartVersion = await bumpCartVersion(tx, cart.id);
  await audit(tx, principal, { clinicId, action: 'cart.line_updated', subjectType: 'cart_line', subjectId: line.id, detail: { cartId: cart.id, changes } }, at);
  return { lineId: line.id, lineVersion: updated.version, cartVersion, changed: true as const };
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

/**
 * Adds lines and answers the cart as it is then (the API's add). With an idempotency key, the
 * lines, the answer and the stored key commit together, so a replay of the same key and body
 * answers the first cart (`replayed`) and adds nothing.
 */
export async function addCartLinesAnswer(principal: Principal, lines: NewCartLineInput[], opts: { idempotencyKey?: string | null } = {}) {
  // A client's `source` is not trusted: whatever it says, a line added through the API is manual.
  const work = async (tx: Tx) => {
    await addCartLinesIn(tx, principal, lines.map((l) => ({ ...l, source: 'manual' as const })));
    return { cart: await loadCartViewIn(tx, principal) };
  };
  if (!opts.idempotencyKey) return { value: await getDb().transaction().execute(work), replayed: false };
  const who = principal.kind === 'user' ? `user:${principal.userId}` : `${principal.kind}:${principal.keyId}`;
  return idempotent(`${who}:cart-lines`, opts.idempotencyKey, lines, work);
}
