import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../db/client';
import { resetEnv } from '../../app/env.server';
import { bootDataLayer } from '../../app/server/boot.server';
import { createTestDatabase } from '../support/postgres';

const saved = { ...process.env };
let lastQueues: string[] = [];
afterEach(async () => {
  await closeDb();
  for (const key of ['NODE_ENV', 'DEMO', 'DATABASE_URL']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  resetEnv();
});

async function bootOn(env: Record<string, string>) {
  const database = await createTestDatabase('empty');
  await closeDb();
  Object.assign(process.env, { DATABASE_URL: database.url, ...env });
  resetEnv();
  const booted = await bootDataLayer();
  const clinics = await getDb().selectFrom('clinics').select('slug').orderBy('slug').execute();
  const queues = await getDb().selectFrom('refillRequests').select('queue').distinct().orderBy('queue').execute();
  await closeDb();
  await database.drop();
  lastQueues = queues.map((q) => q.queue);
  return { seeded: booted.seeded, clinics: clinics.map((c) => c.slug) };
}

describe('boot', () => {
  it('seeds an empty database outside production', async () => {
    expect(await bootOn({ NODE_ENV: 'development' })).toEqual({ seeded: true, clinics: ['lakeside', 'riverside'] });
    // The fresh demo's owners' requests went through the real intake into every queue.
    expect(lastQueues).toEqual(['exception_exam', 'exception_prescription', 'front_desk', 'tech_standard', 'tech_urgent', 'vet_review']);
  });

  it('starts empty with DEMO=0, ready for the first-run setup', async () => {
    expect(await bootOn({ NODE_ENV: 'development', DEMO: '0' })).toEqual({ seeded: false, clinics: [] });
  });

  it('refuses demo data in production unless DEMO=1', async () => {
    expect(await bootOn({ NODE_ENV: 'production', DEMO: '' })).toEqual({ seeded: false, clinics: [] });
    expect(await bootOn({ NODE_ENV: 'production', DEMO: '1' })).toEqual({ seeded: true, clinics: ['lakeside', 'riverside'] });
  });
});
