import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../db/embedded';

/** A running vialcart server process for browser tests. */
export type AppServer = { url: string; stop(): Promise<void>; output(): string };

/**
 * Starts the real server (the built Remix app, `npm start` without the build step) on a
 * free port against `databaseUrl`. Resolves once it prints its URL.
 */
export async function startAppServer(databaseUrl: string, env: Record<string, string | undefined> = {}): Promise<AppServer> {
  const port = await freePort();
  const root = path.resolve(import.meta.dirname, '../..');
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'production',
    DEMO: '1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'e2e-session-secret-0123456789abcdef',
    APP_URL: `http://localhost:${port}`,
    STRIPE_SECRET_KEY: '',
    STRIPE_WEBHOOK_SECRET: '',
    ...env,
  };
  // A variable given as undefined is left unset (e.g. NODE_ENV, to test the default mode).
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
    cwd: root,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}`)), 30_000);
    const check = () => {
      if (out.includes('vialcart is running at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url: `http://localhost:${port}`,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
