import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../db/client';
import { resetEnv } from '../../app/env.server';
import * as root from '../../app/root';
import * as setupRoute from '../../app/routes/setup';
import * as adminLayout from '../../app/routes/admin';
import { forgetAdminExists, prepareSetup } from '../../app/services/identity/setup.server';
import { createTestDatabase } from '../support/postgres';
import { call, request } from '../support/requests';

// First run on a database with no demo data (the migrated-only template).
const saved = process.env.DATABASE_URL;
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase('empty');
  await closeDb();
  process.env.DATABASE_URL = database.url;
  resetEnv();
  forgetAdminExists();
});

afterAll(async () => {
  await closeDb();
  await database.drop();
  process.env.DATABASE_URL = saved;
  resetEnv();
  forgetAdminExists();
});

const STRONG = 'lantern orbit cactus 42';
const form = (token: string, overrides: Record<string, string> = {}) => ({ token, name: 'Ada Operator', email: 'ada@ops.example', password: STRONG, confirmPassword: STRONG, ...overrides });

describe('first-run setup', () => {
  it('sends every page to /setup while no administrator exists', async () => {
    for (const path of ['/', '/login', '/admin/clinics', '/refill-day']) {
      const res = await call(root.loader, request(path));
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/setup');
    }
    expect(await call(root.loader, request('/setup'))).toHaveProperty('status', 200);
  });

  it('shows no form without the setup link, and refuses a made-up or tampered token', async () => {
    const plain = await call(setupRoute.loader, request('/setup'));
    expect(await plain.json()).toMatchObject({ state: 'needs_link' });
    const token = (await prepareSetup())!;
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
    const made = await call(setupRoute.loader, request('/setup?token=abc.def'));
    expect(made.status).toBe(400);
    expect(await made.json()).toMatchObject({ state: 'bad_link' });
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await call(setupRoute.loader, request(`/setup?token=${encodeURIComponent(tampered)}`))).status).toBe(400);
    const good = await call(setupRoute.loader, request(`/setup?token=${encodeURIComponent(token)}`));
    expect(await good.json()).toMatchObject({ state: 'ready', token });
    // Only the hash is stored.
    const stored = await getDb().selectFrom('setupTokens').select('tokenHash').execute();
    expect(stored.map((s) => s.tokenHash)).not.toContain(token);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.tokenHash))).toBe(true);
  });

  it('refuses a weak password and a mismatch on their fields, keeping what was typed', async () => {
    const token = (await prepareSetup())!;
    const weak = await call(setupRoute.action, request('/setup', { form: form(token, { password: 'password123', confirmPassword: 'password123' }) }));
    expect(weak.status).toBe(400);
    const body = (await weak.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors.password).toMatch(/commonly used|guess/i);
    expect(body.values).toMatchObject({ name: 'Ada Operator', email: 'ada@ops.example' });
    const mismatch = await call(setupRoute.action, request('/setup', { form: form(token, { confirmPassword: 'something else entirely' }) }));
    expect(((await mismatch.json()) as { fieldErrors: Record<string, string> }).fieldErrors.confirmPassword).toBe('The two passwords differ.');
    expect(await getDb().selectFrom('users').select('id').execute()).toEqual([]);
  });

  it('creates the administrator with the link, signs them in, and closes setup for good', async () => {
    const token = (await prepareSetup())!;
    const res = await call(setupRoute.action, request('/setup', { form: form(token) }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/admin/clinics');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const admin = await call(adminLayout.loader, request('/admin', { cookie }));
    expect(await admin.json()).toMatchObject({ user: { name: 'Ada Operator', role: 'admin' } });
    const user = await getDb().selectFrom('users').select(['email', 'role', 'active', 'passwordHash']).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: 'ada@ops.example', role: 'admin', active: true });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const audit = await getDb().selectFrom('auditEvents').select(['action', 'actorType']).where('action', '=', 'user.setup_admin').execute();
    expect(audit).toEqual([{ action: 'user.setup_admin', actorType: 'system' }]);

    // Setup is gone: the same link, a fresh boot's link and the page itself.
    expect(await getDb().selectFrom('setupTokens').select('tokenHash').execute()).toEqual([]);
    expect(await prepareSetup()).toBeNull();
    expect((await call(setupRoute.loader, request(`/setup?token=${encodeURIComponent(token)}`))).status).toBe(404);
    const again = await call(setupRoute.action, request('/setup', { form: form(token, { email: 'eve@ops.example' }) }));
    expect(again.status).toBe(400);
    expect(await getDb().selectFrom('users').select('email').execute()).toEqual([{ email: 'ada@ops.example' }]);
    // And pages no longer lead to setup.
    expect((await call(root.loader, request('/login'))).status).toBe(200);
  });
});
