import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerBuild } from '@remix-run/node';
import type { RequestHandler } from 'express';
import { getDb } from '../../db/client';
import { pendingMigrations } from '../../db/migrate';
import type { Env } from '../env.server';
import { checkHealth } from '../services/platform/health.server';
import { log } from '../services/platform/logger.server';
import { metricsText, observeHttpRequest, routeOf, routePatterns } from '../services/platform/metrics.server';

/** Whether two secrets are equal, in time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * What the process offers its operator (docs/deploy.md): `/readyz` for the load balancer,
 * `/metrics` for Prometheus, request timing by route pattern, and the count of requests in
 * flight that a graceful shutdown waits for. `/healthz` (liveness) is a Remix route.
 */
export function operations(build: ServerBuild, env: Pick<Env, 'METRICS_TOKEN'>) {
  const patterns = routePatterns(build.routes);
  let inFlight = 0;
  let stopping = false;
  const waiters = new Set<() => void>();

  const inFlightCounter: RequestHandler = (_req, res, next) => {
    inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight--;
      if (inFlight === 0) for (const wake of waiters) wake();
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };

  const timing: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observeHttpRequest(req.method, routeOf(patterns, req.path), res.statusCode, seconds);
    });
    next();
  };

  /** Ready to serve: not stopping, the database answers, and every migration is applied. */
  const readyz: RequestHandler = (_req, res) => {
    void (async () => {
      if (stopping) return res.status(503).json({ ok: false, reason: 'shutting down' });
      const health = await checkHealth();
      if (!health.ok) return res.status(503).json({ ok: false, database: 'down' });
      try {
        const pending = await pendingMigrations(getDb());
        if (pending.length > 0) return res.status(503).json({ ok: false, database: 'up', pendingMigrations: pending });
        return res.status(200).json({ ok: true, database: 'up', migrations: 'current', latencyMs: health.latencyMs });
      } catch (err) {
        log().warn({ err }, 'readiness: could not read the applied migrations');
        return res.status(503).json({ ok: false, database: 'up', migrations: 'unknown' });
      }
    })();
  };

  /** Prometheus text for a scraper holding METRICS_TOKEN; 404 while no token is configured. */
  const metrics: RequestHandler = (req, res) => {
    const token = env.METRICS_TOKEN;
    if (!token) return void res.status(404).json({ error: { code: 'not_found', message: 'Metrics are off: set METRICS_TOKEN to turn them on.' } });
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !sameSecret(given, token)) {
      return void res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } });
    }
    void metricsText(getDb())
      .then(({ contentType, body }) => res.status(200).set('Content-Type', contentType).send(body))
      .catch((err: unknown) => {
        log().error({ err }, 'metrics: could not read the database');
        res.status(503).json({ error: { code: 'unavailable', message: 'The database did not answer.' } });
      });
  };

  return {
    inFlight: inFlightCounter,
    timing,
    readyz,
    metrics,
    requestsInFlight: () => inFlight,
    /** Marks the process as stopping (readiness fails) and resolves once no request is in flight, or false after `ms`. */
    drained(ms: number): Promise<boolean> {
      stopping = true;
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(inFlight === 0);
        }, ms);
        waiters.add(wake);
      });
    },
  };
}
