import { sql, type Kysely } from 'kysely';
import { Logger, parseCronItems, run, runOnce, type Runner, type Task, type TaskList } from 'graphile-worker';
import pg from 'pg';
import { databaseUrl, getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { now } from './clock.server';
import { log, withLogger } from './logger.server';

// The job queue is graphile-worker (docs/decisions/002-job-queue.md). Jobs are added with SQL
// on the caller's transaction, so a job exists exactly when the business change committed.

/** Options of one job. */
export type JobOptions = {
  /** When to run; default now (the injectable clock's now). */
  runAt?: Date;
  /** De-duplicates: a second job with the same key replaces the pending one (graphile's job_key). */
  jobKey?: string;
  /** Attempts before graphile gives up (tasks that schedule their own retries use 1). */
  maxAttempts?: number;
  /** Serialises jobs with the same queue name (e.g. one delivery at a time per order). */
  queueName?: string;
  priority?: number;
};

/** Adds a job inside `db` (a transaction or the pool). */
export async function enqueue(db: Kysely<Database>, task: string, payload: Record<string, unknown>, options: JobOptions = {}): Promise<void> {
  await sql`select graphile_worker.add_job(
    ${task},
    payload => ${JSON.stringify(payload)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${(options.runAt ?? now()).toISOString()}::timestamptz,
    max_attempts => ${options.maxAttempts ?? 25}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? 0}::int
  )`.execute(db);
}

const TASKS_KEY = Symbol.for('vialcart.tasks');
type WithTasks = typeof globalThis & { [TASKS_KEY]?: TaskList };

/**
 * Registers task handlers (each service registers its own at import time, from
 * app/services/platform/tasks.server.ts). Handlers receive the payload and the job's context; throwing makes graphile retry.
 */
export function registerTasks(tasks: Record<string, (payload: any, job: JobContext) => Promise<void>>): void {
  const g = globalThis as WithTasks;
  g[TASKS_KEY] ??= {};
  for (const [name, handler] of Object.entries(tasks)) {
    g[TASKS_KEY][name] = (async (payload: unknown, helpers) => {
      // Everything the handler logs names the job, its task and which attempt this is.
      const jobLog = log().child({ jobId: String(helpers.job.id), task: helpers.job.task_identifier, attempt: helpers.job.attempts });
      return withLogger(jobLog, () => handler(payload, { abortSignal: helpers.abortSignal }));
    }) as Task;
  }
}

/** What a handler may use from the job running it. */
export type JobContext = {
  /** Fires when the worker stops and wants the job to give up (graphile's graceful shutdown). */
  abortSignal?: AbortSignal;
};

/** Every registered task. */
export function taskList(): TaskList {
  return { ...((globalThis as WithTasks)[TASKS_KEY] ?? {}) };
}

/** Periodic sweeps (graphile cron syntax), registered alongside tasks. */
const CRON_KEY = Symbol.for('vialcart.cron');
type WithCron = typeof globalThis & { [CRON_KEY]?: { task: string; match: string; identifier: string }[] };
export function registerCron(identifier: string, match: string, task: string): void {
  const g = globalThis as WithCron;
  g[CRON_KEY] ??= [];
  if (!g[CRON_KEY].some((c) => c.identifier === identifier)) g[CRON_KEY].push({ identifier, match, task });
}

let shuttingDown = false;
/**
 * graphile-worker's own messages, into our logger with the job's id and task. A failed attempt is
 * a warning (the job is retried, or its task schedules its own retry); while the process shuts
 * down, PostgreSQL may stop first, so its dropped connections are only debug.
 */
const workerLog = new Logger((scope) => (level, message, meta) => {
  const fields = {
    ...(scope.workerId ? { workerId: scope.workerId } : {}),
    ...(scope.jobId !== undefined ? { jobId: String(scope.jobId) } : {}),
    ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}),
    ...(meta?.error instanceof Error ? { err: meta.error } : {}),
  };
  const target = level === 'error' || level === 'warning' ? (shuttingDown ? 'debug' : 'warn') : level === 'info' ? 'info' : 'debug';
  log()[target](fields, message);
});

