import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { DEMO_API_KEYS, DEMO_LOGINS, DEMO_PASSWORD } from '../../db/seed';
import { EnvError } from '../env.server';
import { prepareSetup } from '../services/identity/setup.server';
import { jobsShuttingDown, startWorker } from '../services/platform/jobs.server';
import { log } from '../services/platform/logger.server';
import { registerAllTasks } from '../services/platform/tasks.server';
import { bootDataLayer, onStopSignal } from './boot.server';
import { plainErrors, remixEdge } from './edge';
import { securityHeaders } from './headers';
import { operations } from './operations';
import { requestLogging } from './request-log';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main() {
  const booted = await bootDataLayer();
  const { env } = booted;
  // The job worker runs in this process unless JOBS=0 (then `npm run worker` runs it).
  registerAllTasks();
  const worker = env.JOBS ? await startWorker({ concurrency: env.WORKER_CONCURRENCY }) : undefined;
  const build = (await import(pathToFileURL(path.join(root, 'build/index.js')).href)) as ServerBuild;

  const app = express();
  app.disable('x-powered-by');
  // The client's address is the socket's, or TRUST_PROXY hops back along X-Forwarded-For (docs/security.md).
  app.set('trust proxy', env.TRUST_PROXY);
  const ops = operations(build, env);
  app.use(ops.inFlight);
  app.use(requestLogging());
  app.use(ops.timing);
  app.use(securityHeaders(env));
  app.get('/readyz', ops.readyz);
  app.get('/metrics', ops.metrics);
  app.use(compression());
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }));
  app.all('*', remixEdge(build, env));
  app.use(plainErrors);

  // An empty database has no administrator: this boot's one-time setup link goes to the log
  // (docs/onboarding.md). The token is random per boot; only its hash is stored.
  const setupToken = await prepareSetup();

  const server = app.listen(env.PORT, () => {
    // In the background: readiness does not wait; the first proposals fall back to the heuristic until warm (docs/optimizer.md).
    const warm = (build.entry.module as { warmOptimizer?: () => Promise<void> }).warmOptimizer;
    if (warm) void warm();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const url = env.APP_URL.replace(/:\d+$/, `:${port}`);
    const database = booted.embedded ? `embedded PostgreSQL on 127.0.0.1:${booted.embedded.port} (data in ${env.DATA_DIR})` : 'DATABASE_URL';
    log().info({ url, port, database, jobs: env.JOBS }, `vialcart is running at ${url}`);
    if (setupToken) {
      const setupUrl = `${url}/setup?token=${setupToken}`;
      log().warn({ setupUrl }, `No administrator yet. Create one with this one-time link (valid 24 hours): ${setupUrl}`);
    } else if (env.DEMO) {
      const logins = DEMO_LOGINS.map((l) => `  ${l.email.padEnd(30)} ${l.role} — ${l.where}`);
      log().info(
        { demoApiKeys: { riverside: DEMO_API_KEYS.riverside, lakeside: DEMO_API_KEYS.lakeside, pacific: DEMO_API_KEYS.pharmacy('pacific') } },
        [`demo logins (password "${DEMO_PASSWORD}"):`, ...logins].join('\n'),
      );
    }
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    jobsShuttingDown();
    log().info({ signal, inFlight: ops.requestsInFlight() }, 'shutting down: no new connections, finishing requests in flight');
    // Stop accepting; idle keep-alive connections close now, busy ones when their answer is sent.
    server.close();
    server.closeIdleConnections();
    const finished = await ops.drained(env.SHUTDOWN_GRACE_SECONDS * 1000);
    if (!finished) log().warn({ inFlight: ops.requestsInFlight() }, 'requests still in flight after the grace period: closing them');
    server.closeAllConnections();
    try {
      // graphile-worker's stop lets running jobs finish before it resolves.
      await worker?.stop();
      await booted.stop();
    } finally {
      process.exit(0);
    }
  };
  onStopSignal((signal) => void shutdown(signal));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) log().fatal({ issues: error.issues }, error.message);
  else log().fatal({ err: error }, 'vialcart failed to start');
  process.exit(1);
});
