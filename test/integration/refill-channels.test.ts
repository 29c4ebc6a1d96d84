import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { signPayload } from '../../pharmacies/signature';
import { action as formAction, loader as formLoader } from '../../app/routes/c.$clinicSlug.refill';
import { loader as confirmationLoader } from '../../app/routes/c.$clinicSlug.refill_.$reference';
import { action as webhookAction } from '../../app/routes/webhooks.intake.$clinicSlug';
import { demoToday } from '../support/demo-day';
import { call, request } from '../support/requests';
import { loadRxCases, pick, type RxCase } from '../support/refill-cases';

// The public form and the signed webhook: what owners, PIMS systems and SMS gateways send,
// and what hostile senders send. Bad input gets a clear 4xx and leaves no row behind.

const SECRET = 'demo_riverside_intake_secret';
let cases: RxCase[];
const used = new Set<string>();

beforeAll(async () => {
  cases = await loadRxCases(getDb());
});

async function requestCount(): Promise<number> {
  const r = await getDb().selectFrom('refillRequests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

function signed(body: string, contentType: string, opts: { at?: number; secret?: string; header?: string | null } = {}) {
  const t = opts.at ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'Content-Type': contentType };
  const sig = opts.header === undefined ? signPayload(opts.secret ?? SECRET, body, t) : opts.header;
  if (sig !== null) headers['Vialcart-Signature'] = sig;
  return request('/webhooks/intake/riverside', { method: 'POST', body, headers });
}

async function hook(req: Request, slug = 'riverside') {
  const res = await call(webhookAction, req, { clinicSlug: slug });
  return { status: res.status, body: (await res.json()) as any };
}

function pimsEvent(c: RxCase, id: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    id,
    type: 'prescription.requested',
    created: Math.floor(Date.now() / 1000),
    data: { client: { name: c.ownerName, phone: c.phone }, patient: { name: c.petName }, medication: { name: c.medicationName }, dosesLeft: 10, ...extra },
  });
}

describe('signed intake webhook', () => {
  it('takes a PIMS prescription.requested event once, however often it is delivered', async () => {
    const c = pick(cases, 'routine', demoToday(), used)[0]!;
    const body = pimsEvent(c, 'evt_1001');
    const first = await hook(signed(body, 'application/json'));
    expect(first.status).toBe(201);
    expect(first.body.request.patientId).toBe(c.patientId);
    expect(first.body.request.queue).toBe('tech_standard');
    // The PIMS retries (new signature, same event): same answer, nothing new.
    const again = await hook(signed(body, 'application/json', { at: Math.floor(Date.now() / 1000) + 1 }));
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.request.id).toBe(first.body.request.id);
    const raw = await getDb().selectFrom('refillRequests').select(['raw', 'channel']).where('id', '=', first.body.request.id).executeTakeFirstOrThrow();
    expect(raw.channel).toBe('pims');
    expect((raw.raw as { id: string }).id).toBe('evt_1001');
  });

  it('reads an SMS gateway post ("need more methimazole for Luna, 3 days left") from the owner’s phone', async () => {
    const c = cases.find((x) => !used.has(x.patientId) && x.medicationName === 'Methimazole' && x.patientStatus === 'active')!;
    used.add(c.patientId);
    const local = c.phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3');
    const body = new URLSearchParams({ From: local, Body: `need more methimazole for ${c.petName}, 3 days left`, MessageSid: 'SM0001' }).toString();
    const res = await hook(signed(body, 'application/x-www-form-urlencoded'));
    expect(res.status).toBe(201);
    expect(res.body.request.patientId).toBe(c.patientId);
    expect(res.body.request.prescriptionId).toBe(c.prescriptionId);
    expect(res.body.reply).toMatch(/RR-/);
    const row = await getDb().selectFrom('refillRequests').select(['channel', 'patientName', 'medicationText', 'ownerPhone', 'raw']).where('id', '=', res.body.request.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'sms', patientName: c.petName, medicationText: 'methimazole', ownerPhone: c.phone });
    expect((row.raw as { parsed: { daysLeft: number } }).parsed.daysLeft).toBe(3);
  });

  it.each([
    ['no signature', { header: null }, 401],
    ['a malformed signature', { header: 't=abc,v1=zz' }, 401],
    ['another secret', { secret: 'not-the-secret' }, 401],
    ['a timestamp replayed from 10 minutes ago', { at: Math.floor(Date.now() / 1000) - 600 }, 401],
    ['a timestamp from the future', { at: Math.floor(Date.now() / 1000) + 600 }, 401],
  ] as const)('refuses %s with a clear 401 and stores nothing', async (_what, opts, status) => {
    const before = await requestCount();
    const res = await hook(signed(pimsEvent(cases[0]!, `evt_bad_${_what.length}`), 'application/json', opts));
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(/signature|Sign the body/i);
    expect(await requestCount()).toBe(before);
  });

  it('refuses garbage, markup, SQL, unknown events, other content types, 1 MB bodies and unknown clinics with 4xx', async () => {
    const before = await requestCount();
    const c = cases[0]!;
    const attempts: [string, Request, number, string?][] = [
      ['not JSON', signed('{"id":', 'application/json'), 400],
      ['wrong event', signed(JSON.stringify({ id: 'e1', type: 'invoice.paid', data: { client: {}, patient: { name: 'Luna' }, medication: 'x' } }), 'application/json'), 400],
      ['script in a name', signed(pimsEvent({ ...c, petName: '<script>alert(1)</script>' }, 'evt_x1'), 'application/json'), 400, 'data.patient.name'],
      ['SQL in the medication', signed(pimsEvent({ ...c, medicationName: "x'); DROP TABLE refill_requests;--" }, 'evt_x2'), 'application/json'), 400, 'data.medication.name'],
      ['XML', signed('<xml/>', 'application/xml'), 400],
      ['SMS without a phone', signed(new URLSearchParams({ From: 'DROP TABLE', Body: 'hi' }).toString(), 'application/x-www-form-urlencoded'), 400, 'From'],
      ['1 MB body', signed('x'.repeat(1024 * 1024), 'application/json'), 413],
    ];
    for (const [what, req, status, field] of attempts) {
      const res = await hook(req);
      expect(res.status, what).toBe(status);
      expect(typeof res.body.error.message, what).toBe('string');
      if (field) expect(Object.keys(res.body.error.fields ?? {}), what).toContain(field);
    }
    const unknown = await hook(request('/webhooks/intake/nowhere', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), 'nowhere');
    expect(unknown.status).toBe(404);
    expect(await requestCount()).toBe(before);
  });
});

