import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as adminLayout from '../../app/routes/admin';
import * as adminClinics from '../../app/routes/admin.clinics._index';
import * as newClinic from '../../app/routes/admin.clinics.new';
import * as clinicPage from '../../app/routes/admin.clinics.$id';
import * as adminMailbox from '../../app/routes/admin.mailbox';
import * as clinicLayout from '../../app/routes/_clinic';
import * as apiPatients from '../../app/routes/api.v1.patients';
import * as inviteRoute from '../../app/routes/invite.$token';
import { readSlaSettings } from '../../app/services/requests/sla';
import { call, request, signIn } from '../support/requests';

const CLINIC = {
  intent: 'create',
  name: 'Prairie Pet Clinic',
  slug: 'prairie',
  addressLine1: '12 Main St',
  addressLine2: '',
  city: 'Omaha',
  state: 'ne',
  postalCode: '68102',
  phone: '(402) 555-0100',
  email: 'desk@prairie.example',
  timezone: 'America/Chicago',
  rxExpiryMonths: '6',
  wellnessWindowMonths: '12',
  tech_urgent: '90',
  tech_standard: '240',
  vet_review: '120',
  exception_exam: '1440',
  front_desk: '45',
  managerEmail: 'pat@prairie.example',
  managerName: 'Pat Prairie',
};
const args = (req: Request) => ({ request: req, params: {}, context: {} });

async function create(cookie: string, overrides: Record<string, string> = {}) {
  const res = await call(newClinic.action, request('/admin/clinics/new', { cookie, form: { ...CLINIC, ...overrides } }));
  return { res, body: res.status === 302 ? null : ((await res.json()) as { formError?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> }) };
}

