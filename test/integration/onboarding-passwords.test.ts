import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_PASSWORD } from '../../db/seed';
import * as accountRoute from '../../app/routes/account';
import * as clinicLayout from '../../app/routes/_clinic';
import * as forgotRoute from '../../app/routes/forgot-password';
import * as loginRoute from '../../app/routes/login';
import * as mailboxRoute from '../../app/routes/_clinic.mailbox';
import * as resetRoute from '../../app/routes/reset-password.$token';
import { getUser } from '../../app/services/identity/auth.server';
import { RESET_REQUESTED_MESSAGE } from '../../app/services/identity/password-reset.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { withSmtpServer } from '../support/smtp';
import { call, request, signIn } from '../support/requests';

const smtp = withSmtpServer();
const STRONG = 'harbor violet quince 19';

beforeAll(() => registerAllTasks());
afterEach(() => setClock(undefined));

async function forgot(email: string, ip = '203.0.113.7') {
  const started = performance.now();
  const res = await call(forgotRoute.action, request('/forgot-password', { form: { email }, headers: { 'X-Forwarded-For': ip } }));
  return { status: res.status, body: await res.text(), ms: performance.now() - started };
}

/** The reset token of the latest email that reached the SMTP server for `email`. */
function resetTokenFor(email: string): string {
  const mail = [...smtp.received].reverse().find((m) => m.to.includes(email) && /reset-password/.test(m.text));
  const match = mail && /\/reset-password\/(\S+)/.exec(mail.text);
  if (!match) throw new Error(`no reset email to ${email}`);
  return match[1]!;
}

async function reset(token: string, password = STRONG) {
  return call(resetRoute.action, request(`/reset-password/${token}`, { form: { password, confirmPassword: password } }), { token });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('forgot password', () => {
  it('answers the same, in about the same time, whether or not the email has an account', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    const answers = new Set<string>();
    for (let i = 0; i < 12; i++) {
      // Fresh limits each round: this test measures the answer, not the limiter.
      await getDb().deleteFrom('rateLimits').where('bucket', 'like', 'reset:%').execute();
      const a = await forgot('tech@riverside.example', `198.51.100.${i}`);
      const b = await forgot(`nobody-${i}@nowhere.example`, `198.51.100.${i}`);
      expect([a.status, b.status]).toEqual([200, 200]);
      answers.add(a.body);
      answers.add(b.body.replace(/nobody-\d+@nowhere\.example/, 'x'));
      known.push(a.ms);
      unknown.push(b.ms);
    }
    expect([...answers]).toEqual([JSON.stringify({ sent: RESET_REQUESTED_MESSAGE })]);
    // The same work runs in both cases (limits counted, one job queued): the medians differ by
    // less than a few milliseconds, far below a database write or a password hash.
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(15);
    // Only the known address gets mail, once the job runs.
    await drainJobs();
    expect(smtp.received.filter((m) => m.to.some((t) => t.startsWith('nobody-')))).toEqual([]);
    expect(smtp.received.filter((m) => m.to.includes('tech@riverside.example')).length).toBeGreaterThan(0);
  });

  it('is rate-limited per email and per address, the same way for unknown emails', async () => {
    await getDb().deleteFrom('rateLimits').where('bucket', 'like', 'reset:%').execute();
    for (const email of ['vet@riverside.example', 'ghost@nowhere.example']) {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await forgot(email, `192.0.2.${i}`)).status);
      expect(statuses, email).toEqual([200, 200, 200, 429]);
    }
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await forgot(`ip-${i}@nowhere.example`, '192.0.2.200')).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('sends a signed single-use link for 30 minutes that sets the password and ends every other session', async () => {
    await getDb().deleteFrom('rateLimits').where('bucket', 'like', 'reset:%').execute();
    const other = await signIn('manager@riverside.example');
    await forgot('manager@riverside.example');
    await drainJobs();
    const token = resetTokenFor('manager@riverside.example');
    const row = await getDb().selectFrom('passwordResets as r').innerJoin('users as u', 'u.id', 'r.userId').select(['r.tokenHash', 'r.expiresAt', 'r.createdAt']).where('u.email', '=', 'manager@riverside.example').orderBy('r.createdAt', 'desc').executeTakeFirstOrThrow();
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(30 * 60_000);
    // Sent: the outbox no longer holds the link, sealed or not.
    const outbox = await getDb().selectFrom('notifications').select(['status', 'sealedLink', 'body']).where('template', '=', 'account.password_reset').where('toAddress', '=', 'manager@riverside.example').executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ status: 'sent', sealedLink: null });
    expect(outbox.body).not.toContain(token.split('.')[0]);

    expect(await (await call(resetRoute.loader, request(`/reset-password/${token}`), { token })).json()).toMatchObject({ email: 'manager@riverside.example' });
    const weak = await reset(token, 'manager12345');
    expect(weak.status).toBe(400);
    const done = await reset(token);
    expect(done.status).toBe(302);
    const fresh = done.headers.get('set-cookie')!.split(';')[0]!;
    expect(await getUser(request('/', { cookie: fresh }))).toMatchObject({ email: 'manager@riverside.example' });
    // The session opened before the reset is over; the old password no longer works.
    const stale = await call(clinicLayout.loader, request('/', { cookie: other }));
    expect(stale.status).toBe(302);
    await expect(signIn('manager@riverside.example', DEMO_PASSWORD)).rejects.toThrow();
    expect(await signIn('manager@riverside.example', STRONG)).toMatch(/^__vialcart=/);
    // Single use.
    const reused = await reset(token);
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { formError: string }).formError).toMatch(/already used/);
    expect((await call(resetRoute.loader, request(`/reset-password/${token}`), { token })).status).toBe(410);
  });

  it('refuses expired and tampered links', async () => {
    await getDb().deleteFrom('rateLimits').where('bucket', 'like', 'reset:%').execute();
    await forgot('frontdesk@riverside.example');
    await drainJobs();
    const token = resetTokenFor('frontdesk@riverside.example');
    const tampered = token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await call(resetRoute.loader, request(`/reset-password/${tampered}`), { token: tampered })).status).toBe(404);
    expect((await reset(tampered)).status).toBe(400);
    // A reset token is no invitation token, and the other way round.
    expect((await call(resetRoute.loader, request('/reset-password/x'), { token: 'x' })).status).toBe(404);
    setClock(manualClock(new Date(Date.now() + 31 * 60_000)));
    const expired = await reset(token);
    expect(((await expired.json()) as { formError: string }).formError).toMatch(/expired/);
    expect(await signIn('frontdesk@riverside.example', DEMO_PASSWORD)).toMatch(/^__vialcart=/);
  });

  it('never shows a reset link in the clinic mailbox, even to a manager', async () => {
    const manager = await signIn('manager@lakeside.example');
    await getDb().deleteFrom('rateLimits').where('bucket', 'like', 'reset:%').execute();
    await forgot('manager@lakeside.example');
    await drainJobs();
    const { messages } = (await (await call(mailboxRoute.loader, request('/mailbox', { cookie: manager }))).json()) as { messages: { template: string; body: string }[] };
    const mail = messages.find((m) => m.template === 'account.password_reset')!;
    expect(mail.body).toMatch(/link withheld/);
    expect(mail.body).not.toMatch(/reset-password\//);
  });
});

