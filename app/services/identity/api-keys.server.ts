import type { Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { generateApiKey, hashApiKey } from '../../../db/credentials';
import type { ApiKeyScope, Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import type { Principal } from './principal';

// API keys of a clinic (its manager, /settings/api-keys) or a pharmacy (its pharmacists,
// /pharmacy/api-keys): named, scoped `read` (GET only) or `write`; the secret is shown once and
// stored as SHA-256; revoking takes effect on the next request. `requireApiKey`
// (auth.server.ts) enforces revocation, suspension and scope. Rotating a key gives it a new
// secret (shown once) while the previous one keeps working until an overlap window ends.

/** A new key secret and its prefix: enough to tell keys apart on the page, far too little to guess the rest. */
function newKeySecret(lead: 'vc_clinic' | 'vc_pharmacy'): { secret: string; prefix: string } {
  const secret = generateApiKey(lead);
  return { secret, prefix: secret.slice(0, lead.length + 7) };
}

/** The overlap a rotated key's previous secret keeps working, unless another is chosen: 24 hours (at most a week). */
export const KEY_OVERLAP_HOURS = { default: 24, max: 168 };

/** Whose keys a principal manages: a clinic's (managers) or a pharmacy's (pharmacists). */
type Owner = { clinicId: string; pharmacyId: null } | { clinicId: null; pharmacyId: string };

function ownerOf(principal: Principal): Owner {
  if (principal.kind !== 'user') throw new DomainError('forbidden', 'API keys are managed by people, not by other keys.');
  if (principal.clinicId) {
    if (principal.role !== 'manager' && principal.role !== 'admin') throw new DomainError('forbidden', 'Only a manager manages the clinic’s API keys.');
    return { clinicId: principal.clinicId, pharmacyId: null };
  }
  if (principal.pharmacyId) return { clinicId: null, pharmacyId: principal.pharmacyId };
  throw notFound('API keys');
}

/** One key as the keys page lists it (never its secret or hash). */
export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Until when the secret before the last rotation still works (null: it does not). */
  previousWorksUntil: string | null;
};

/** The clinic's or pharmacy's keys, live ones first, newest first. */
export async function listApiKeys(principal: Principal): Promise<ApiKeyView[]> {
  const owner = ownerOf(principal);
  const rows = await getDb()
    .selectFrom('apiKeys as k')
    .leftJoin('users as u', 'u.id', 'k.createdBy')
    .select(['k.id', 'k.name', 'k.keyPrefix', 'k.scope', 'k.createdAt', 'k.lastUsedAt', 'k.revokedAt', 'k.previousKeyExpiresAt', 'u.name as createdBy'])
    .$if(!!owner.clinicId, (q) => q.where('k.clinicId', '=', owner.clinicId!))
    .$if(!!owner.pharmacyId, (q) => q.where('k.pharmacyId', '=', owner.pharmacyId!))
    .orderBy((eb) => eb('k.revokedAt', 'is', null), 'desc')
    .orderBy('k.createdAt', 'desc')
    .execute();
  const at = now();
  return rows.map((r) => ({
    previousWorksUntil: r.previousKeyExpiresAt && r.previousKeyExpiresAt > at && !r.revokedAt ? r.previousKeyExpiresAt.toISOString() : null,
    id: r.id,
    name: r.name,
    prefix: r.keyPrefix,
    scope: r.scope,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  }));
}

/** Creates a key; the answer holds its secret, which is never shown again. */
export async function createApiKey(principal: Principal, input: { name: string; scope: ApiKeyScope }): Promise<{ secret: string; key: ApiKeyView }> {
  const owner = ownerOf(principal);
  const lead = owner.clinicId ? 'vc_clinic' : 'vc_pharmacy';
  const { secret, prefix } = newKeySecret(lead);
  const createdBy = principal.kind === 'user' ? principal.userId : null;
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const row = await tx
        .insertInto('apiKeys')
        .values({ name: input.name.trim(), keyHash: hashApiKey(secret), keyPrefix: prefix, scope: input.scope, clinicId: owner.clinicId, pharmacyId: owner.pharmacyId, createdBy, createdAt: now() })
        .returning(['id', 'createdAt'])
        .executeTakeFirstOrThrow();
      await audit(tx, principal, { ...owner, action: 'api_key.created', subjectType: 'api_key', subjectId: row.id, detail: { name: input.name.trim(), scope: input.scope, prefix } });
      const creator = principal.kind === 'user' ? principal.name : null;
      return {
        secret,
        key: { id: row.id, name: input.name.trim(), prefix, scope: input.scope, createdAt: row.createdAt.toISOString(), createdBy: creator, lastUsedAt: null, revokedAt: null, previousWorksUntil: null },
      };
    });
}

