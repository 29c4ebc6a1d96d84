import { createDb } from '../../db/client';
import { startEmbeddedPostgres } from '../../db/embedded';
import { migrateDownToEmpty, migrateToLatest } from '../../db/migrate';
import { seedDemo } from '../../db/seed';
import { EnvError, getEnv } from '../env.server';
import { log } from '../services/platform/logger.server';

/**
 * `npm run db:migrate` (`-- down` to empty) and `npm run db:seed`: the database commands, on
 * DATABASE_URL or the embedded PostgreSQL under DATA_DIR.
 */
async function main(command: string | undefined, argument: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'seed') throw new Error('usage: db-tasks.ts migrate [down] | seed');
  const env = getEnv();
  // An explicit `db:seed` seeds outside production even with DEMO=0; production needs DEMO=1.
  if (command === 'seed' && env.NODE_ENV === 'production' && !env.DEMO) {
    throw new Error('Refusing to seed demo data with NODE_ENV=production (set DEMO=1 to force).');
  }
  let url = env.DATABASE_URL;
  const embedded = url ? undefined : await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT });
  url ??= embedded!.url;
  const db = createDb(url);
  try {
    if (command === 'migrate') {
      const results = argument === 'down' ? await migrateDownToEmpty(db) : await migrateToLatest(db, url);
      for (const r of results) log().info({ migration: r.migrationName, direction: r.direction, status: r.status }, `${r.direction === 'Down' ? 'down' : 'up'} ${r.migrationName}: ${r.status}`);
      if (results.length === 0) log().info('database is up to date');
    } else {
      await migrateToLatest(db, url);
      const { inserted } = await seedDemo(db);
      log().info(inserted ? 'Demo data seeded.' : 'Demo data already present; nothing changed.');
    }
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
  if (error instanceof EnvError) log().fatal({ issues: error.issues }, error.message);
  else log().fatal({ err: error }, error instanceof Error ? error.message : String(error));
  process.exit(1);
});
