import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as clinicLayout from '../../app/routes/_clinic';
import * as mailboxRoute from '../../app/routes/_clinic.mailbox';
import * as staffRoute from '../../app/routes/_clinic.settings_.staff';
import * as inviteRoute from '../../app/routes/invite.$token';
import * as apiPatients from '../../app/routes/api.v1.patients';
import { createApiKey } from '../../app/services/identity/api-keys.server';
import { getUser } from '../../app/services/identity/auth.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { call, request, signIn } from '../support/requests';

const STRONG = 'juniper kettle mosaic 7';

afterEach(() => setClock(undefined));

async function staffAction(cookie: string, form: Record<string, string>) {
  const res = await call(staffRoute.action, request('/settings/staff', { cookie, form }));
  return { status: res.status, body: (await res.json()) as { done?: string; formError?: string; fieldErrors?: Record<string, string> } };
}

/** The invitation link of the latest account email to `email`, as the manager's mailbox shows it. */
async function invitationLink(cookie: string, email: string): Promise<string> {
  const res = await call(mailboxRoute.loader, request('/mailbox', { cookie }));
  const { messages } = (await res.json()) as { messages: { toAddress: string; template: string; body: string }[] };
  const mail = messages.find((m) => m.toAddress === email && m.template === 'account.invitation');
  const link = mail && /https?:\/\/\S+\/invite\/(\S+)/.exec(mail.body);
  if (!link) throw new Error(`no invitation to ${email} in the mailbox`);
  return link[1]!;
}

async function accept(token: string, form: Record<string, string> = {}) {
  return call(inviteRoute.action, request(`/invite/${token}`, { form: { name: 'Dr. Rosa Quill', password: STRONG, confirmPassword: STRONG, ...form } }), { token });
}