/** Locks one of the owner's keys; another tenant's (or no) key is a 404. */
async function lockOwnKey(tx: Transaction<Database>, owner: Owner, keyId: string) {
  const key = await tx
    .selectFrom('apiKeys')
    .select(['id', 'name', 'keyHash', 'keyPrefix', 'revokedAt'])
    .where('id', '=', keyId)
    .$if(!!owner.clinicId, (q) => q.where('clinicId', '=', owner.clinicId!))
    .$if(!!owner.pharmacyId, (q) => q.where('pharmacyId', '=', owner.pharmacyId!))
    .forUpdate()
    .executeTakeFirst();
  if (!key) throw notFound('API key');
  return key;
}

/** Revokes a key at once (its next request is a 401); another tenant's key is a 404. */
export async function revokeApiKey(principal: Principal, keyId: string): Promise<void> {
  const owner = ownerOf(principal);
  if (!isUuid(keyId)) throw notFound('API key');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const key = await lockOwnKey(tx, owner, keyId);
      if (key.revokedAt) return;
      await tx.updateTable('apiKeys').set({ revokedAt: now() }).where('id', '=', keyId).execute();
      await audit(tx, principal, { ...owner, action: 'api_key.revoked', subjectType: 'api_key', subjectId: keyId, detail: { name: key.name } });
    });
}

/**
 * Rotates a key: a new secret (answered once, with its new prefix) replaces the old one, which
 * still authenticates for `overlapHours` (0: not at all) so the systems using it can switch
 * without a gap. A secret still in an earlier overlap stops at once: at most two work at a time.
 * Name, scope and history stay; a revoked key cannot be rotated.
 */
export async function rotateApiKey(principal: Principal, keyId: string, overlapHours: number = KEY_OVERLAP_HOURS.default): Promise<{ secret: string; prefix: string; previousWorksUntil: string | null }> {
  const owner = ownerOf(principal);
  if (!isUuid(keyId)) throw notFound('API key');
  if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > KEY_OVERLAP_HOURS.max) {
    throw new DomainError('bad_request', `The overlap is 0 to ${KEY_OVERLAP_HOURS.max} hours.`, { overlapHours: `Use 0 to ${KEY_OVERLAP_HOURS.max} whole hours.` });
  }
  const { secret, prefix } = newKeySecret(owner.clinicId ? 'vc_clinic' : 'vc_pharmacy');
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const key = await lockOwnKey(tx, owner, keyId);
      if (key.revokedAt) throw new DomainError('conflict', 'This key is revoked: create a new one instead.');
      const at = now();
      const until = overlapHours > 0 ? new Date(at.getTime() + overlapHours * 3_600_000) : null;
      await tx
        .updateTable('apiKeys')
        .set({ keyHash: hashApiKey(secret), keyPrefix: prefix, previousKeyHash: until ? key.keyHash : null, previousKeyExpiresAt: until, rotatedAt: at })
        .where('id', '=', keyId)
        .execute();
      await audit(tx, principal, { ...owner, action: 'api_key.rotated', subjectType: 'api_key', subjectId: keyId, detail: { name: key.name, from: key.keyPrefix, to: prefix, overlapHours, previousWorksUntil: until?.toISOString() ?? null } });
      return { secret, prefix, previousWorksUntil: until?.toISOString() ?? null };
    });
}
