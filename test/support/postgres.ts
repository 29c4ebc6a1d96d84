import pg from 'pg';

/** Names of the template databases the global setup prepares. */
export const TEMPLATES = { empty: 'vialcart_tpl_empty', demo: 'vialcart_tpl_demo' } as const;

/** The connection string of `database` on the test server (VIALCART_TEST_PG is set by the global setup). */
export function testUrl(database: string): string {
  const base = process.env.VIALCART_TEST_PG;
  if (!base) throw new Error('VIALCART_TEST_PG is not set: run tests through vitest (test/support/global-postgres.ts)');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs statements on the server's maintenance database. */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from a template (demo data by default); returns its URL and a drop function. */
export async function createTestDatabase(template: keyof typeof TEMPLATES = 'demo'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await admin((c) => c.query(`create database "${name}" template "${TEMPLATES[template]}" strategy file_copy`));
  return {
    name,
    url: testUrl(name),
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