describe('the account page', () => {
  it('changes the password with the current one, keeping this session and ending the others', async () => {
    const here = await signIn('manager@lakeside.example');
    const elsewhere = await signIn('manager@lakeside.example');
    const page = await call(accountRoute.loader, request('/account', { cookie: here }));
    const { sessions } = (await page.json()) as { sessions: { current: boolean }[] };
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.length).toBeGreaterThanOrEqual(2);

    const wrong = await call(accountRoute.action, request('/account', { cookie: here, form: { intent: 'change_password', currentPassword: 'nope', password: STRONG + 'x', confirmPassword: STRONG + 'x' } }));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { fieldErrors: Record<string, string> }).fieldErrors.currentPassword).toMatch(/current password/);

    const ok = await call(accountRoute.action, request('/account', { cookie: here, form: { intent: 'change_password', currentPassword: DEMO_PASSWORD, password: 'saffron tundra beacon 88', confirmPassword: 'saffron tundra beacon 88' } }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { done: string }).done).toMatch(/Password changed\. Signed out of \d+ other sessions?\./);
    expect((await call(clinicLayout.loader, request('/', { cookie: here }))).status).toBe(200);
    expect((await call(clinicLayout.loader, request('/', { cookie: elsewhere }))).status).toBe(302);
    expect(await signIn('manager@lakeside.example', 'saffron tundra beacon 88')).toMatch(/^__vialcart=/);
  });

  it('signs out all other sessions on request', async () => {
    const a = await signIn('tech@riverside.example');
    const b = await signIn('tech@riverside.example');
    const res = await call(accountRoute.action, request('/account', { cookie: a, form: { intent: 'sign_out_others' } }));
    expect(((await res.json()) as { done: string }).done).toMatch(/Signed out of \d+ other session/);
    expect((await call(clinicLayout.loader, request('/', { cookie: a }))).status).toBe(200);
    expect((await call(clinicLayout.loader, request('/', { cookie: b }))).status).toBe(302);
    const user = (await getUser(request('/', { cookie: a })))!;
    expect(await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', user.userId).where('action', '=', 'user.signed_out_elsewhere').execute()).toHaveLength(1);
  });

  it('offers "Forgot password?" on the sign-in page and says why a person was sent there', async () => {
    const res = await call(loginRoute.loader, request('/login?reason=clinic_suspended'));
    expect(await res.json()).toMatchObject({ notice: expect.stringMatching(/suspended/) });
    expect(await (await call(loginRoute.loader, request('/login?reason=__proto__'))).json()).toMatchObject({ notice: null });
  });
});
