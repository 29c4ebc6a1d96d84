import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../db/embedded';

// `npm start` on embedded defaults, as a person runs it: two instances with their own DATA_DIR
// side by side, each serving its own data, each stopping cleanly (its PostgreSQL too) on a signal.
async function startInstance(dataDir: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${out}`)), 60_000);
    child.stdout.on('data', () => {
      if (out.includes('vialcart is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return { child, port, output: () => out };
}

function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start on embedded defaults', () => {
  it('runs two instances side by side and stops each cleanly on SIGINT/SIGTERM', async () => {
    const dirs = [mkdtempSync(path.join(os.tmpdir(), 'vialcart-a-')), mkdtempSync(path.join(os.tmpdir(), 'vialcart-b-'))];
    try {
      const [a, b] = await Promise.all(dirs.map((d) => startInstance(d)));
      for (const inst of [a!, b!]) {
        const health = await fetch(`http://127.0.0.1:${inst.port}/healthz`);
        expect(await health.json()).toMatchObject({ ok: true, database: 'up' });
        expect(inst.output()).toContain('tech@riverside.example');
      }
      const pids = dirs.map(postmasterPid);
      expect(pids.every((p) => p !== null && alive(p))).toBe(true);
      expect(pids[0]).not.toBe(pids[1]);

      const exits = [a!, b!].map((inst) => new Promise<number | null>((resolve) => inst.child.on('exit', (code) => resolve(code))));
      a!.child.kill('SIGINT');
      b!.child.kill('SIGTERM');
      expect(await Promise.all(exits)).toEqual([0, 0]);
      for (const inst of [a!, b!]) {
        expect(inst.output()).not.toMatch(/Unhandled|throw er|\[jobs\]/);
      }
      await expect.poll(() => pids.map((p) => alive(p!)), { timeout: 10_000 }).toEqual([false, false]);
    } finally {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
    // Two cold boots (PostgreSQL, migrations, demo seed) and two clean stops: about 50 s on a busy 2-core machine.
  }, 150_000);
});
