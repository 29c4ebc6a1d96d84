import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../db/client';
import { resetEnv } from '../../app/env.server';
import { bootDataLayer } from '../../app/server/boot.server';
import { createTestDatabase } from '../support/postgres';

const saved = { ...process.env };
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
  await closeDb();
  await database.drop();
  return { seeded: booted.seeded, clinics: clinics.map((c) => c.slug) };
}

describe('boot', () => {
  it('seeds an empty database outside production', async () => {
    expect(await bootOn({ NODE_ENV: 'development' })).toEqual({ seeded: true, clinics: ['lakeside', 'riverside'] });
  });

  it('refuses demo data in production unless DEMO=1', async () => {
    expect(await bootOn({ NODE_ENV: 'production', DEMO: '' })).toEqual({ seeded: false, clinics: [] });
    expect(await bootOn({ NODE_ENV: 'production', DEMO: '1' })).toEqual({ seeded: true, clinics: ['lakeside', 'riverside'] });
  });
});
