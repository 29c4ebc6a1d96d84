import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLogFields, configureLogger, log } from '../services/platform/logger.server';
import { installTestLogger } from '../../test/support/logs';
import { requestId, requestLogging } from './request-log';

const lines: Record<string, unknown>[] = [];
let server: ReturnType<ReturnType<typeof express>['listen']>;
let base = '';

beforeAll(async () => {
  configureLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const app = express();
  app.use(requestLogging());
  app.get('/work', async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    log().info({ step: 'inside' }, 'doing the work');
    res.status(201).send('ok');
  });
  app.get('/clinic-page', (_req, res) => {
    log().info('before the user is known');
    addLogFields({ clinicId: 'clinic-1', userId: 'user-1' });
    log().info('after');
    res.send('ok');
  });
  app.get('/o/track/:token', (_req, res) => void res.send('tracked'));
  app.get('/boom', () => {
    throw new Error('kaboom');
  });
  server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  installTestLogger();
});

const linesOf = (reqId: string) => lines.filter((l) => l.reqId === reqId);

describe('request logging', () => {
  it('gives each request an id, echoes it, and puts it on every line logged while serving it', async () => {
    const res = await fetch(`${base}/work?secret=1`);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => linesOf(id).length).toBe(2);
    const [inside, done] = linesOf(id);
    expect(inside).toMatchObject({ level: 'info', msg: 'doing the work', step: 'inside', reqId: id });
    expect(done).toMatchObject({ level: 'info', msg: 'request completed', method: 'GET', path: '/work', status: 201, reqId: id });
    expect(done!.durationMs).toEqual(expect.any(Number));
    expect(JSON.stringify(lines)).not.toContain('secret=1');
  });

  it('keeps a safe incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/work`, { headers: { 'X-Request-Id': 'lb-7f3a.42:1' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42:1');
    await expect.poll(() => linesOf('lb-7f3a.42:1').length).toBe(2);
    const replaced = await fetch(`${base}/work`, { headers: { 'X-Request-Id': 'evil"} {"level":"fatal' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId('x'.repeat(129))).not.toBe('x'.repeat(129));
    expect(requestId(['first', 'second'])).toBe('first');
  });

  it('puts fields added while serving (the clinic, the user) on the later lines and the completion line', async () => {
    const res = await fetch(`${base}/clinic-page`);
    const id = res.headers.get('x-request-id')!;
    await expect.poll(() => linesOf(id).length).toBe(3);
    const [before, after, done] = linesOf(id);
    expect(before).not.toHaveProperty('clinicId');
    expect(after).toMatchObject({ msg: 'after', clinicId: 'clinic-1', userId: 'user-1' });
    expect(done).toMatchObject({ msg: 'request completed', clinicId: 'clinic-1', userId: 'user-1', status: 200 });
    // The next request starts without them.
    const next = await fetch(`${base}/work`);
    await expect.poll(() => linesOf(next.headers.get('x-request-id')!).length).toBe(2);
    expect(linesOf(next.headers.get('x-request-id')!).some((l) => 'clinicId' in l)).toBe(false);
  });

  it('logs a failed request as an error with its status, and masks link tokens in paths', async () => {
    const failed = await fetch(`${base}/boom`);
    expect(failed.status).toBe(500);
    const id = failed.headers.get('x-request-id')!;
    await expect.poll(() => linesOf(id).length).toBe(1);
    expect(linesOf(id)[0]).toMatchObject({ level: 'error', msg: 'request failed', status: 500, path: '/boom' });
    const tracked = await fetch(`${base}/o/track/abc123secret`);
    await expect.poll(() => linesOf(tracked.headers.get('x-request-id')!).length).toBe(1);
    expect(linesOf(tracked.headers.get('x-request-id')!)[0]).toMatchObject({ path: '/o/track/[token]' });
    expect(JSON.stringify(lines)).not.toContain('abc123secret');
  });
});
