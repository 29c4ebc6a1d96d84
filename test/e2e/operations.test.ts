import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded';

// What an operator relies on, against the real server process on a real PostgreSQL that the
// test can stop and start: readiness that follows the database, metrics behind their token,
// and a shutdown that lets a request in flight finish (docs/deploy.md).

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vialcart-ops-'));
// PostgreSQL runs as its own user when the tests run as root: it must be able to enter the folder.
chmodSync(dataDir, 0o755);
let pgPort = 0;
let database: EmbeddedDatabase;
let app: { child: ChildProcess; port: number; output: () => string };

async function startApp(databaseUrl: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATA_DIR: path.join(dataDir, 'app'),
    NODE_ENV: 'development',
    METRICS_TOKEN,
    SHUTDOWN_GRACE_SECONDS: '20',
    LOG_FORMAT: 'json',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 90 s:\n${out}`)), 90_000);
    child.stdout!.on('data', () => {
      if (out.includes('vialcart is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return { child, port, output: () => out };
}

const url = (p: string) => `http://127.0.0.1:${app.port}${p}`;
/** fetch, and on a network failure the app's last output, to see why it stopped answering. */
const get = (p: string, init?: RequestInit) =>
  fetch(url(p), init).catch((err: Error) => {
    throw new Error(`${err.message} (${String(err.cause)})\n${app.output().slice(-4000)}`);
  });

beforeAll(async () => {
  pgPort = await freePort();
  database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'db'), port: pgPort, unsafeFast: true });
  app = await startApp(database.url);
}, 180_000);

afterAll(async () => {
  if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('readiness and liveness', () => {
  it('is ready with the database up and every migration applied, not ready while PostgreSQL is down, and ready again once it is back, without a restart', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, database: 'up', migrations: 'current' });

    await database.stop();
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, database: 'down' });
    // Liveness stays a process question: the process answers, and says the database is down.
    const live = await get('/healthz');
    expect(live.status).toBe(503);

    database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'db'), port: pgPort, unsafeFast: true });
    await expect.poll(async () => (await get('/readyz')).status, { timeout: 30_000, interval: 250 }).toBe(200);
    expect(app.child.exitCode).toBeNull();
  }, 120_000);
});

describe('metrics', () => {
  it('refuses a scraper without the token or with a wrong one', async () => {
    const none = await get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await get('/metrics', { headers: { Authorization: 'Bearer not-the-token-at-all-000000' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('vialcart_');
  });

  it('answers Prometheus text: request latency by route pattern (never the raw id), webhook outcomes, the job queue, owner messages, deliveries and the pool', async () => {
    await get('/healthz');
    const id = '0b7a8a53-8a3e-4a45-9d4a-6d4c8b1e2f00';
    await get(`/api/v1/patients/${id}`); // 401: no key — still timed, under its pattern
    await get('/webhooks/intake/riverside', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const res = await get('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/vialcart_http_request_duration_seconds_bucket\{[^}]*route="\/healthz"[^}]*\}/);
    expect(text).toMatch(/vialcart_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/patients\/:id",status="401"\} 1/);
    expect(text).not.toContain(id);
    expect(text).toMatch(/vialcart_webhook_requests_total\{webhook="intake",outcome="refused"\} 1/);
    expect(text).toMatch(/vialcart_notifications\{channel="email",status="(pending|outbox|failed)"\} \d+/);
    expect(text).toMatch(/vialcart_order_delivery_attempts\{outcome="delivered"\} \d+/);
    expect(text).toMatch(/vialcart_orders_delivery_failed \d+/);
    expect(text).toMatch(/vialcart_db_pool_connections\{state="total"\} [1-9]/);
    expect(text).toContain('# TYPE vialcart_job_queue_depth gauge');
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM stops taking connections, lets a request in flight finish with its answer, then exits 0', async () => {
    // A webhook whose body is still arriving is a request in flight.
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request(url('/webhooks/intake/riverside'), { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => reject(new Error(`${err.message}\n${app.output().slice(-3000)}`)));
      req.write('{"type":"prescription.requested",');
      setTimeout(() => {
        app.child.kill('SIGTERM');
        setTimeout(() => req.end('"id":"evt_1"}'), 1500);
      }, 300);
    });
    const exit = new Promise<number | null>((resolve) => app.child.on('exit', (code) => resolve(code)));

    // The request finished with an answer (its signature is refused), not a cut connection.
    expect(await answer).toBe(401);
    expect(await exit).toBe(0);
    expect(app.output()).toContain('finishing requests in flight');
    expect(app.output()).not.toMatch(/still in flight after the grace period/);
    await expect(fetch(url('/healthz'))).rejects.toThrow();
  }, 60_000);
});
