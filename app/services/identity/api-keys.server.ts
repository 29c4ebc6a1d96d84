import { getDb } from '../../../db/client';
import { generateApiKey, hashApiKey } from '../../../db/credentials';
import type { ApiKeyScope } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import type { Principal } from './principal';

// API keys of a clinic (its manager, /settings/api-keys) or a pharmacy (its pharmacists,
// /pharmacy/api-keys): named, scoped `read` (GET only) or `write`; the secret is shown once and
// stored as SHA-256; revoking takes effect on the next request. `requireApiKey`
// (auth.server.ts) enforces revocation, suspension and scope.

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
};

/** The clinic's or pharmacy's keys, live ones first, newest first. */
export async function listApiKeys(principal: Principal): Promise<ApiKeyView[]> {
  const owner = ownerOf(principal);
  const rows = await getDb()
    .selectFrom('apiKeys as k')
    .leftJoin('users as u', 'u.id', 'k.createdBy')
    .select(['k.id', 'k.name', 'k.keyPrefix', 'k.scope', 'k.createdAt', 'k.lastUsedAt', 'k.revokedAt', 'u.name as createdBy'])
    .$if(!!owner.clinicId, (q) => q.where('k.clinicId', '=', owner.clinicId!))
    .$if(!!owner.pharmacyId, (q) => q.where('k.pharmacyId', '=', owner.pharmacyId!))
    .orderBy((eb) => eb('k.revokedAt', 'is', null), 'desc')
    .orderBy('k.createdAt', 'desc')
    .execute();
  return rows.map((r) => ({
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
  const secret = generateApiKey(lead);
  // Enough to tell keys apart on the page, far too little to guess the rest.
  const prefix = secret.slice(0, lead.length + 7);
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
        key: { id: row.id, name: input.name.trim(), prefix, scope: input.scope, createdAt: row.createdAt.toISOString(), createdBy: creator, lastUsedAt: null, revokedAt: null },
      };
    });
}

/** Revokes a key at once (its next request is a 401); another tenant's key is a 404. */
export async function revokeApiKey(principal: Principal, keyId: string): Promise<void> {
  const owner = ownerOf(principal);
  if (!isUuid(keyId)) throw notFound('API key');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const key = await tx
        .selectFrom('apiKeys')
        .select(['id', 'name', 'revokedAt'])
        .where('id', '=', keyId)
        .$if(!!owner.clinicId, (q) => q.where('clinicId', '=', owner.clinicId!))
        .$if(!!owner.pharmacyId, (q) => q.where('pharmacyId', '=', owner.pharmacyId!))
        .forUpdate()
        .executeTakeFirst();
      if (!key) throw notFound('API key');
      if (key.revokedAt) return;
      await tx.updateTable('apiKeys').set({ revokedAt: now() }).where('id', '=', keyId).execute();
      await audit(tx, principal, { ...owner, action: 'api_key.revoked', subjectType: 'api_key', subjectId: keyId, detail: { name: key.name } });
    });
}
