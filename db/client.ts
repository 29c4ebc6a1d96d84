import { CamelCasePlugin, Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// Dates stay ISO strings ('YYYY-MM-DD') rather than JS Dates shifted by the local zone;
// bigint counts come back as numbers (they never exceed 2^53 here).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type DB = Kysely<Database>;

/** Creates a Kysely instance over a pg pool. Columns are snake_case in SQL, camelCase in TS. */
export function createDb(
  connectionString: string,
  options: { max?: number; log?: (event: LogEvent) => void } = {},
): DB {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client that errors (e.g. the server restarts) must not crash the process.
  pool.on('error', () => {});
  // So must a connection in use then: its query fails and is answered; the client is dropped.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
    log: options.log,
  });
  pools.set(db, pool);
  return db;
}

// Shared by every copy of this module in the process (the server entry and the Remix build).
const POOLS_KEY = Symbol.for('vialcart.db.pools');
const pools: WeakMap<object, pg.Pool> = ((globalThis as typeof globalThis & { [POOLS_KEY]?: WeakMap<object, pg.Pool> })[POOLS_KEY] ??= new WeakMap());

/** How a database's connection pool is used now (metrics), or undefined for one not made by createDb. */
export function poolStats(db: object): { total: number; idle: number; waiting: number } | undefined {
  const pool = pools.get(db);
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

const DB_KEY = Symbol.for('vialcart.db');
type WithDb = typeof globalThis & { [DB_KEY]?: DB };

const URL_KEY = Symbol.for('vialcart.db.url');
type WithUrl = typeof globalThis & { [URL_KEY]?: string };

/**
 * Sets the connection string of the process-wide database: the server's boot passes the one it
 * chose (DATABASE_URL, or the embedded PostgreSQL it started) instead of writing it back into
 * the environment.
 */
export function setDatabaseUrl(url: string): void {
  (globalThis as WithUrl)[URL_KEY] = url;
}

/**
 * The process-wide database's connection string: the one the boot set, else DATABASE_URL
 * (tests and tools that set only the variable). db/ is where the connection is made, so this
 * is one of the few places that read the environment directly (eslint.config.js).
 */
export function databaseUrl(): string {
  const url = (globalThis as WithUrl)[URL_KEY] ?? process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start`');
  return url;
}

/**
 * The process-wide database, created on first use from `databaseUrl()`. Kept on globalThis
 * so the Remix build and the server entry share one pool.
 */
export function getDb(): DB {
  const g = globalThis as WithDb;
  g[DB_KEY] ??= createDb(databaseUrl());
  return g[DB_KEY];
}

/** Replaces the process-wide database (tests count queries through their own instance). */
export function setDb(db: DB | undefined): void {
  (globalThis as WithDb)[DB_KEY] = db;
}

/** Closes the process-wide database, if one was opened. */
export async function closeDb(): Promise<void> {
  const g = globalThis as WithDb;
  const db = g[DB_KEY];
  delete g[DB_KEY];
  await db?.destroy();
}
