import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type MigrationProvider, type Migration, type MigrationResult } from 'kysely';
import { Logger, runMigrations as runJobQueueMigrations } from 'graphile-worker';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Kysely's FileMigrationProvider builds import paths by hand, which breaks on file URLs
// under ESM; this one imports each file by URL, in name order.
const provider: MigrationProvider = {
  async getMigrations() {
    const files = (await fs.readdir(migrationsDir)).filter((f) => /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const mod = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
      migrations[file.replace(/\.ts$/, '')] = mod;
    }
    return migrations;
  },
};

function migrator(db: Kysely<unknown>) {
  // Engineers add migrations in parallel branches of work; order by name, but never refuse
  // one that sorts before the last applied.
  return new Migrator({ db, provider, allowUnorderedMigrations: true });
}

function check(results: MigrationResult[] | undefined, error: unknown): MigrationResult[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const where = failed ? ` (in ${failed.migrationName})` : '';
    throw new Error(`migration failed${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return results ?? [];
}

/** Migrates the schema and the job queue's schema to the latest version. */
export async function migrateToLatest(db: Kysely<any>, connectionString: string): Promise<MigrationResult[]> {
  const { results, error } = await migrator(db).migrateToLatest();
  const done = check(results, error);
  await runJobQueueMigrations({ connectionString, logger: quietLogger });
  return done;
}

/** Migrates everything down to empty (tests and `npm run db:migrate -- down`). */
export async function migrateDownToEmpty(db: Kysely<any>): Promise<MigrationResult[]> {
  const { NO_MIGRATIONS } = await import('kysely');
  const { results, error } = await migrator(db).migrateTo(NO_MIGRATIONS);
  return check(results, error);
}

const quietLogger = new Logger(() => () => {});

/** The names of migrations not applied yet (readiness: a process must not serve an old schema). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
