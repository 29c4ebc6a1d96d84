import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { DEMO_API_KEYS, DEMO_LOGINS, DEMO_PASSWORD } from '../../db/seed';
import { EnvError } from '../env.server';
import { jobsShuttingDown, startWorker } from '../services/platform/jobs.server';
import { registerAllTasks } from '../services/platform/tasks.server';
import { bootDataLayer } from './boot.server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main() {
  const booted = await bootDataLayer();
  const { env } = booted;
  // The job worker runs in this process unless JOBS=0 (then `npm run worker` runs it).
  registerAllTasks();
  const worker = env.JOBS ? await startWorker() : undefined;
  const build = (await import(pathToFileURL(path.join(root, 'build/index.js')).href)) as ServerBuild;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  app.use(compression());
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }));
  app.all('*', createRequestHandler({ build, mode: env.NODE_ENV }));

  const server = app.listen(env.PORT, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const url = env.APP_URL.replace(/:\d+$/, `:${port}`);
    const lines = [
      '',
      `vialcart is running at ${url}`,
      booted.embedded ? `  database: embedded PostgreSQL on 127.0.0.1:${booted.embedded.port} (data in ${env.DATA_DIR})` : '  database: DATABASE_URL',
    ];
    if (env.NODE_ENV !== 'production' || env.DEMO) {
      lines.push(`  demo logins (password "${DEMO_PASSWORD}"):`);
      for (const l of DEMO_LOGINS) lines.push(`    ${l.email.padEnd(30)} ${l.role} — ${l.where}`);
      lines.push(`  demo API keys: clinic ${DEMO_API_KEYS.riverside}, ${DEMO_API_KEYS.lakeside}; pharmacy ${DEMO_API_KEYS.pharmacy('pacific')}`);
    }
    console.log(lines.join('\n'));
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    jobsShuttingDown();
    console.log(`\n${signal}: shutting down…`);
    server.close();
    server.closeAllConnections?.();
    try {
      await worker?.stop();
      await booted.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) {
    console.error(error.message);
  } else {
    console.error('vialcart failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
