import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, parseEnv } from '../../app/env.server';

// The machines that run the tests have no Docker: these checks read the container files the
// way Docker would and hold them to what the code offers (scripts, variables, endpoints).

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

type Service = {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  deploy?: { replicas?: number };
  depends_on?: { postgres?: { condition: string }; migrate?: { condition: string } };
  healthcheck?: { test: string[] };
};
const compose = parse(readFileSync(path.join(root, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<ServiceName, Service> };
type ServiceName = 'postgres' | 'migrate' | 'app' | 'worker';

/** `npm run X` (or `npm start`) inside a command, as script names. */
function npmScripts(command: string): string[] {
  return [...command.matchAll(/npm(?:"\s*,\s*"|\s+)(?:run(?:"\s*,\s*"|\s+)([\w:-]+)|(start|test))/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** A compose value with `${NAME:-default}` / `${NAME:?message}` resolved to something a shell would give. */
function resolve(value: string | number): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    if (name === 'SESSION_SECRET') return 's'.repeat(32);
    return kind === '-' ? (rest ?? '') : '';
  });
}

describe('Dockerfile', () => {
  it('runs only scripts package.json has', () => {
    const scripts = npmScripts(dockerfile);
    expect(scripts).toEqual(expect.arrayContaining(['build', 'serve']));
    for (const script of scripts) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
  });

  it('copies only what the repository holds and starts as an unprivileged app process', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(?:--chown=\S+ )?(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(/\s+/));
    expect(copies.length).toBeGreaterThan(4);
    for (const source of copies) expect(existsSync(path.join(root, source)), source).toBe(true);
    // Every top-level folder the server imports from is in the image.
    for (const folder of ['app', 'db', 'validators', 'pharmacies']) expect(copies).toContain(folder);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^FROM node:20\b/m);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/JOBS=0/);
  });

  it('leaves local state and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.data', '.git', '.env']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const { services } = compose;

  it('runs two app processes and two workers on one PostgreSQL, migrated once first', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'migrate', 'postgres', 'worker']);
    expect(services.app.deploy?.replicas).toBe(2);
    expect(services.worker.deploy?.replicas).toBe(2);
    expect(services.postgres.image).toMatch(/^postgres:\d+/);
    expect(services.migrate.depends_on?.postgres?.condition).toBe('service_healthy');
    for (const name of ['app', 'worker'] as const) expect(services[name].depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(String(services.app.environment?.JOBS)).toBe('0');
  });

  it('runs only scripts package.json has, and checks readiness on /readyz', () => {
    const expected = { migrate: 'db:migrate', app: 'serve', worker: 'worker' } as const;
    for (const [name, script] of Object.entries(expected) as [keyof typeof expected, string][]) {
      const found = npmScripts(JSON.stringify(services[name].command));
      expect(found).toEqual([script]);
      expect(pkg.scripts).toHaveProperty(script);
    }
    expect(services.app.healthcheck?.test.join(' ')).toMatch(/\/readyz/);
  });

  it('sets only variables vialcart reads, and each service’s environment passes the env check', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const postgres = services.postgres.environment ?? {};
    for (const name of ['migrate', 'app', 'worker'] as const) {
      const environment = services[name].environment ?? {};
      for (const variable of Object.keys(environment)) expect(known.has(variable), `${name}: ${variable}`).toBe(true);
      const env = parseEnv(Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, resolve(v)])));
      expect(env.NODE_ENV).toBe('production');
      // The database URL names the compose PostgreSQL with the credentials it is created with.
      const url = new URL(env.DATABASE_URL ?? '');
      expect(url.hostname).toBe('postgres');
      expect(decodeURIComponent(url.username)).toBe(postgres.POSTGRES_USER);
      expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${postgres.POSTGRES_DB}`);
      expect(env.DEMO).toBe(false);
    }
  });
});