/** Marks the process as shutting down, so expected connection losses are not reported as errors. */
export function jobsShuttingDown(): void {
  shuttingDown = true;
}

/** A running worker: `stop()` finishes the jobs in hand and closes its connections. */
export type WorkerHandle = { stop(): Promise<void>; promise: Runner['promise'] };

/** Starts a worker in this process (npm start, npm run worker). */
export async function startWorker(options: { concurrency?: number; pollInterval?: number } = {}): Promise<WorkerHandle> {
  const g = globalThis as WithCron;
  const concurrency = options.concurrency ?? 4;
  // Our own pool, so a connection the server drops (e.g. PostgreSQL stopping first on Ctrl-C)
  // is an error we ignore, not an unhandled 'error' event that crashes the process.
  const pgPool = new pg.Pool({ connectionString: databaseUrl(), max: concurrency + 2 });
  pgPool.on('error', () => {});
  // A connection in use when PostgreSQL restarts errors too (graphile-worker's LISTEN client,
  // a job's client after it gave it up): unhandled, that would end the process. The worker
  // reconnects by itself; each client only needs a listener.
  pgPool.on('connect', (client) => client.on('error', (err) => log().warn({ err: err.message }, 'job queue: a database connection was lost')));
  const runner = await run({
    pgPool,
    concurrency,
    pollInterval: options.pollInterval ?? 1000,
    noHandleSignals: true,
    logger: workerLog,
    taskList: taskList(),
    parsedCronItems: parseCronItems((g[CRON_KEY] ?? []).map((c) => ({ task: c.task, match: c.match, identifier: c.identifier, options: { backfillPeriod: 0 } }))),
  });
  return {
    promise: runner.promise,
    async stop() {
      await runner.stop().catch(() => undefined);
      await pgPool.end().catch(() => undefined);
    },
  };
}

/**
 * Tests and benchmarks: runs every job that is due by `until` (default: the injectable
 * clock's now), repeatedly, until none is left due. Jobs scheduled in the simulated future
 * are moved to the database's now first, so timers fire at simulated times.
 */
export async function drainJobs(options: { until?: Date; maxRounds?: number } = {}): Promise<number> {
  const until = options.until ?? now();
  const db = getDb();
  let rounds = 0;
  for (; rounds < (options.maxRounds ?? 50); rounds++) {
    await sql`update graphile_worker._private_jobs set run_at = now() where run_at <= ${until.toISOString()}::timestamptz and run_at > now() and locked_at is null`.execute(db);
    const due = await sql<{ n: number }>`
      select count(*)::int as n from graphile_worker._private_jobs
      where run_at <= now() and is_available and (flags is null or true)`.execute(db);
    if ((due.rows[0]?.n ?? 0) === 0) break;
    await runOnce({ pgPool: drainPool(), logger: workerLog, taskList: taskList() });
  }
  return rounds;
}

// One small pool for drainJobs, kept between calls (a pool per call costs more than most jobs);
// it lets the process exit when idle, so tests and tools never wait on it.
let drain: { url: string | undefined; pool: pg.Pool } | undefined;
function drainPool(): pg.Pool {
  const url = databaseUrl();
  if (!drain || drain.url !== url) {
    void drain?.pool.end().catch(() => undefined);
    const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 2_000, allowExitOnIdle: true });
    pool.on('error', () => {});
    drain = { url, pool };
  }
  return drain.pool;
}

/** Pending jobs of a task (tests and the admin view). */
export async function pendingJobs(task?: string) {
  const r = await sql<{ taskIdentifier: string; payload: unknown; runAt: Date; attempts: number; lastError: string | null; key: string | null }>`
    select t.identifier as task_identifier, j.payload, j.run_at, j.attempts, j.last_error, j.key
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where (${task ?? null}::text is null or t.identifier = ${task ?? null}::text)
    order by j.run_at`.execute(getDb());
  return r.rows;
}
