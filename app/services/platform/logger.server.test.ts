import { afterAll, describe, expect, it } from 'vitest';
import { installTestLogger } from '../../../test/support/logs';
import { parseEnv, parseLogEnv } from '../../env.server';
import { configureLogger, log, pathForLog, withLogger } from './logger.server';

const lines: Record<string, unknown>[] = [];
const sink = { write: (line: string) => void lines.push(JSON.parse(line)) };
afterAll(() => installTestLogger());

describe('the logger', () => {
  it('answers the scoped logger inside withLogger, through awaits and timers, and the root outside', async () => {
    const root = configureLogger({ level: 'info', destination: sink });
    lines.length = 0;
    await withLogger(root.child({ reqId: 'r-1' }), async () => {
      log().info('before await');
      await new Promise((resolve) => setTimeout(resolve, 1));
      await Promise.all([1, 2].map(async (n) => log().info({ n }, 'in parallel')));
    });
    log().info('outside');
    expect(lines.map((l) => [l.msg, l.reqId])).toEqual([
      ['before await', 'r-1'],
      ['in parallel', 'r-1'],
      ['in parallel', 'r-1'],
      ['outside', undefined],
    ]);
  });

  it('writes JSON lines with a level name and ISO time, and redacts secrets by key', () => {
    configureLogger({ level: 'info', destination: sink });
    lines.length = 0;
    log().debug('below the level');
    log().info({ password: 'hunter2', headers: { cookie: 'session=abc', accept: 'text/html' }, apiKey: 'k' }, 'signed in');
    log().error({ err: new Error('boom') }, 'failed');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'signed in', password: '[redacted]', headers: { cookie: '[redacted]', accept: 'text/html' }, apiKey: '[redacted]' }),
      expect.objectContaining({ level: 'error', msg: 'failed', err: expect.objectContaining({ type: 'Error', message: 'boom', stack: expect.stringContaining('Error: boom') }) }),
    ]);
    expect(lines[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(JSON.stringify(lines)).not.toMatch(/hunter2|session=abc/);
  });

  it('masks a provider key quoted in an error or a field, whatever the field is called', () => {
    configureLogger({ level: 'info', destination: sink });
    lines.length = 0;
    const refused = Object.assign(new Error('Invalid API Key provided: sk_test_abc123'), { detail: { message: 'Invalid API Key provided: sk_test_abc123' } });
    log().warn({ err: refused, note: 'retrying with whsec_zzz' }, 'stripe refused');
    expect(JSON.stringify(lines)).not.toMatch(/sk_test_abc123|whsec_zzz/);
    expect(lines[0]).toMatchObject({ note: 'retrying with [redacted]', err: { message: 'Invalid API Key provided: [redacted]', detail: { message: 'Invalid API Key provided: [redacted]' } } });
  });

  it('logs paths without query strings or owner-link tokens', () => {
    expect(pathForLog('/orders/1?token=abc')).toBe('/orders/1');
    expect(pathForLog('http://localhost:3000/o/track/tok_123/x?y=1')).toBe('/o/track/[token]/x');
    expect(pathForLog('/invite/abc.def?x=1')).toBe('/invite/[token]');
    expect(pathForLog('/reset-password/abc.def')).toBe('/reset-password/[token]');
    expect(pathForLog('/o/unsubscribe/tok_456')).toBe('/o/unsubscribe/[token]');
    expect(pathForLog(undefined)).toBe('/');
  });

  it('takes LOG_LEVEL and LOG_FORMAT from the environment, naming a bad one', () => {
    expect(parseLogEnv({ LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'pretty', NODE_ENV: 'production' })).toEqual({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', NODE_ENV: 'production' });
    expect(parseLogEnv({ LOG_LEVEL: '', LOG_FORMAT: '' })).toEqual({ NODE_ENV: 'production' });
    expect(parseLogEnv({ LOG_LEVEL: 'loud', NODE_ENV: 'production' })).toEqual({ NODE_ENV: 'production' });
    expect(() => parseEnv({ LOG_LEVEL: 'loud', SESSION_SECRET: 'x'.repeat(32) })).toThrow(/LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
    expect(() => parseEnv({ LOG_FORMAT: 'xml', SESSION_SECRET: 'x'.repeat(32) })).toThrow(/LOG_FORMAT: must be json or pretty/);
  });
});
