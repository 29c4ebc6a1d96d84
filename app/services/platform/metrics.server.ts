/**
 * What an operator watches, in Prometheus' text format through `prom-client` (docs/deploy.md
 * lists every series). Two kinds of series:
 *
 * - counted as things happen in this process: HTTP requests by route pattern and status
 *   (a latency histogram), webhook deliveries by outcome;
 * - read from PostgreSQL when scraped, so every app process answers the same numbers for the
 *   shared state: the job queue's depth and oldest age per task, the notification backlog,
 *   pharmacy delivery attempts by outcome and orders whose delivery failed, and this process's
 *   connection pool.
 *
 * Metrics live in prom-client's global registry: the server entry and the Remix build each
 * load this module, and both must count into the same series, so every metric is looked up
 * by name before it is created.
 */
import { sql, type Kysely } from 'kysely';
import client from 'prom-client';
import { poolStats } from '../../../db/client';
import type { Database } from '../../../db/schema';

const { register, Histogram, Counter, Gauge } = client;

type Labels<T extends string> = T;

function histogram<T extends string>(name: string, help: string, labelNames: readonly Labels<T>[], buckets: number[]): client.Histogram<T> {
  return (register.getSingleMetric(name) as client.Histogram<T> | undefined) ?? new Histogram({ name, help, labelNames, buckets });
}
function counter<T extends string>(name: string, help: string, labelNames: readonly Labels<T>[]): client.Counter<T> {
  return (register.getSingleMetric(name) as client.Counter<T> | undefined) ?? new Counter({ name, help, labelNames });
}
function gauge<T extends string>(name: string, help: string, labelNames: readonly Labels<T>[]): client.Gauge<T> {
  return (register.getSingleMetric(name) as client.Gauge<T> | undefined) ?? new Gauge({ name, help, labelNames });
}

const httpDuration = () =>
  histogram('vialcart_http_request_duration_seconds', 'Time to answer an HTTP request, by method, route pattern and status.', ['method', 'route', 'status'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
const webhookOutcomes = () =>
  counter('vialcart_webhook_requests_total', 'Webhook deliveries received, by webhook and outcome (accepted, refused, failed).', ['webhook', 'outcome']);

/**
 * Records one answered request. `route` is the route's pattern (`/api/v1/patients/:id`), never
 * the raw path, so ids do not make a series each.
 */
export function observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
  httpDuration().observe({ method, route, status: String(status) }, seconds);
  const webhook = /^\/webhooks\/(.+)$/.exec(route)?.[1]?.split('/').filter((s) => !s.startsWith(':')).join('/');
  if (webhook) webhookOutcomes().inc({ webhook, outcome: status < 300 ? 'accepted' : status < 500 ? 'refused' : 'failed' });
}

/** A route table's patterns, for naming requests by route: `path` is the full pattern, `:x` a segment, `*` the rest. */
export type RoutePattern = { pattern: string; segments: string[] };

/**
 * The full patterns of a Remix build's routes (`routes` of the server build: id → path and
 * parent), most specific first: static segments before parameters, longer before shorter.
 */
export function routePatterns(routes: Record<string, { path?: string; parentId?: string }>): RoutePattern[] {
  const full = (id: string): string[] => {
    const route = routes[id];
    if (!route) return [];
    const own = (route.path ?? '').split('/').filter(Boolean);
    return [...(route.parentId ? full(route.parentId) : []), ...own];
  };
  const seen = new Set<string>();
  const patterns: RoutePattern[] = [];
  for (const id of Object.keys(routes)) {
    const segments = full(id);
    const pattern = `/${segments.join('/')}`;
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    patterns.push({ pattern, segments });
  }
  const weight = (s: string) => (s === '*' ? 2 : s.startsWith(':') ? 1 : 0);
  return patterns.sort((a, b) => {
    for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
      const d = weight(a.segments[i]!) - weight(b.segments[i]!);
      if (d !== 0) return d;
    }
    return b.segments.length - a.segments.length;
  });
}

