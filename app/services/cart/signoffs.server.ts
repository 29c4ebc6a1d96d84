/**
 * A veterinarian's sign-off of a cart line, bound to the content it authorised
 * (docs/signoff.md): the offer (pharmacy, medication, strength, form, package), quantity,
 * SIG, prescriber, patient and destination, as one canonical JSON document and
 * its SHA-256. A change of any bound field clears the sign-off (`clearSignoffs`); validation
 * counts a sign-off only while the line's content still hashes to what was signed, so checkout
 * re-verifies it inside its own transaction whatever changed the line.
 *
 * The content and hash functions are the binding other acts reuse (an e-signature applied at
 * sign-off records the same document).
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { SignoffDea } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { audit, type AuditEntry } from '../audit/audit.server';
import { actingPrincipal } from '../identity/acting-user.server';
import { requirePermission } from '../identity/permissions';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { clinicDay, now } from '../platform/clock.server';
import type { MedicationContext } from '../../../validators';
import { requiredDeaSchedule } from '../../../validators/lib/lookups';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import type { Db, Tx } from './queries.server';
import { bumpCartVersion, lockOpenCart } from './store.server';

/** What a sign-off authorises: the bound fields of a line, as signed. */
export type SignedContent = {
  patientId: string;
  offerId: string;
  pharmacyId: string;
  medicationId: string;
  strength: string;
  form: string;
  package: string;
  quantity: number;
  sig: string;
  prescriberId: string;
  shipTo: 'clinic' | 'owner';
  shipState: string;
};

/** The line fields a sign-off binds: changing one of them clears it. */
export const BOUND_FIELDS = ['patientId', 'offerId', 'quantity', 'sig', 'prescriberId', 'shipTo', 'shipState'] as const;

/** The bound content of a line, with only the keys above (extra row columns are left out). */
export function signedContent(row: SignedContent): SignedContent {
  return {
    patientId: row.patientId,
    offerId: row.offerId,
    pharmacyId: row.pharmacyId,
    medicationId: row.medicationId,
    strength: row.strength,
    form: row.form,
    package: row.package,
    quantity: row.quantity,
    sig: row.sig,
    prescriberId: row.prescriberId,
    shipTo: row.shipTo,
    shipState: row.shipState,
  };
}

/** Canonical JSON: keys sorted at every level, no whitespace, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The SHA-256 (hex) of a line's signed content. */
export function contentHash(content: SignedContent): string {
  return createHash('sha256').update(canonicalJson(signedContent(content))).digest('hex');
}

/** The select list that reads a line's bound content (`l` cart line, `o` offer, `m` medication). */
export const CONTENT_COLUMNS = [
  'l.patientId', 'l.offerId', 'o.pharmacyId', 'o.medicationId', 'm.strength', 'm.form', 'o.packageDescription as package',
  'l.quantity', 'l.sig', 'l.prescriberId', 'l.shipTo', 'l.shipState',
] as const;

/** A request to sign off one line; `contentHash` (or `version`) is what the signer was shown, refused with 409 when the line moved on. */
export type SignoffRequest = { lineId: string; contentHash?: string; version?: number };

export type SignedLine = { lineId: string; signoffId: string; contentHash: string; signedAt: string; content: SignedContent; deaRegistration: SignoffDea | null };

/** The states a signer's DEA registration must cover: the clinic's, and an owner's elsewhere (as `prescriber.dea`). */
function deaStates(clinicState: string, line: { shipTo: string; shipState: string }): string[] {
  return line.shipTo === 'owner' && line.shipState !== clinicState ? [clinicState, line.shipState] : [clinicState];
}

async function linesToSign(tx: Tx, clinicId: string, cartId: string, lineIds: string[]) {
  return tx
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .select(['l.id', 'l.version', 'l.removedAt', 'm.controlledSchedule', 'm.name as medicationName', ...CONTENT_COLUMNS])
    .where('l.id', 'in', lineIds)
    .where('l.clinicId', '=', clinicId)
    .where('l.cartId', '=', cartId)
    .execute();
}

