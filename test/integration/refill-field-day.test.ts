import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import { signPayload } from '../../pharmacies/signature';
import { action as createAction } from '../../app/routes/api.v1.refill-requests';
import { action as formAction } from '../../app/routes/c.$clinicSlug.refill';
import { action as webhookAction } from '../../app/routes/webhooks.intake.$clinicSlug';
import { demoToday } from '../support/demo-day';
import { queueSummary } from '../../app/services/requests/index.server';
import { call, request } from '../support/requests';
import { loadRxCases, pick, requestBody, type RxCase } from '../support/refill-cases';

// The example from the field (issue 8): a three-veterinarian clinic gets 18 requests in a
// day — 8 routine eligible, 2 expired prescriptions, 1 exam overdue, 1 controlled, 1 not
// found, 2 urgent, 3 from owners with several pets — by web form, SMS, PIMS and API. Each
// lands in its queue, none is lost, and the four exceptions carry what staff need to act.

type Planned = { label: string; expected: string; channel: 'api' | 'web' | 'pims' | 'sms'; body: Record<string, unknown>; c?: RxCase };

describe('a day of refill requests at Riverside (3 veterinarians)', () => {
  it('routes all 18 to the right queues with their context', async () => {
    const db = getDb();
    const vets = await db.selectFrom('users').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('role', '=', 'veterinarian').execute();
    expect(vets.length).toBe(3);
    const cases = await loadRxCases(db);
    const used = new Set<string>();
    const d = demoToday();
    const plan: Planned[] = [];
    const channels = ['api', 'web', 'pims', 'sms'] as const;
    const add = (label: string, expected: string, list: RxCase[], extra: Record<string, unknown> = {}) =>
      list.forEach((c) => plan.push({ label, expected, channel: channels[plan.length % 4]!, body: requestBody(c, extra), c }));
    // Multi-pet households first, so their pets are not taken by the single-pet rows.
    add('multi-pet owner', 'tech_standard', pick(cases, 'routine', d, used, 3, (c) => c.petsOfOwner >= 2));
    add('routine eligible', 'tech_standard', pick(cases, 'routine', d, used, 8), { dosesLeft: 20 });
    add('expired prescription', 'exception_prescription', pick(cases, 'expired', d, used, 2));
    add('exam overdue', 'exception_exam', pick(cases, 'exam_overdue', d, used, 1));
    add('controlled', 'vet_review', pick(cases, 'controlled', d, used, 1));
    add('urgent', 'tech_urgent', pick(cases, 'routine', d, used, 2), { urgency: 'today' });
    plan.push({ label: 'not found', expected: 'front_desk', channel: 'web', body: { ownerName: 'Dana Newcomer', ownerPhone: '+19165559876', patientName: 'Pickles', medication: 'Apoquel' } });
    expect(plan.length).toBe(18);

    const ids: string[] = [];
    let n = 0;
    for (const p of plan) {
      n += 1;
      ids.push(await send(p, n));
    }
    expect(new Set(ids).size).toBe(18);

    const rows = await db.selectFrom('refillRequests').selectAll().where('id', 'in', ids).execute();
    expect(rows.length).toBe(18); // none lost
    const byId = new Map(rows.map((r) => [r.id, r]));
    plan.forEach((p, i) => {
      const r = byId.get(ids[i]!)!;
      expect(r.queue, `${p.label} via ${p.channel}`).toBe(p.expected);
      if (p.c) expect(r.patientId, `${p.label}: the named pet`).toBe(p.c.patientId);
    });

    // The four exceptions carry their context.
    const ctx = (label: string) => plan.flatMap((p, i) => (p.label === label ? [byId.get(ids[i]!)!] : []));
    for (const r of ctx('expired prescription')) {
      const check = r.eligibility.find((c) => c.check === 'prescription.active')!;
      expect(check.ok).toBe(false);
      expect(check.detail).toMatch(/expired on \d{4}-\d{2}-\d{2}|expired/);
      expect(r.prescriptionId).not.toBeNull();
    }
    const exam = ctx('exam overdue')[0]!;
    expect(exam.eligibility.find((c) => c.check === 'patient.wellness')!.detail).toMatch(/Last wellness exam \d{4}-\d{2}-\d{2}, more than 12 months ago/);
    const missing = ctx('not found')[0]!;
    expect(missing.eligibility.find((c) => c.check === 'match.owner')!.detail).toMatch(/No owner/);
    expect(missing.ownerPhone).toBe('+19165559876');
    expect((missing.raw as { medication: string }).medication).toBe('Apoquel');

    // The queue page's counts add up to the day.
    const summary = await queueSummary({ kind: 'clinic_key', keyId: 'test', clinicId: DEMO_IDS.riverside });
    const count = (q: string) => summary.queues.find((x) => x.queue === q)!.count;
    expect(count('tech_standard')).toBe(11);
    expect(count('tech_urgent')).toBe(2);
    expect(count('vet_review')).toBe(1);
    expect(count('exception_prescription')).toBe(2);
    expect(count('exception_exam')).toBe(1);
    expect(count('front_desk')).toBe(1);
  });
});

async function send(p: Planned, n: number): Promise<string> {
  const b = p.body as { ownerName: string; ownerPhone: string; patientName: string; medication: string; dosesLeft?: number; urgency?: string };
  if (p.channel === 'api') {
    const res = await call(createAction, request('/api/v1/refill-requests', { method: 'POST', apiKey: DEMO_API_KEYS.riverside, json: b }));
    expect(res.status).toBe(201);
    return ((await res.json()) as any).request.id;
  }
  if (p.channel === 'web') {
    const fields: Record<string, string> = { ownerName: b.ownerName, ownerPhone: b.ownerPhone, patientName: b.patientName, medication: b.medication, urgency: b.urgency ?? 'routine', website: '' };
    if (b.dosesLeft !== undefined) fields.dosesLeft = String(b.dosesLeft);
    const res = await call(formAction, request('/c/riverside/refill', { method: 'POST', form: fields, headers: { 'X-Forwarded-For': `203.0.113.${n}` } }), { clinicSlug: 'riverside' });
    expect(res.status).toBe(302);
    const reference = res.headers.get('Location')!.split('/').pop()!;
    return (await getDb().selectFrom('refillRequests').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id;
  }
  let body: string;
  let type: string;
  if (p.channel === 'pims') {
    type = 'application/json';
    body = JSON.stringify({ id: `evt_day_${n}`, type: 'prescription.requested', data: { client: { name: b.ownerName, phone: b.ownerPhone }, patient: { name: b.patientName }, medication: b.medication, dosesLeft: b.dosesLeft, urgency: b.urgency } });
  } else {
    type = 'application/x-www-form-urlencoded';
    const when = b.urgency === 'today' ? 'out today' : b.dosesLeft !== undefined ? `${b.dosesLeft} days left` : '10 days left';
    body = new URLSearchParams({ From: b.ownerPhone, Body: `Hi, need more ${b.medication} for ${b.patientName}, ${when}. Thanks!`, MessageSid: `SMday${n}` }).toString();
  }
  const headers = { 'Content-Type': type, 'Vialcart-Signature': signPayload('demo_riverside_intake_secret', body, Math.floor(Date.now() / 1000)) };
  const res = await call(webhookAction, request('/webhooks/intake/riverside', { method: 'POST', body, headers }), { clinicSlug: 'riverside' });
  const json = (await res.json()) as any;
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json.request.id;
}
