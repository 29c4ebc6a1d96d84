import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../app/env.server';

const DB = 'postgres://u:p@db:5432/v';

describe('environment', () => {
  it('names the bad variable', () => {
    expect(() => parseEnv({ PORT: 'abc', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB })).toThrow(EnvError);
    try {
      parseEnv({ PORT: 'abc', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB });
    } catch (error) {
      expect((error as EnvError).issues.map((i) => i.variable)).toEqual(['PORT']);
      expect((error as Error).message).toMatch(/PORT/);
    }
    expect(() => parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(() => parseEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) })).toThrow(/DATABASE_URL: is required in production/);
    // NODE_ENV unset is production.
    expect(() => parseEnv({ SESSION_SECRET: 'x'.repeat(32) })).toThrow(/DATABASE_URL: is required in production/);
    expect(parseEnv({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://u:p@db:5432/v' }).DATABASE_URL).toBe('postgres://u:p@db:5432/v');
    expect(() => parseEnv({ STRIPE_SECRET_KEY: 'sk_test_1', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => parseEnv({ STRIPE_API_BASE: 'ftp://stripe.local', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB })).toThrow(/STRIPE_API_BASE: must be an http\(s\) origin/);
    expect(() => parseEnv({ STRIPE_API_BASE: 'http://127.0.0.1:12111/v1', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB })).toThrow(/STRIPE_API_BASE/);
  });

  it('takes STRIPE_API_BASE as an optional origin', () => {
    expect(parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB }).STRIPE_API_BASE).toBeUndefined();
    expect(parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB, STRIPE_API_BASE: '' }).STRIPE_API_BASE).toBeUndefined();
    expect(parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).STRIPE_API_BASE).toBe('http://127.0.0.1:12111');
  });

  it('applies the documented defaults', () => {
    const env = parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB });
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./.data');
    expect(parseEnv({ SESSION_SECRET: 'x'.repeat(32), NODE_ENV: 'development' }).DATABASE_URL).toBeUndefined();
    expect(env.APP_URL).toBe('http://localhost:3000');
    // Production unless development is asked for (docs/security.md): no demo by default then.
    expect(env.NODE_ENV).toBe('production');
    expect(env.DEMO).toBe(false);
    expect(() => parseEnv({})).toThrow(/SESSION_SECRET: is required in production/);
    expect(parseEnv({ SESSION_SECRET: 'x'.repeat(32), NODE_ENV: 'development' }).DEMO).toBe(true);
    expect(env.TRUST_PROXY).toBe(0);
    expect(env.MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(() => parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB, TRUST_PROXY: 'all' })).toThrow(/TRUST_PROXY/);
    expect(parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB, DEMO: '0' }).DEMO).toBe(false);
    const production = { SESSION_SECRET: 'x'.repeat(32), NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/v' };
    expect(parseEnv(production).DEMO).toBe(false);
    expect(parseEnv({ ...production, DEMO: '1' }).DEMO).toBe(true);
    expect(() => parseEnv({ SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: DB, DEMO: 'yes' })).toThrow(/DEMO: must be 1 or 0/);
  });

  it('stops the boot with PORT named when PORT=abc', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
      env: { ...process.env, PORT: 'abc', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/PORT: /);
    expect(run.stdout).not.toMatch(/running at/);
  }, 35_000); // a cold tsx boot takes seconds when the machine is busy
});
