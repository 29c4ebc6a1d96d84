import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as clinicKeysRoute from '../../app/routes/_clinic.settings_.api-keys';
import * as pharmacyKeysRoute from '../../app/routes/pharmacy.api-keys';
import * as apiPatients from '../../app/routes/api.v1.patients';
import * as apiLines from '../../app/routes/api.v1.carts.current.lines';
import * as apiValidate from '../../app/routes/api.v1.validate';
import * as pharmacyOrders from '../../app/routes/api.pharmacy.v1.orders';
import * as pharmacyEvents from '../../app/routes/api.pharmacy.v1.orders.$id.events';
import { call, request, signIn } from '../support/requests';

type KeysAnswer = { created?: { secret: string; name: string; scope: string }; formError?: string; fieldErrors?: Record<string, string> };
type KeyRow = { id: string; name: string; prefix: string; scope: string; lastUsedAt: string | null; revokedAt: string | null; createdBy: string | null };

const args = (req: Request, params: Record<string, string> = {}) => ({ request: req, params, context: {} });

async function createKey(route: typeof clinicKeysRoute | typeof pharmacyKeysRoute, cookie: string, name: string, scope: 'read' | 'write') {
  const res = await call(route.action, request('/keys', { cookie, form: { intent: 'create', name, scope } }));
  expect(res.headers.get('cache-control')).toBe('no-store');
  return ((await res.json()) as KeysAnswer).created!;
}

async function listKeys(route: typeof clinicKeysRoute | typeof pharmacyKeysRoute, cookie: string): Promise<KeyRow[]> {
  return ((await (await call(route.loader, request('/keys', { cookie }))).json()) as { keys: KeyRow[] }).keys;
}

describe('clinic API keys', () => {
  it('creates a named read key shown once and stored hashed; a read key reads but may not write', async () => {
    const manager = await signIn('manager@riverside.example');
    const created = await createKey(clinicKeysRoute, manager, 'PIMS sync', 'read');
    expect(created.secret).toMatch(/^vc_clinic_[\w-]{32}$/);
    const stored = await getDb().selectFrom('apiKeys').selectAll().where('name', '=', 'PIMS sync').executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ scope: 'read', clinicId: DEMO_IDS.riverside, keyPrefix: created.secret.slice(0, 16) });
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(10));
    const keys = await listKeys(clinicKeysRoute, manager);
    const row = keys.find((k) => k.name === 'PIMS sync')!;
    const { name } = await getDb().selectFrom('users').select('name').where('email', '=', 'manager@riverside.example').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ prefix: created.secret.slice(0, 16), scope: 'read', lastUsedAt: null, revokedAt: null, createdBy: name });
    expect(JSON.stringify(keys)).not.toContain(created.secret);

    const read = await apiPatients.loader(args(request('/api/v1/patients?limit=1', { apiKey: created.secret })));
    expect(read.status).toBe(200);
    // Validating stores nothing: a read key may.
    expect((await apiValidate.action(args(request('/api/v1/validate', { apiKey: created.secret, json: { lines: [] } })))).status).not.toBe(403);
    const write = await apiLines.action(args(request('/api/v1/carts/current/lines', { apiKey: created.secret, json: { lines: [] } })));
    expect(write.status).toBe(403);
    expect(await write.json()).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/only read/) } });
    expect((await listKeys(clinicKeysRoute, manager)).find((k) => k.name === 'PIMS sync')!.lastUsedAt).not.toBeNull();
  });

  it('lets write keys and the demo keys write, and refuses a revoked key on its next request', async () => {
    const manager = await signIn('manager@riverside.example');
    const created = await createKey(clinicKeysRoute, manager, 'Scripts', 'write');
    const body = { lines: [{}] };
    // Not refused for scope: the body is checked (400 naming the fields).
    expect((await apiLines.action(args(request('/api/v1/carts/current/lines', { apiKey: created.secret, json: body })))).status).toBe(400);
    expect((await apiLines.action(args(request('/api/v1/carts/current/lines', { apiKey: DEMO_API_KEYS.riverside, json: body })))).status).toBe(400);

    const key = (await listKeys(clinicKeysRoute, manager)).find((k) => k.name === 'Scripts')!;
    const revoked = await call(clinicKeysRoute.action, request('/settings/api-keys', { cookie: manager, form: { intent: 'revoke', keyId: key.id } }));
    expect(await revoked.json()).toMatchObject({ revoked: true });
    const after = await apiPatients.loader(args(request('/api/v1/patients', { apiKey: created.secret })));
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: { code: 'unauthorized', message: 'That API key is not valid.' } });
    const audit = await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', key.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it('keeps keys to their clinic and to managers', async () => {
    const riverside = await signIn('manager@riverside.example');
    const key = await createKey(clinicKeysRoute, riverside, 'Riverside only', 'read');
    const keyId = (await listKeys(clinicKeysRoute, riverside)).find((k) => k.name === 'Riverside only')!.id;
    const lakeside = await signIn('manager@lakeside.example');
    expect((await listKeys(clinicKeysRoute, lakeside)).map((k) => k.id)).not.toContain(keyId);
    const res = await call(clinicKeysRoute.action, request('/settings/api-keys', { cookie: lakeside, form: { intent: 'revoke', keyId } }));
    expect(res.status).toBe(404);
    expect((await apiPatients.loader(args(request('/api/v1/patients', { apiKey: key.secret })))).status).toBe(200);
    const tech = await signIn('tech@riverside.example');
    expect((await call(clinicKeysRoute.loader, request('/settings/api-keys', { cookie: tech }))).status).toBe(403);
    const bad = await call(clinicKeysRoute.action, request('/settings/api-keys', { cookie: riverside, form: { intent: 'create', name: '', scope: 'admin' } }));
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as KeysAnswer).fieldErrors ?? {}).sort()).toEqual(['name', 'scope']);
  });
});

describe('pharmacy API keys', () => {
  it('lets a pharmacist make keys for the pharmacy API, scoped the same way', async () => {
    const pharmacist = await signIn('pharmacist@pacific.example');
    const created = await createKey(pharmacyKeysRoute, pharmacist, 'Lab system', 'read');
    expect(created.secret).toMatch(/^vc_pharmacy_/);
    expect((await pharmacyOrders.loader(args(request('/api/pharmacy/v1/orders', { apiKey: created.secret })))).status).toBe(200);
    const order = await getDb().selectFrom('orders').select('id').where('pharmacyId', '=', DEMO_IDS.pharmacy('pacific')).limit(1).executeTakeFirst();
    const post = await pharmacyEvents.action(args(request(`/api/pharmacy/v1/orders/${order?.id ?? DEMO_IDS.riverside}/events`, { apiKey: created.secret, json: { eventId: 'e1', type: 'accepted' } }), { id: order?.id ?? DEMO_IDS.riverside }));
    expect(post.status).toBe(403);
    // A pharmacy key is no clinic key.
    expect((await apiPatients.loader(args(request('/api/v1/patients', { apiKey: created.secret })))).status).toBe(401);
    const keys = await listKeys(pharmacyKeysRoute, pharmacist);
    expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining(['Lab system', 'Demo key']));
    const other = await signIn('pharmacist@' + (await getDb().selectFrom('pharmacies').select('slug').where('slug', '<>', 'pacific').orderBy('slug').limit(1).executeTakeFirstOrThrow()).slug + '.example');
    expect((await listKeys(pharmacyKeysRoute, other)).map((k) => k.name)).not.toContain('Lab system');
  });
});
