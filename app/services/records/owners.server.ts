/**
 * Owners (the `clients` table): create, edit, read one with their pets, list and search, and
 * the possible duplicates a new owner may be of. Every function scopes to the acting clinic;
 * another clinic's owner is not found.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Client, Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { clinicScope, type Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { createOnce } from '../platform/idempotency.server';
import { searchTerm } from './search.server';

type Tx = Transaction<Database>;

/** An owner's postal address; `state` is a USPS code. */
export type OwnerAddress = { line1: string; line2: string | null; city: string; state: string; zip: string };

/** What a person or a system enters about an owner (phones already E.164, email lower-case). */
export type OwnerInput = {
  firstName: string;
  lastName: string;
  phone: string | null;
  phone2: string | null;
  email: string | null;
  address: OwnerAddress | null;
  smsOptIn: boolean;
  emailOptIn: boolean;
  preferredChannel: 'email' | 'sms' | 'none';
  pimsId: string | null;
};

/** An owner someone may be entering twice: same phone or email. */
export type OwnerCandidate = { id: string; name: string; phone: string | null; email: string | null; reason: string };

const OWNER_COLUMNS = [
  'id', 'firstName', 'lastName', 'phone', 'phone2', 'email', 'addressLine1', 'addressLine2', 'city', 'state',
  'postalCode', 'smsOptIn', 'emailOptIn', 'preferredChannel', 'unsubscribedAt', 'pimsId', 'mergedIntoId', 'createdAt',
] as const;

type OwnerRow = Pick<Client, (typeof OWNER_COLUMNS)[number]>;

/** The owner as pages and the API show it: `name` joined, the address as one object. */
export function ownerView(row: OwnerRow) {
  return {
    id: row.id,
    name: `${row.firstName} ${row.lastName}`,
    firstName: row.firstName,
    lastName: row.lastName,
    phone: row.phone,
    phone2: row.phone2,
    email: row.email,
    address: row.addressLine1 && row.city && row.state && row.postalCode
      ? { line1: row.addressLine1, line2: row.addressLine2, city: row.city, state: row.state, zip: row.postalCode }
      : null,
    state: row.state,
    smsOptIn: row.smsOptIn,
    emailOptIn: row.emailOptIn,
    preferredChannel: row.preferredChannel,
    unsubscribed: row.unsubscribedAt !== null,
    pimsId: row.pimsId,
    mergedIntoId: row.mergedIntoId,
    createdAt: row.createdAt,
  };
}
export type OwnerView = ReturnType<typeof ownerView>;

function columnsOf(input: Partial<OwnerInput>) {
  const out: Record<string, unknown> = {};
  if (input.firstName !== undefined) out.firstName = input.firstName;
  if (input.lastName !== undefined) out.lastName = input.lastName;
  if (input.phone !== undefined) out.phone = input.phone;
  if (input.phone2 !== undefined) out.phone2 = input.phone2;
  if (input.email !== undefined) out.email = input.email;
  if (input.address !== undefined) {
    out.addressLine1 = input.address?.line1 ?? null;
    out.addressLine2 = input.address?.line2 ?? null;
    out.city = input.address?.city ?? null;
    out.state = input.address?.state ?? null;
    out.postalCode = input.address?.zip ?? null;
  }
  if (input.smsOptIn !== undefined) out.smsOptIn = input.smsOptIn;
  if (input.emailOptIn !== undefined) out.emailOptIn = input.emailOptIn;
  if (input.preferredChannel !== undefined) out.preferredChannel = input.preferredChannel;
  if (input.pimsId !== undefined) out.pimsId = input.pimsId;
  return out;
}

/** Loads one owner of the clinic (merged ones too, so a page can send you on), or throws not found. */
export async function ownerRow(db: Kysely<Database>, clinicId: string, ownerId: string, opts: { forUpdate?: boolean } = {}): Promise<OwnerRow> {
  if (!isUuid(ownerId)) throw notFound('Owner');
  let query = db.selectFrom('clients as c').select(OWNER_COLUMNS).where('c.id', '=', ownerId).where('c.clinicId', '=', clinicId);
  if (opts.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('Owner');
  return row;
}

/** Owners of the clinic with the same phone (either of theirs) or email as `input`, except `exceptId`. */
export async function ownerDuplicates(db: Kysely<Database>, clinicId: string, input: Pick<OwnerInput, 'phone' | 'phone2' | 'email'>, exceptId?: string): Promise<OwnerCandidate[]> {
  const phones = [input.phone, input.phone2].filter((p): p is string => !!p);
  const email = input.email?.toLowerCase() ?? null;
  if (phones.length === 0 && !email) return [];
  const rows = await db
    .selectFrom('clients as c')
    .select(['c.id', 'c.firstName', 'c.lastName', 'c.phone', 'c.phone2', 'c.email'])
    .where('c.clinicId', '=', clinicId)
    .where('c.mergedIntoId', 'is', null)
    .$if(!!exceptId, (q) => q.where('c.id', '!=', exceptId!))
    .where((eb) =>
      eb.or([
        ...(phones.length ? [eb('c.phone', 'in', phones), eb('c.phone2', 'in', phones)] : []),
        ...(email ? [eb(eb.fn('lower', ['c.email']), '=', email)] : []),
      ]),
    )
    .orderBy('c.lastName')
    .limit(10)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: `${r.firstName} ${r.lastName}`,
    phone: r.phone,
    email: r.email,
    reason: phones.some((p) => p === r.phone || p === r.phone2) ? 'same phone' : 'same email',
  }));
}