/** The pattern a path answers to (`/patients/9f…/edit` → `/patients/:id/edit`), or `unmatched`. */
export function routeOf(patterns: RoutePattern[], path: string): string {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  if (parts[0] === 'build') return '/build/*';
  for (const { pattern, segments } of patterns) {
    const splat = segments[segments.length - 1] === '*';
    const fixed = splat ? segments.slice(0, -1) : segments;
    if (splat ? parts.length < fixed.length : parts.length !== fixed.length) continue;
    if (fixed.every((s, i) => s.startsWith(':') || s.replace(/\?$/, '') === parts[i])) return pattern;
  }
  return 'unmatched';
}

const jobDepth = () => gauge('vialcart_job_queue_depth', 'Jobs due and waiting to run, by task.', ['task']);
const jobAge = () => gauge('vialcart_job_queue_oldest_seconds', 'How long the oldest due job of a task has waited, in seconds.', ['task']);
const jobFailing = () => gauge('vialcart_job_queue_failing', 'Jobs that failed at least once and are waiting to retry, by task.', ['task']);
const notificationBacklog = () => gauge('vialcart_notifications', 'Owner messages by channel and status (pending: waiting to be sent; outbox: kept, no transport).', ['channel', 'status']);
const deliveryAttempts = () => gauge('vialcart_order_delivery_attempts', 'Attempts to hand orders to pharmacies, by outcome, since the start of the database.', ['outcome']);
const deliveryFailed = () => gauge('vialcart_orders_delivery_failed', 'Orders whose delivery to the pharmacy failed for good and wait for a person.', []);
const pool = () => gauge('vialcart_db_pool_connections', "This process's PostgreSQL connections, by state (total, idle, waiting clients).", ['state']);

/** Reads the shared state's series from the database. */
async function refreshFromDatabase(db: Kysely<Database>): Promise<void> {
  const [jobs, notifications, attempts, failed] = await Promise.all([
    sql<{ task: string; due: number; failing: number; oldestSeconds: number | null }>`
      select t.identifier as task,
             count(*) filter (where j.run_at <= now() and j.locked_at is null)::int as due,
             count(*) filter (where j.attempts > 0 and j.locked_at is null)::int as failing,
             extract(epoch from now() - min(j.run_at) filter (where j.run_at <= now() and j.locked_at is null))::float8 as oldest_seconds
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where j.attempts < j.max_attempts
      group by t.identifier`.execute(db),
    db.selectFrom('notifications').select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', ['pending', 'outbox', 'failed']).groupBy(['channel', 'status']).execute(),
    db.selectFrom('orderDeliveryAttempts').select(['outcome', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('outcome').execute(),
    db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'delivery_failed').executeTakeFirstOrThrow(),
  ]);
  jobDepth().reset();
  jobAge().reset();
  jobFailing().reset();
  for (const j of jobs.rows) {
    jobDepth().set({ task: j.task }, j.due);
    jobAge().set({ task: j.task }, j.oldestSeconds ?? 0);
    jobFailing().set({ task: j.task }, j.failing);
  }
  notificationBacklog().reset();
  for (const channel of ['email', 'sms'] as const) for (const status of ['pending', 'outbox', 'failed'] as const) notificationBacklog().set({ channel, status }, 0);
  for (const n of notifications) notificationBacklog().set({ channel: n.channel, status: n.status }, Number(n.n));
  deliveryAttempts().reset();
  for (const outcome of ['delivered', 'retryable', 'permanent'] as const) deliveryAttempts().set({ outcome }, 0);
  for (const a of attempts) deliveryAttempts().set({ outcome: a.outcome }, Number(a.n));
  deliveryFailed().set(Number(failed.n));
}

/** The Prometheus text of every series, the database's read now. */
export async function metricsText(db: Kysely<Database>): Promise<{ contentType: string; body: string }> {
  // The request series exist from the start, so a scrape before the first request sees them.
  httpDuration();
  webhookOutcomes();
  await refreshFromDatabase(db);
  const stats = poolStats(db);
  if (stats) for (const [state, value] of Object.entries(stats)) pool().set({ state }, value);
  return { contentType: register.contentType, body: await register.metrics() };
}
