import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_PASSWORD } from '../../db/seed';
import * as refillForm from '../../app/routes/c.$clinicSlug.refill';
import { authenticate, LOGIN_BACKOFF } from '../../app/services/identity/auth.server';
import { DomainError } from '../../app/services/platform/errors';
import { sessionKey, sessionStorage } from '../../app/services/identity/sessions.server';
import { call, request, signIn } from '../support/requests';

// Sign-in back-off and what is kept about a client's address (docs/security.md).

const refused = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof DomainError ? e.code : 'other'),
  );

describe('sign-in back-off', () => {
  it('never counts a correct sign-in: 30 from one address in a minute all succeed', async () => {
    const people = ['tech@riverside.example', 'vet@riverside.example', 'manager@riverside.example', 'frontdesk@riverside.example'];
    for (let i = 0; i < 30; i++) {
      const user = await authenticate(people[i % people.length]!, DEMO_PASSWORD, '203.0.113.30');
      expect(user.email).toBe(people[i % people.length]);
    }
  });

  it('delays an account after its free failures and lets the right password in once the wait is over', async () => {
    for (let i = 0; i < LOGIN_BACKOFF.account.freeFailures; i++) expect(await refused(authenticate('vet@riverside.example', `nope-${i}`, `203.0.113.${i}`))).toBe('unauthorized');
    expect(await refused(authenticate('vet@riverside.example', DEMO_PASSWORD, '203.0.113.99'))).toBe('rate_limited');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await refused(authenticate('vet@riverside.example', DEMO_PASSWORD, '203.0.113.99'))).toBe('ok');
  });

  it('delays an address after its free failures, whichever accounts it tries', async () => {
    for (let i = 0; i < LOGIN_BACKOFF.address.freeFailures; i++) expect(await refused(authenticate(`nobody-${i}@example.com`, 'x', '203.0.113.200'))).toBe('unauthorized');
    expect(await refused(authenticate('frontdesk@riverside.example', DEMO_PASSWORD, '203.0.113.200'))).toBe('rate_limited');
    // Another address is not held up.
    expect(await refused(authenticate('frontdesk@riverside.example', DEMO_PASSWORD, '203.0.113.201'))).toBe('ok');
  });

  it('takes about as long for an unknown email as for a wrong password (a dummy hash is checked)', async () => {
    const time = async (email: string, address: string) => {
      const started = performance.now();
      await refused(authenticate(email, 'wrong-password', address));
      return performance.now() - started;
    };
    await time('ghost-warm@example.com', '203.0.113.150');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time('manager@lakeside.example', `203.0.113.${160 + i}`));
      unknown.push(await time(`ghost-${i}@example.com`, `203.0.113.${170 + i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(unknown)).toBeGreaterThan(median(known) / 3);
    expect(median(unknown)).toBeLessThan(median(known) * 3);
  });

  it('keeps no client address in the clear: rate-limit buckets hold a keyed hash', async () => {
    await refused(authenticate('ghost-addr@example.com', 'x', '198.51.100.77'));
    const buckets = await getDb().selectFrom('rateLimits').select('bucket').execute();
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.filter((b) => b.bucket.includes('198.51.100.77') || b.bucket.includes('203.0.113.'))).toEqual([]);
  });
});

describe('the public refill form', () => {
  it("does not store the submitter's address with the request", async () => {
    const res = await call(
      refillForm.action,
      request('/c/riverside/refill', { method: 'POST', form: { website: '', urgency: 'routine', ownerName: 'Ada Owner', patientName: 'Pip', medication: 'methimazole', ownerPhone: '9165553131' }, headers: { 'X-Forwarded-For': '192.0.2.77' } }),
      { clinicSlug: 'riverside' },
    );
    expect(res.status).toBe(302);
    const row = await getDb().selectFrom('refillRequests').select('raw').where('ownerName', '=', 'Ada Owner').executeTakeFirstOrThrow();
    expect(JSON.stringify(row.raw)).not.toContain('192.0.2.77');
    const buckets = await getDb().selectFrom('rateLimits').select('bucket').where('bucket', 'like', 'refill-form:ip:%').execute();
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.some((b) => b.bucket.includes('192.0.2.77'))).toBe(false);
  });
});

describe('sessions at rest', () => {
  it('stores a session under the SHA-256 of its cookie id, never the id itself', async () => {
    const cookie = await signIn('tech@riverside.example');
    const session = await sessionStorage().getSession(cookie);
    expect(session.id).toMatch(/^[\w-]{20,}$/);
    expect(await getDb().selectFrom('sessions').select('id').where('id', '=', session.id).executeTakeFirst()).toBeUndefined();
    const row = await getDb().selectFrom('sessions').select('userId').where('id', '=', sessionKey(session.id)).executeTakeFirstOrThrow();
    expect(row.userId).toBe(session.get('userId'));
  });
});
