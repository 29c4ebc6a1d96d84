import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();
const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const logVariables = {
  /** Production unless asked: only `development` shows error details (docs/security.md). */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** The least severe level written (default info). */
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).optional())
    .optional(),
  /** json: one JSON object a line; pretty: coloured lines for a person. Default: pretty in development on a terminal. */
  LOG_FORMAT: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional())
    .optional(),
};
const logEnvSchema = z.object(logVariables);
export type LogEnv = z.output<typeof logEnvSchema>;

/**
 * The logging variables alone, for the logger: read without the rest of the environment (and
 * without its side effects), so a process logs even while reporting a bad variable.
 */
export function parseLogEnv(source: Record<string, string | undefined> = process.env): LogEnv {
  const result = logEnvSchema.safeParse(source);
  if (result.success) return result.data;
  // A bad logging variable is reported by `parseEnv` at boot; until then, log with the defaults.
  return { NODE_ENV: logVariables.NODE_ENV.catch('production').parse(source.NODE_ENV) };
}

/** Every variable vialcart reads, with its default. `.env.example` lists the same names. */
export const envSchema = z.object({
  ...logVariables,
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().trim().min(1).default('./.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SESSION_SECRET: optionalSecret.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  APP_URL: optionalUrl,
  STRIPE_SECRET_KEY: optionalSecret,
  STRIPE_WEBHOOK_SECRET: optionalSecret,
  /** Where the Stripe SDK sends its requests, e.g. http://127.0.0.1:12111 for a local Stripe stand-in; default Stripe's own API. */
  STRIPE_API_BASE: optionalUrl.pipe(
    z
      .string()
      .refine((v) => /^https?:$/.test(new URL(v).protocol) && new URL(v).pathname.replace(/\/$/, '') === '', 'must be an http(s) origin such as http://127.0.0.1:12111 (no path)')
      .optional(),
  ),
  SMTP_URL: optionalUrl,
  /** Key sealing clinics' stored credentials (Twilio tokens); default: derived from SESSION_SECRET. */
  SECRETS_KEY: optionalSecret.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Platform-wide Twilio account, used by clinics without their own (docs/sms.md). */
  TWILIO_ACCOUNT_SID: optionalSecret.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID (AC + 32 hex digits)').optional()),
  TWILIO_AUTH_TOKEN: optionalSecret,
  TWILIO_API_KEY_SID: optionalSecret.pipe(z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'must be an API key SID (SK + 32 hex digits)').optional()),
  TWILIO_API_KEY_SECRET: optionalSecret,
  TWILIO_MESSAGING_SERVICE_SID: optionalSecret.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Messaging Service SID (MG + 32 hex digits)').optional()),
  TWILIO_FROM_NUMBER: optionalSecret.pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, like +19165550100').optional()),
  /** Where the Twilio client sends REST requests (default Twilio's own); a local stand-in in tests and demos. */
  TWILIO_API_BASE_URL: optionalUrl,
  /** Seed the demo data into an empty database: default yes outside production, no in production. */
  DEMO: z
    .enum(['0', '1', 'true', 'false', ''], { error: 'must be 1 or 0' })
    .optional()
    .transform((v) => (v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : undefined)),
  JOBS: z
    .enum(['0', '1', 'true', 'false', ''])
    .optional()
    .transform((v) => v !== '0' && v !== 'false'),
  /** Jobs one worker process runs at once (`npm run worker`; the in-process worker of `npm start` too). */
  WORKER_CONCURRENCY: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64').default(4),
  /** Bearer token a Prometheus scraper sends to GET /metrics; unset: /metrics answers 404. */
  METRICS_TOKEN: optionalSecret.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Seconds a stopping process waits for requests in flight before it closes them (default 10). */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(0).max(600).default(10),
  /**
   * Proxies in front of the app whose `X-Forwarded-For` hop is trusted (default 0: the client's
   * address is the socket's). Rate limits key on the address this gives (docs/security.md).
   */
  TRUST_PROXY: z.coerce.number({ error: 'must be a number of proxy hops' }).int('must be a whole number').min(0, 'must be 0 or more').max(10, 'must be at most 10').default(0),
  /** Largest request body any route reads, in bytes (default 1 MB; the catalog CSV upload takes 20 MB). */
  MAX_BODY_BYTES: z.coerce.number({ error: 'must be a number of bytes' }).int('must be a whole number').min(1024, 'must be at least 1024').max(100 * 1024 * 1024, 'must be at most 100 MB').default(1024 * 1024),
});

export type Env = Omit<z.output<typeof envSchema>, 'DEMO'> & { SESSION_SECRET: string; APP_URL: string; DEMO: boolean };

/** Raised at boot when a variable is wrong; the message names each bad variable. */
export class EnvError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid environment:\n' + issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n'),
    );
    this.name = 'EnvError';
  }
}

/** Parses an environment (process.env by default); throws EnvError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: issue.message,
      })),
    );
  }
  const env = result.data;
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    throw new EnvError([{ variable: 'SESSION_SECRET', message: 'is required in production' }]);
  }
  if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
    // The embedded PostgreSQL is a developer's convenience: production names its database.
    throw new EnvError([{ variable: 'DATABASE_URL', message: 'is required in production (the embedded PostgreSQL is for development)' }]);
  }
  if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
    throw new EnvError([
      { variable: 'STRIPE_WEBHOOK_SECRET', message: 'is required when STRIPE_SECRET_KEY is set' },
    ]);
  }
  if (env.TWILIO_ACCOUNT_SID && !env.TWILIO_AUTH_TOKEN) {
    throw new EnvError([{ variable: 'TWILIO_AUTH_TOKEN', message: 'is required when TWILIO_ACCOUNT_SID is set (Twilio signs its webhooks with it)' }]);
  }
  if (!!env.TWILIO_API_KEY_SID !== !!env.TWILIO_API_KEY_SECRET) {
    throw new EnvError([{ variable: env.TWILIO_API_KEY_SID ? 'TWILIO_API_KEY_SECRET' : 'TWILIO_API_KEY_SID', message: 'an API key needs both its SID and its secret' }]);
  }
  return {
    ...env,
    SESSION_SECRET: env.SESSION_SECRET ?? devSessionSecret(env.DATA_DIR),
    APP_URL: env.APP_URL ?? `http://localhost:${env.PORT}`,
    DEMO: env.DEMO ?? env.NODE_ENV !== 'production',
  };
}

// Outside production the secret is generated once and kept in DATA_DIR, so sessions
// survive restarts without anyone having to invent a secret.
function devSessionSecret(dataDir: string): string {
  const file = path.resolve(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

const ENV_KEY = Symbol.for('vialcart.env');
type WithEnv = typeof globalThis & { [ENV_KEY]?: Env };

/** The parsed environment of this process, parsed once. */
export function getEnv(): Env {
  const g = globalThis as WithEnv;
  g[ENV_KEY] ??= parseEnv();
  return g[ENV_KEY];
}

/** Forgets the parsed environment (tests that change process.env). */
export function resetEnv(): void {
  delete (globalThis as WithEnv)[ENV_KEY];
}
