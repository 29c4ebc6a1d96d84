/**
 * The one logger (pino; docs/decisions/008-logging-with-pino.md). Every line is one JSON object
 * in production; on a developer's terminal it is pretty-printed. Code logs through `log()`, which
 * answers the logger of what is running now: inside a request it carries the request id, inside a
 * job the job id, task and attempt, so no caller passes ids around.
 *
 *   log().info({ importId }, 'catalog import started');
 *   log().warn({ err }, 'could not pick up the file');
 *
 * Settings (env module): LOG_LEVEL (default info), LOG_FORMAT json | pretty (default pretty when
 * NODE_ENV=development and stdout is a terminal, else json). Tests configure it themselves
 * (`configureLogger`, see test/support/logs.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';
import { parseLogEnv } from '../../env.server';
import { scrubSecrets } from './secrets';

export type { Logger } from 'pino';
export type LogLevel = Level | 'silent';

/** What runs now (a request, a job): its logger and the fields added to it along the way. */
type Scope = { logger: Logger; fields: Record<string, unknown> };
type LoggerState = { root: Logger; scope: AsyncLocalStorage<Scope> };

// One state per process: the server entry (tsx) and the Remix build each load this module, and
// both must log through the same logger and see the same request scope.
const STATE_KEY = Symbol.for('vialcart.logger');
type WithLogger = typeof globalThis & { [STATE_KEY]?: LoggerState };

function state(): LoggerState {
  const g = globalThis as WithLogger;
  g[STATE_KEY] ??= { root: createLogger(), scope: new AsyncLocalStorage<Scope>() };
  return g[STATE_KEY];
}

/** The logger for what runs now: the request's or the job's, else the process's. */
export function log(): Logger {
  const { root, scope } = state();
  return scope.getStore()?.logger ?? root;
}

/** Runs `fn` (and everything it starts) with `logger` as what `log()` answers. */
export function withLogger<T>(logger: Logger, fn: () => T): T {
  return state().scope.run({ logger, fields: {} }, fn);
}

/**
 * Adds fields to every later line of what runs now (e.g. the clinic once the user is known);
 * the request's completion line carries them too. Outside a request or job it does nothing.
 */
export function addLogFields(fields: Record<string, unknown>): void {
  const current = state().scope.getStore();
  if (!current) return;
  Object.assign(current.fields, fields);
  current.logger = current.logger.child(fields);
}

/** The fields added so far to what runs now (see `addLogFields`). */
export function logFields(): Record<string, unknown> | undefined {
  return state().scope.getStore()?.fields;
}

/** A URL's path as logged: no query string (it may hold tokens), and secret link tokens masked. */
export function pathForLog(url: string | undefined): string {
  const path = (url ?? '/').replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0]! || '/';
  // Links that carry a secret (owner links, invitations, password resets) never reach the log.
  return path.replace(/^\/o\/(track|unsubscribe)\/[^/]+/, '/o/$1/[token]').replace(/^\/(invite|reset-password)\/[^/]+/, '/$1/[token]');
}

/** Options of a logger; unset ones come from the environment. */
export type LoggerOptions = {
  level?: LogLevel;
  /** Where lines go (default stdout). */
  destination?: DestinationStream;
  pretty?: boolean;
};

function serializeError(error: unknown) {
  return scrubSecrets(stdSerializers.err(error as Error));
}

/** Builds a logger; `configureLogger` makes one the process's. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = parseLogEnv();
  const level = options.level ?? env.LOG_LEVEL ?? 'info';
  const base = {
    level,
    // No pid/hostname: the platform running the process adds where a line came from.
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }), log: (fields: Record<string, unknown>) => scrubSecrets(fields) },
    // An error may quote a secret (a provider echoing the key it refused): masked in any field.
    serializers: { err: serializeError, error: serializeError },
    // Secrets never reach a log line, whichever object carries them.
    redact: {
      paths: ['password', '*.password', 'authToken', '*.authToken', 'apiKeySecret', '*.apiKeySecret', 'headers.cookie', 'headers.authorization', '*.headers.cookie', '*.headers.authorization', 'apiKey', '*.apiKey'],
      censor: '[redacted]',
    },
  };
  if (options.destination) return pino(base, options.destination);
  const pretty = options.pretty ?? (env.LOG_FORMAT ? env.LOG_FORMAT === 'pretty' : env.NODE_ENV === 'development' && process.stdout.isTTY === true);
  const out = (pretty ? loadPretty(1) : undefined) ?? pino.destination({ dest: 1, sync: true });
  const err = (pretty ? loadPretty(2) : undefined) ?? pino.destination({ dest: 2, sync: true });
  // Errors and worse go to stderr, the rest to stdout (dedupe: each line is written once).
  return pino(base, pino.multistream([{ level: 'trace', stream: out }, { level: 'error', stream: err }], { dedupe: true }));
}

/** Replaces the process's logger (tests, command-line tools). */
export function configureLogger(options: LoggerOptions): Logger {
  const root = createLogger(options);
  const g = globalThis as WithLogger;
  g[STATE_KEY] = { root, scope: g[STATE_KEY]?.scope ?? new AsyncLocalStorage<Scope>() };
  return root;
}

// pino-pretty is a development dependency: production installs leave it out and log JSON.
function loadPretty(fd: 1 | 2): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
    return pretty({ destination: fd, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}