/** Other owners of the clinic this one may duplicate (same phone or email), for the merge panel. */
export async function duplicatesOfOwner(principal: Principal, ownerId: string): Promise<OwnerCandidate[]> {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const owner = await ownerRow(db, clinicId, ownerId);
  return ownerDuplicates(db, clinicId, owner, ownerId);
}

/** The error a create answers when it may duplicate existing records: 409 with the candidates. */
export function possibleDuplicate(what: 'owner' | 'patient', candidates: unknown[]): DomainError {
  return new DomainError(
    'conflict',
    what === 'owner'
      ? 'An owner with the same phone or email is already on file. Open it, or confirm that this is a different person.'
      : 'A pet with this name and species already belongs to an owner with the same phone. Open it, or confirm that this is a different animal.',
    { allowDuplicate: 'confirm to create anyway' },
    { duplicates: candidates },
  );
}

/** Creates an owner inside `tx`; refuses a possible duplicate unless `allowDuplicate`. */
export async function insertOwner(tx: Tx, principal: Principal, input: OwnerInput, opts: { allowDuplicate?: boolean } = {}) {
  const clinicId = clinicScope(principal);
  if (!opts.allowDuplicate) {
    const duplicates = await ownerDuplicates(tx, clinicId, input);
    if (duplicates.length) throw possibleDuplicate('owner', duplicates);
  }
  const at = now();
  const row = await tx
    .insertInto('clients')
    .values({ clinicId, ...(columnsOf(input) as { firstName: string; lastName: string }), createdAt: at })
    .returning(OWNER_COLUMNS)
    .executeTakeFirstOrThrow();
  await audit(tx, principal, { clinicId, action: 'owner.created', subjectType: 'client', subjectId: row.id, detail: { name: `${row.firstName} ${row.lastName}`, allowDuplicate: !!opts.allowDuplicate } }, at);
  return ownerView(row);
}

/** Creates an owner (`POST /api/v1/owners`, the new-owner page); with an idempotency key, once. */
export async function createOwner(principal: Principal, input: OwnerInput, opts: { allowDuplicate?: boolean; idempotencyKey?: string | null; body?: unknown } = {}) {
  const clinicId = clinicScope(principal);
  return createOnce(`clinic:${clinicId}:owners`, opts.idempotencyKey, opts.body ?? input, async (tx) => ({ owner: await insertOwner(tx, principal, input, opts) }));
}

/** Changes an owner's fields; answers the owner. A merged owner is refused (edit the survivor). */
export async function updateOwner(principal: Principal, ownerId: string, patch: Partial<OwnerInput>) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    const before = await ownerRow(tx, clinicId, ownerId, { forUpdate: true });
    if (before.mergedIntoId) throw new DomainError('conflict', 'This owner was merged into another; edit that one.', undefined, { mergedIntoId: before.mergedIntoId });
    const set = columnsOf(patch);
    const changed = Object.keys(set).filter((k) => String((before as Record<string, unknown>)[k] ?? '') !== String(set[k] ?? ''));
    if (changed.length === 0) return ownerView(before);
    const row = await tx.updateTable('clients').set(set).where('id', '=', ownerId).returning(OWNER_COLUMNS).executeTakeFirstOrThrow();
    await audit(tx, principal, { clinicId, action: 'owner.updated', subjectType: 'client', subjectId: ownerId, detail: { fields: changed } });
    return ownerView(row);
  });
}

/** One owner with their pets (each with its latest weight and exam); 404 outside the clinic. */
export async function getOwner(principal: Principal, ownerId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const row = await ownerRow(db, clinicId, ownerId);
  const pets = await db
    .selectFrom('patients')
    .select(['id', 'name', 'species', 'breed', 'sex', 'status', 'birthDate', 'weightKg', 'weightMeasuredOn', 'lastWellnessExamOn', 'pimsId'])
    .where('clientId', '=', ownerId)
    .where('clinicId', '=', clinicId)
    .where('mergedIntoId', 'is', null)
    .orderBy('name')
    .execute();
  return { ...ownerView(row), pets };
}

export type OwnerListQuery = { q?: string; limit?: number; offset?: number };

/** The clinic's owners (not merged), by last name; `q` searches name, phones, email and PIMS id. */
export async function listOwners(principal: Principal, query: OwnerListQuery = {}) {
  const clinicId = clinicScope(principal);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const offset = Math.max(query.offset ?? 0, 0);
  const term = searchTerm(query.q ?? '');
  const base = getDb()
    .selectFrom('clients as c')
    .where('c.clinicId', '=', clinicId)
    .where('c.mergedIntoId', 'is', null)
    .$if(term !== null, (q) => q.where('c.searchText', 'like', `%${term!.like}%`));
  const [rows, total] = await Promise.all([
    base
      .select([...OWNER_COLUMNS, sql<number>`(select count(*)::int from patients p where p.client_id = c.id and p.merged_into_id is null)`.as('petCount')])
      .orderBy('c.lastName')
      .orderBy('c.firstName')
      .orderBy('c.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { owners: rows.map((r) => ({ ...ownerView(r), petCount: r.petCount })), total: Number(total.n) };
}