describe('clinics, by the platform admin', () => {
  it('creates a clinic with its policies and invites its first manager in one step', async () => {
    const admin = await signIn('admin@vialcart.example');
    const { res } = await create(admin);
    expect(res.status).toBe(302);
    const id = /\/admin\/clinics\/([0-9a-f-]{36})/.exec(res.headers.get('location')!)![1]!;
    const clinic = await getDb().selectFrom('clinics').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(clinic).toMatchObject({ slug: 'prairie', state: 'NE', timezone: 'America/Chicago', rxExpiryMonths: 6, wellnessWindowMonths: 12, suspendedAt: null });
    expect(readSlaSettings(clinic.slaSettings).targetMinutes).toMatchObject({ tech_urgent: 90, front_desk: 45, tech_standard: 240 });
    expect(clinic.intakeSecret).toMatch(/^whsec_/);
    const manager = await getDb().selectFrom('users').select(['role', 'active', 'clinicId']).where('email', '=', 'pat@prairie.example').executeTakeFirstOrThrow();
    expect(manager).toEqual({ role: 'manager', active: false, clinicId: id });

    // The admin's mailbox holds the invitation link (no SMTP here); it works.
    const { messages } = (await (await call(adminMailbox.loader, request('/admin/mailbox', { cookie: admin }))).json()) as { messages: { toAddress: string; body: string }[] };
    const token = /\/invite\/(\S+)/.exec(messages.find((m) => m.toAddress === 'pat@prairie.example')!.body)![1]!;
    const accepted = await call(inviteRoute.action, request(`/invite/${token}`, { form: { name: 'Pat Prairie', password: 'meadow falcon copper 3', confirmPassword: 'meadow falcon copper 3' } }), { token });
    expect(accepted.status).toBe(302);
    const page = await call(clinicPage.loader, request(`/admin/clinics/${id}`, { cookie: admin }), { id });
    expect(await page.json()).toMatchObject({ clinic: { name: 'Prairie Pet Clinic', managers: [{ email: 'pat@prairie.example', status: 'active' }] } });
    const list = (await (await call(adminClinics.loader, request('/admin/clinics', { cookie: admin }))).json()) as { clinics: { slug: string; activeUsers: number }[] };
    expect(list.clinics.find((c) => c.slug === 'prairie')).toMatchObject({ activeUsers: 1 });
    const audit = await getDb().selectFrom('auditEvents').select('action').where('clinicId', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['clinic.created', 'user.invited', 'user.invitation_accepted']);
  });

  it('names each bad field, keeps what was typed, and leaves nothing half-created', async () => {
    const admin = await signIn('admin@vialcart.example');
    const taken = await create(admin, { slug: 'riverside', managerEmail: '' });
    expect(taken.res.status).toBe(400);
    expect(taken.body!.fieldErrors).toEqual({ slug: expect.stringMatching(/already uses this slug/) });
    const bad = await create(admin, { slug: 'x', state: 'ZZ', timezone: 'Mars/Olympus', postalCode: '123', rxExpiryMonths: '0', tech_urgent: '2', phone: 'call me' });
    expect(bad.res.status).toBe(400);
    expect(Object.keys(bad.body!.fieldErrors!).sort()).toEqual(['phone', 'postalCode', 'rxExpiryMonths', 'slug', 'state', 'tech_urgent', 'timezone']);
    expect(bad.body!.values).toMatchObject({ name: 'Prairie Pet Clinic', timezone: 'Mars/Olympus' });
    // The manager's address has an account elsewhere: no clinic is left behind.
    const elsewhere = await create(admin, { slug: 'prairie-two', managerEmail: 'manager@lakeside.example' });
    expect(elsewhere.res.status).toBe(409);
    expect(elsewhere.body!.fieldErrors).toEqual({ managerEmail: expect.stringMatching(/another clinic or pharmacy/) });
    expect(await getDb().selectFrom('clinics').select('id').where('slug', '=', 'prairie-two').execute()).toEqual([]);
  });

  it('edits a clinic, refusing a slug another clinic uses', async () => {
    const admin = await signIn('admin@vialcart.example');
    const id = DEMO_IDS.lakeside;
    const current = ((await (await call(clinicPage.loader, request(`/admin/clinics/${id}`, { cookie: admin }), { id })).json()) as { clinic: Record<string, unknown> & { targetMinutes: Record<string, number> } }).clinic;
    const form = {
      intent: 'update',
      ...Object.fromEntries(['name', 'slug', 'addressLine1', 'city', 'state', 'postalCode', 'timezone'].map((k) => [k, String(current[k])])),
      addressLine2: '',
      phone: '',
      email: '',
      rxExpiryMonths: '9',
      wellnessWindowMonths: String(current.wellnessWindowMonths),
      ...Object.fromEntries(Object.entries(current.targetMinutes).map(([q, m]) => [q, String(m)])),
    };
    const dup = await call(clinicPage.action, request(`/admin/clinics/${id}`, { cookie: admin, form: { ...form, slug: 'riverside' } }), { id });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { fieldErrors: Record<string, string> }).fieldErrors.slug).toMatch(/already uses/);
    const ok = await call(clinicPage.action, request(`/admin/clinics/${id}`, { cookie: admin, form }), { id });
    expect(ok.status).toBe(200);
    expect(await getDb().selectFrom('clinics').select('rxExpiryMonths').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ rxExpiryMonths: 9 });
    const audit = await getDb().selectFrom('auditEvents').select('detail').where('subjectId', '=', id).where('action', '=', 'clinic.updated').executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ changed: { rxExpiryMonths: { from: 12, to: 9 } } });
    expect((await call(clinicPage.loader, request('/admin/clinics/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', { cookie: admin }), { id: 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa' })).status).toBe(404);
  });

  it('suspends a clinic: its people and keys are refused on the next request with a reason, its data stays; restoring lets them back', async () => {
    const admin = await signIn('admin@vialcart.example');
    const tech = await signIn('manager@lakeside.example');
    const id = DEMO_IDS.lakeside;
    const before = await getDb().selectFrom('patients').select((eb) => eb.fn.countAll<string>().as('n')).where('clinicId', '=', id).executeTakeFirstOrThrow();
    expect((await call(clinicPage.action, request(`/admin/clinics/${id}`, { cookie: admin, form: { intent: 'suspend' } }), { id })).status).toBe(200);

    const page = await call(clinicLayout.loader, request('/refill-day', { cookie: tech }));
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?reason=clinic_suspended');
    const api = await apiPatients.loader(args(request('/api/v1/patients', { apiKey: DEMO_API_KEYS.lakeside })));
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/suspended/) } });
    await expect(signIn('manager@lakeside.example')).rejects.toThrow(/suspended/);
    // Riverside goes on.
    expect((await apiPatients.loader(args(request('/api/v1/patients', { apiKey: DEMO_API_KEYS.riverside })))).status).toBe(200);
    const after = await getDb().selectFrom('patients').select((eb) => eb.fn.countAll<string>().as('n')).where('clinicId', '=', id).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    expect((await call(clinicPage.action, request(`/admin/clinics/${id}`, { cookie: admin, form: { intent: 'unsuspend' } }), { id })).status).toBe(200);
    expect((await apiPatients.loader(args(request('/api/v1/patients', { apiKey: DEMO_API_KEYS.lakeside })))).status).toBe(200);
    expect(await signIn('manager@lakeside.example')).toMatch(/^__vialcart=/);
    const audit = await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', id).where('action', 'like', 'clinic.%suspended').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['clinic.suspended', 'clinic.unsuspended']);
  });

  it('keeps the admin area to administrators', async () => {
    const pharmacist = await signIn('pharmacist@pacific.example');
    const res = await call(adminLayout.loader, request('/admin/clinics', { cookie: pharmacist }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/pharmacy');
    const manager = await signIn('manager@riverside.example');
    expect((await call(newClinic.action, request('/admin/clinics/new', { cookie: manager, form: CLINIC }))).status).toBe(302);
    expect(await getDb().selectFrom('clinics').select('id').where('slug', '=', 'prairie-three').execute()).toEqual([]);
    expect((await call(adminMailbox.loader, request('/admin/mailbox', { cookie: manager }))).headers.get('location')).toBe('/');
  });
});