describe('staff by invitation', () => {
  it('invites a veterinarian: prescriber record at once, a signed single-use link that sets a password and signs them in', async () => {
    const manager = await signIn('manager@riverside.example');
    const invited = await staffAction(manager, { intent: 'invite', email: 'Rosa.Quill@Riverside.example', name: 'Rosa Quill', role: 'veterinarian' });
    expect(invited).toMatchObject({ status: 200, body: { done: expect.stringMatching(/72 hours/) } });

    const user = await getDb().selectFrom('users').selectAll().where('email', '=', 'rosa.quill@riverside.example').executeTakeFirstOrThrow();
    expect(user).toMatchObject({ active: false, passwordHash: null, role: 'veterinarian', clinicId: DEMO_IDS.riverside });
    const prescriber = await getDb().selectFrom('prescribers').select(['clinicId', 'name']).where('userId', '=', user.id).executeTakeFirstOrThrow();
    expect(prescriber).toEqual({ clinicId: DEMO_IDS.riverside, name: 'Rosa Quill' });

    // Only the hash of the token is stored; the outbox keeps the link sealed.
    const token = await invitationLink(manager, 'rosa.quill@riverside.example');
    const invitation = await getDb().selectFrom('invitations').selectAll().where('userId', '=', user.id).executeTakeFirstOrThrow();
    expect(invitation.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(invitation)).not.toContain(token.split('.')[0]);
    const outbox = await getDb().selectFrom('notifications').select(['body', 'sealedLink', 'audience']).where('userId', '=', user.id).executeTakeFirstOrThrow();
    expect(outbox.audience).toBe('staff');
    expect(`${outbox.body}${outbox.sealedLink}`).not.toContain(token.split('.')[0]);
    expect(invitation.expiresAt.getTime() - invitation.createdAt.getTime()).toBe(72 * 3600_000);

    const page = await call(inviteRoute.loader, request(`/invite/${token}`), { token });
    expect(await page.json()).toMatchObject({ invitation: { email: 'rosa.quill@riverside.example', role: 'veterinarian', organisation: 'Riverside Veterinary Hospital' } });

    const weak = await accept(token, { password: 'riverside2026', confirmPassword: 'riverside2026' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { fieldErrors: Record<string, string> }).fieldErrors.password).toBeTruthy();

    const done = await accept(token);
    expect(done.status).toBe(302);
    const cookie = done.headers.get('set-cookie')!.split(';')[0]!;
    expect(await getUser(request('/', { cookie }))).toMatchObject({ name: 'Dr. Rosa Quill', role: 'veterinarian', clinicId: DEMO_IDS.riverside });
    expect(await getDb().selectFrom('prescribers').select('name').where('userId', '=', user.id).executeTakeFirstOrThrow()).toEqual({ name: 'Dr. Rosa Quill' });

    // Single use: the link is spent.
    const reused = await accept(token);
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { formError: string }).formError).toMatch(/already used/);
    expect((await call(inviteRoute.loader, request(`/invite/${token}`), { token })).status).toBe(410);

    const actions = await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', user.id).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['user.invited', 'user.invitation_accepted']);
  });

  it('refuses expired, tampered and replaced links', async () => {
    const manager = await signIn('manager@riverside.example');
    await staffAction(manager, { intent: 'invite', email: 'tech.late@riverside.example', role: 'technician' });
    const first = await invitationLink(manager, 'tech.late@riverside.example');

    const tampered = `${first.slice(0, 5)}${first[5] === 'x' ? 'y' : 'x'}${first.slice(6)}`;
    expect((await call(inviteRoute.loader, request(`/invite/${tampered}`), { token: tampered })).status).toBe(404);
    expect((await accept(tampered)).status).toBe(400);
    expect((await accept('nonsense')).status).toBe(400);

    // A resend replaces the link: the first stops working, the new one works.
    const user = await getDb().selectFrom('users').select('id').where('email', '=', 'tech.late@riverside.example').executeTakeFirstOrThrow();
    expect((await staffAction(manager, { intent: 'resend', userId: user.id })).body.done).toMatch(/earlier link/);
    const second = await invitationLink(manager, 'tech.late@riverside.example');
    expect(second).not.toBe(first);
    const replaced = await accept(first);
    expect(((await replaced.json()) as { formError: string }).formError).toMatch(/replaced/);

    // 72 hours later the new link has expired too.
    setClock(manualClock(new Date(Date.now() + 72 * 3600_000 + 60_000)));
    const expired = await accept(second);
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { formError: string }).formError).toMatch(/expired/);
    expect((await call(inviteRoute.loader, request(`/invite/${second}`), { token: second })).status).toBe(410);
    expect(await getDb().selectFrom('users').select('active').where('id', '=', user.id).executeTakeFirstOrThrow()).toEqual({ active: false });
  });

  it('names the problem with an address that already has an account', async () => {
    const manager = await signIn('manager@riverside.example');
    const elsewhere = await staffAction(manager, { intent: 'invite', email: 'manager@lakeside.example', role: 'technician' });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.fieldErrors?.email).toMatch(/another clinic or pharmacy/);
    const here = await staffAction(manager, { intent: 'invite', email: 'tech@riverside.example', role: 'technician' });
    expect(here.body.fieldErrors?.email).toMatch(/already has an account here/);
    const bad = await staffAction(manager, { intent: 'invite', email: 'not-an-email', role: 'owner' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fieldErrors ?? {}).sort()).toEqual(['email', 'role']);
  });

  it('deactivation ends sessions and the keys the person made at once; reactivation lets them back', async () => {
    const manager = await signIn('manager@riverside.example');
    const techCookie = await signIn('tech@riverside.example');
    const tech = (await getUser(request('/', { cookie: techCookie })))!;
    // A second manager makes a key, then is deactivated.
    await staffAction(manager, { intent: 'invite', email: 'second.manager@riverside.example', role: 'manager' });
    const link = await invitationLink(manager, 'second.manager@riverside.example');
    const second = await accept(link, { name: 'Second Manager' });
    const secondCookie = second.headers.get('set-cookie')!.split(';')[0]!;
    const secondUser = (await getUser(request('/', { cookie: secondCookie })))!;
    const { secret } = await createApiKey(secondUser, { name: 'Script', scope: 'read' });
    expect((await apiPatients.loader({ request: request('/api/v1/patients', { apiKey: secret }), params: {}, context: {} })).status).toBe(200);

    expect((await staffAction(manager, { intent: 'deactivate', userId: tech.userId })).status).toBe(200);
    expect((await staffAction(manager, { intent: 'deactivate', userId: secondUser.userId })).status).toBe(200);
    const next = await call(clinicLayout.loader, request('/refill-day', { cookie: techCookie }));
    expect(next.status).toBe(302);
    expect(next.headers.get('location')).toMatch(/^\/login/);
    expect((await call(clinicLayout.loader, request('/', { cookie: secondCookie }))).status).toBe(302);
    const keyAnswer = await apiPatients.loader({ request: request('/api/v1/patients', { apiKey: secret }), params: {}, context: {} });
    expect(keyAnswer.status).toBe(401);
    expect(await keyAnswer.json()).toMatchObject({ error: { code: 'unauthorized' } });
    // The clinic's own keys stay.
    expect((await apiPatients.loader({ request: request('/api/v1/patients', { apiKey: DEMO_API_KEYS.riverside }), params: {}, context: {} })).status).toBe(200);
    await expect(signIn('tech@riverside.example')).rejects.toThrow(/do not match an active account/);

    expect((await staffAction(manager, { intent: 'reactivate', userId: tech.userId })).body.done).toBe('Reactivated.');
    expect(await signIn('tech@riverside.example')).toMatch(/^__vialcart=/);
    const audit = await getDb().selectFrom('auditEvents').select(['action', 'detail']).where('subjectId', '=', tech.userId).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['user.deactivated', 'user.reactivated']);
    expect(audit[0]!.detail).toMatchObject({ sessionsEnded: 1 });
  });

  it('changes roles, keeps a manager, and never lets a manager act on themselves', async () => {
    const manager = await signIn('manager@riverside.example');
    const me = (await getUser(request('/', { cookie: manager })))!;
    const tech = await getDb().selectFrom('users').select('id').where('email', '=', 'frontdesk@riverside.example').executeTakeFirstOrThrow();
    expect((await staffAction(manager, { intent: 'change_role', userId: tech.id, role: 'veterinarian' })).status).toBe(200);
    expect(await getDb().selectFrom('prescribers').select('clinicId').where('userId', '=', tech.id).executeTakeFirst()).toEqual({ clinicId: DEMO_IDS.riverside });
    expect((await staffAction(manager, { intent: 'change_role', userId: tech.id, role: 'front_desk' })).status).toBe(200);
    const self = await staffAction(manager, { intent: 'deactivate', userId: me.userId });
    expect(self.status).toBe(409);
    expect(self.body.formError).toMatch(/yourself/);
    const audit = await getDb().selectFrom('auditEvents').select('detail').where('subjectId', '=', tech.id).where('action', '=', 'user.role_changed').orderBy('id').execute();
    expect(audit.map((a) => a.detail)).toEqual([{ from: 'front_desk', to: 'veterinarian' }, { from: 'veterinarian', to: 'front_desk' }]);
  });

  it('keeps each clinic to its own staff; only managers open the page', async () => {
    const lakeside = await signIn('manager@lakeside.example');
    const riversideTech = await getDb().selectFrom('users').select('id').where('email', '=', 'vet@riverside.example').executeTakeFirstOrThrow();
    for (const intent of ['change_role', 'deactivate', 'reactivate', 'resend']) {
      const res = await staffAction(lakeside, { intent, userId: riversideTech.id, role: 'technician' });
      expect(res.status, intent).toBe(404);
    }
    const list = await call(staffRoute.loader, request('/settings/staff', { cookie: lakeside }));
    const { staff } = (await list.json()) as { staff: { email: string }[] };
    expect(staff.length).toBeGreaterThan(0);
    expect(staff.every((p) => p.email.endsWith('@lakeside.example') || !p.email.includes('riverside'))).toBe(true);
    // An invitation from Lakeside lands in Lakeside.
    await staffAction(lakeside, { intent: 'invite', email: 'new.tech@lakeside.example', role: 'technician' });
    expect(await getDb().selectFrom('users').select('clinicId').where('email', '=', 'new.tech@lakeside.example').executeTakeFirstOrThrow()).toEqual({ clinicId: DEMO_IDS.lakeside });

    const vet = await signIn('vet@riverside.example');
    expect((await call(staffRoute.loader, request('/settings/staff', { cookie: vet }))).status).toBe(403);
    expect((await call(staffRoute.action, request('/settings/staff', { cookie: vet, form: { intent: 'invite', email: 'x@y.example', role: 'manager' } }))).status).toBe(403);
  });

  it('hides an invitation\'s link in the clinic mailbox from staff who are not managers', async () => {
    const manager = await signIn('manager@riverside.example');
    await staffAction(manager, { intent: 'invite', email: 'mailbox.check@riverside.example', role: 'technician' });
    const tech = await signIn('tech@riverside.example');
    const res = await call(mailboxRoute.loader, request('/mailbox', { cookie: tech }));
    const { messages } = (await res.json()) as { messages: { toAddress: string; body: string }[] };
    const mail = messages.find((m) => m.toAddress === 'mailbox.check@riverside.example')!;
    expect(mail.body).not.toMatch(/\/invite\//);
    expect(mail.body).toMatch(/link withheld/);
  });
});