/**
 * Records the sign-offs of `requests` by `principal` (a veterinarian) inside `tx`: every line
 * must be a live line of the open cart; a controlled one needs the signer's active DEA
 * registration covering its schedule in the clinic's state (and an owner's destination state).
 * `lenient` skips lines the signer cannot sign instead of refusing (a veterinarian's own
 * quickfill of a schedule they do not hold stays waiting for another veterinarian).
 */
export async function recordSignoffs(tx: Tx, principal: Principal, cart: { id: string }, requests: SignoffRequest[], opts: { lenient?: boolean } = {}): Promise<SignedLine[]> {
  const clinicId = clinicScope(principal);
  const userId = userIdOf(principal);
  if (!userId) throw new DomainError('forbidden', 'A line is signed off by a named veterinarian.');
  const ids = [...new Set(requests.map((r) => r.lineId))];
  if (ids.some((id) => !isUuid(id))) throw notFound('Cart line');
  const rows = await linesToSign(tx, clinicId, cart.id, ids);
  const byId = new Map(rows.filter((r) => r.removedAt === null).map((r) => [r.id, r]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) throw notFound('Cart line');
  const [clinic, signer] = await Promise.all([
    tx.selectFrom('clinics').select(['state', 'timezone']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    tx
      .selectFrom('prescribers as p')
      .select([
        'p.id',
        sql<{ state: string; number: string; schedules: string[]; expiresOn: string }[]>`(
          select coalesce(json_agg(json_build_object('state', d.state, 'number', d.number, 'schedules', d.schedules, 'expires_on', d.expires_on)), '[]'::json)
          from dea_registrations d where d.prescriber_id = p.id)`.as('dea'),
      ])
      .where('p.userId', '=', userId)
      .where('p.clinicId', '=', clinicId)
      .executeTakeFirst(),
  ]);
  const at = now();
  const today = clinicDay(clinic.timezone);
  const signed: SignedLine[] = [];
  const entries: AuditEntry[] = [];
  for (const request of requests) {
    const row = byId.get(request.lineId)!;
    if (signed.some((s) => s.lineId === row.id)) continue;
    const content = signedContent(row as SignedContent);
    const hash = contentHash(content);
    if ((request.contentHash !== undefined && request.contentHash !== hash) || (request.version !== undefined && request.version !== row.version)) {
      throw conflict('This line changed since it was shown to you: review what it holds now and sign it off again.', { lineId: row.id, version: row.version, contentHash: hash, content });
    }
    let dea: SignoffDea | null = null;
    if (row.controlledSchedule) {
      const states = deaStates(clinic.state, row);
      // The schedule class the rules require (`prescriber.dea`, `controlled.needs_vet`).
      const needed = requiredDeaSchedule({ name: row.medicationName, controlledSchedule: row.controlledSchedule } as MedicationContext);
      const covering = states.map((s) => signer?.dea.find((d) => d.state === s && d.expiresOn >= today && needed !== null && (d.schedules as string[]).includes(needed)));
      const uncovered = states.filter((_, i) => !covering[i]);
      if (uncovered.length > 0) {
        if (opts.lenient) continue;
        throw new DomainError('forbidden', `${row.medicationName} is C-${row.controlledSchedule}: your active DEA registration does not cover schedule ${needed ?? row.controlledSchedule} in ${uncovered.join(' and ')}, so you cannot sign it off.`, undefined, { lineId: row.id });
      }
      const used = covering[0]!;
      dea = { state: used.state, number: used.number, schedules: used.schedules };
    }
    await tx.updateTable('lineSignoffs').set({ clearedAt: at, clearedBy: userId, clearedReason: 'signed off again' }).where('cartLineId', '=', row.id).where('clearedAt', 'is', null).execute();
    const inserted = await tx
      .insertInto('lineSignoffs')
      .values({ clinicId, cartLineId: row.id, userId, prescriberId: signer?.id ?? null, contentHash: hash, content: json(content), deaRegistration: dea ? json(dea) : null, signedAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    signed.push({ lineId: row.id, signoffId: inserted.id, contentHash: hash, signedAt: at.toISOString(), content, deaRegistration: dea });
    entries.push({ clinicId, action: 'cart_line.signed_off', subjectType: 'cart_line', subjectId: row.id, detail: { cartId: cart.id, signoffId: inserted.id, contentHash: hash, content, deaRegistration: dea } });
  }
  if (entries.length) await audit(tx, principal, entries, at);
  return signed;
}

/**
 * A veterinarian signs off lines of the clinic's open cart, many in one call, each with the
 * content hash (or line version) they were shown (`POST /api/v1/carts/current/lines/:id/signoff`,
 * the refill-day page). A clinic key signs off only in the name of a veterinarian
 * (`actingUserId`). All or nothing.
 */
export function signOffLines(principal: Principal, requests: SignoffRequest[], opts: { actingUserId?: string | null } = {}) {
  return getDb().transaction().execute((tx) => signOffLinesIn(tx, principal, requests, opts));
}

/** `signOffLines` inside the caller's transaction. */
export async function signOffLinesIn(tx: Tx, principal: Principal, requests: SignoffRequest[], opts: { actingUserId?: string | null } = {}) {
  if (requests.length === 0) throw badRequest('Name at least one line to sign off.', { lines: 'Name at least one line.' });
  const acting = await actingPrincipal(tx, principal, opts.actingUserId);
  requirePermission(acting, 'line.signoff');
  const cart = await lockOpenCart(tx, acting);
  const signed = await recordSignoffs(tx, acting, cart, requests);
  const cartVersion = await bumpCartVersion(tx, cart.id);
  return { cartId: cart.id, cartVersion, signed };
}

/**
 * Clears the current sign-off of lines whose bound content changed, audited with who changed
 * what (`changes`: field → before/after). Returns the lines that had one.
 */
export async function clearSignoffs(tx: Db, principal: Principal | null, lines: { lineId: string; changes: Record<string, { from: unknown; to: unknown }> }[], reason: string, at: Date = now()) {
  if (lines.length === 0) return [] as string[];
  const cleared = await tx
    .updateTable('lineSignoffs')
    .set({ clearedAt: at, clearedBy: principal ? userIdOf(principal) : null, clearedReason: reason })
    .where('cartLineId', 'in', lines.map((l) => l.lineId))
    .where('clearedAt', 'is', null)
    .returning(['id', 'cartLineId', 'clinicId', 'userId', 'contentHash'])
    .execute();
  if (cleared.length && principal) {
    const changesOf = new Map(lines.map((l) => [l.lineId, l.changes]));
    await audit(
      tx,
      principal,
      cleared.map((c) => ({
        clinicId: c.clinicId,
        action: 'cart_line.signoff_cleared',
        subjectType: 'cart_line',
        subjectId: c.cartLineId,
        detail: { signoffId: c.id, signedBy: c.userId, signedContentHash: c.contentHash, reason, changes: changesOf.get(c.cartLineId) ?? {} },
      })),
      at,
    );
  }
  return cleared.map((c) => c.cartLineId);
}

/** Copies the current sign-offs of `from` lines to new lines of the same content (lines a pharmacy returned). */
export async function carrySignoffs(tx: Db, pairs: { from: string; to: string }[]): Promise<void> {
  for (const { from, to } of pairs) {
    await sql`
      insert into line_signoffs (clinic_id, cart_line_id, user_id, prescriber_id, content_hash, content, dea_registration, signed_at)
      select clinic_id, ${to}::uuid, user_id, prescriber_id, content_hash, content, dea_registration, signed_at
      from line_signoffs where cart_line_id = ${from}::uuid and cleared_at is null`.execute(tx);
  }
}

/** The sign-off of each line as validation reads it: the current one, with its signer and hash. */
export function currentSignoffQuery(db: Db) {
  return db
    .selectFrom('lineSignoffs as s')
    .innerJoin('users as su', 'su.id', 's.userId')
    .select(['s.cartLineId', 's.userId', 's.contentHash', 's.signedAt', 'su.name as signerName'])
    .where('s.clearedAt', 'is', null);
}
