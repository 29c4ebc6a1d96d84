import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable, Kysely } from 'kysely';
import pg from 'pg';
import { createDb, type DB } from '../../db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded';
import { migrateToLatest } from '../../db/migrate';
import type { Database } from '../../db/schema';

let cluster: EmbeddedDatabase | undefined;

/** A fresh, migrated database for one benchmark (embedded PostgreSQL under .data-bench, or BENCH_DATABASE_URL's server). */
export async function benchDatabase(name: string): Promise<{ db: DB; url: string; close(): Promise<void> }> {
  let base = process.env.BENCH_DATABASE_URL;
  if (!base) {
    cluster ??= await startEmbeddedPostgres({ dataDir: path.resolve('.data-bench'), database: 'postgres' });
    base = cluster.url;
  }
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const dbName = `bench_${name.replace(/\W/g, '_')}`;
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.query(`create database "${dbName}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const db = createDb(url.toString(), { max: 20 });
  await migrateToLatest(db, url.toString());
  return {
    db,
    url: url.toString(),
    async close() {
      await db.destroy();
    },
  };
}

/** Stops the embedded cluster, if a benchmark started one. */
export async function stopBenchCluster(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}

/** Runs `fn` `runs` times after `warmup` runs; returns timings in ms with p50/p95. */
export async function time(fn: () => unknown | Promise<unknown>, runs: number, warmup = Math.min(10, runs)) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1]!, mean: samples.reduce((a, b) => a + b, 0) / samples.length, samples };
}

/** Rounds to 2 decimals for the report. */
export const r2 = (n: number) => Math.round(n * 100) / 100;

export { prng } from '../support/prng';

/** Inserts generated rows 1,000 at a time. */
export async function insertChunks<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1_000) {
    // The dynamic table name defeats Kysely's row typing; rows are typed by the caller.
    await (db as Kysely<any>).insertInto(table).values(rows.slice(i, i + 1_000) as any[]).execute();
  }
}

/**
 * Restores an environment variable saved before a benchmark changed it. Assigning
 * `undefined` to process.env would store the string "undefined", so an unset one is deleted.
 */
export function restoreEnv(name: string, previous: string | undefined): void {
  if (previous === undefined) delete process.env[name];
  else process.env[name] = previous;
}
