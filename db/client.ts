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

/**
 * The process-wide database, created on first use from DATABASE_URL (which the server
 * sets after starting the embedded PostgreSQL). Kept on globalThis so the Remix build and
 * the server entry share one pool.
 */
export function getDb(): DB {
  const g = globalThis as WithDb;
  if (!g[DB_KEY]) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start`');
    g[DB_KEY] = createDb(url);
  }
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
