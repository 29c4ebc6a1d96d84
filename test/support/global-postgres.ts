import path from 'node:path';
import pg from 'pg';
import { createDb } from '../../db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { TEMPLATES } from './postgres';

// One PostgreSQL for the whole run: DATABASE_URL's server when set, otherwise an embedded
// one. Two templates are built once (migrated; migrated + demo data) and every test file
// clones its own database from one of them.
let embedded: EmbeddedDatabase | undefined;

export default async function setup() {
  let base = process.env.DATABASE_URL;
  if (!base) {
    embedded = await startEmbeddedPostgres({ dataDir: path.resolve('.data-test'), database: 'postgres', unsafeFast: true });
    base = embedded.url;
  }
  const url = new URL(base);
  url.pathname = '/postgres';
  process.env.VIALCART_TEST_PG = url.toString();
  const adminClient = new pg.Client({ connectionString: url.toString() });
  await adminClient.connect();
  try {
    for (const name of Object.values(TEMPLATES)) {
      await adminClient.query(`drop database if exists "${name}" with (force)`);
      await adminClient.query(`create database "${name}"`);
    }
  } finally {
    await adminClient.end();
  }
  for (const [kind, name] of Object.entries(TEMPLATES)) {
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const db = createDb(dbUrl.toString());
    try {
      await migrateToLatest(db, dbUrl.toString());
      if (kind === 'demo') await seedDemo(db);
    } finally {
      await db.destroy();
    }
  }
  return async () => {
    await embedded?.stop();
  };
}