describe('public refill form /c/:clinicSlug/refill', () => {
  const form = (fields: Record<string, string>, ip = '203.0.113.7') =>
    request('/c/riverside/refill', { method: 'POST', form: { website: '', urgency: 'routine', ...fields }, headers: { 'X-Forwarded-For': ip } });

  it('shows the clinic, and 404 for an unknown clinic', async () => {
    const ok = await call(formLoader, request('/c/riverside/refill'), { clinicSlug: 'riverside' });
    expect(((await ok.json()) as any).clinic.name).toMatch(/Riverside/);
    const missing = await call(formLoader, request('/c/nowhere/refill'), { clinicSlug: 'nowhere' });
    expect(missing.status).toBe(404);
  });

  it('takes a request and confirms it with a reference', async () => {
    const c = pick(cases, 'compounded', demoToday(), used)[0]!;
    const res = await call(formAction, form({ ownerName: c.ownerName, ownerPhone: c.phone, patientName: c.petName, medication: c.medicationName, dosesLeft: '4', smsConsent: 'on' }), { clinicSlug: 'riverside' });
    expect(res.status).toBe(302);
    const location = res.headers.get('Location')!;
    expect(location).toMatch(/^\/c\/riverside\/refill\/RR-[0-9A-Z]{7}$/);
    const reference = location.split('/').pop()!;
    const row = await getDb().selectFrom('refillRequests').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'web', patientId: c.patientId, queue: 'vet_review', smsConsent: true, dosesLeft: 4 });
    expect(row.acknowledgedAt).not.toBeNull();
    const page = await call(confirmationLoader, request(location), { clinicSlug: 'riverside', reference });
    expect(((await page.json()) as any).request.reference).toBe(reference);
  });

  it('refuses markup, SQL, a honeypot, a 1 MB post and other content types, keeping what was typed and storing nothing', async () => {
    const before = await requestCount();
    const script = await call(formAction, form({ ownerName: '<script>alert(1)</script>', ownerPhone: '9165550000', patientName: 'Luna', medication: 'methimazole' }), { clinicSlug: 'riverside' });
    expect(script.status).toBe(400);
    const s = (await script.json()) as any;
    expect(s.fieldErrors.ownerName).toMatch(/letters/);
    expect(s.values.patientName).toBe('Luna');
    const sqlish = await call(formAction, form({ ownerName: 'Pat', ownerPhone: '9165550000', patientName: 'Luna', medication: "1; DROP TABLE clients; --" }), { clinicSlug: 'riverside' });
    expect(sqlish.status).toBe(400);
    expect(((await sqlish.json()) as any).fieldErrors.medication).toBeDefined();
    const noContact = await call(formAction, form({ ownerName: 'Pat', patientName: 'Luna', medication: 'methimazole' }), { clinicSlug: 'riverside' });
    expect(((await noContact.json()) as any).fieldErrors.ownerPhone).toMatch(/phone number or an email/);
    const bot = await call(formAction, form({ ownerName: 'Pat', ownerPhone: '9165550000', patientName: 'Luna', medication: 'methimazole', website: 'http://spam' }), { clinicSlug: 'riverside' });
    expect(bot.status).toBe(400);
    const huge = await call(formAction, form({ ownerName: 'Pat', ownerPhone: '9165550000', patientName: 'Luna', medication: 'x'.repeat(1024 * 1024) }), { clinicSlug: 'riverside' });
    expect(huge.status).toBe(413);
    const json = await call(formAction, request('/c/riverside/refill', { method: 'POST', json: { ownerName: 'Pat' } }), { clinicSlug: 'riverside' });
    expect(json.status).toBe(415);
    expect(await requestCount()).toBe(before);
  });

  it('rate-limits per address and per phone', async () => {
    const fields = { ownerName: 'Pat Doe', patientName: 'Biscuit', medication: 'carprofen' };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await call(formAction, form({ ...fields, ownerPhone: `916555${String(7000 + i)}` }, '198.51.100.9'), { clinicSlug: 'riverside' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 302)).toBe(true);
    expect(statuses[10]).toBe(429);
    const perPhone: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call(formAction, form({ ...fields, ownerPhone: '9165558888' }, `192.0.2.${i + 1}`), { clinicSlug: 'riverside' });
      perPhone.push(res.status);
    }
    expect(perPhone.slice(0, 5).every((s) => s === 302)).toBe(true);
    expect(perPhone[5]).toBe(429);
  });
});
