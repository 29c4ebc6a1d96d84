import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as settingsPage from '../../app/routes/_clinic.settings';
import { validateClinicCart } from '../../app/services/validation/validation.server';
import { demoToday } from '../support/demo-day';
import { call, request, signIn } from '../support/requests';
import { TECH, addDays, cleanLine, medicationId, offerOf, riversidePatient, storeCart } from '../support/validation-fixtures';

// The clinic's weight window (how old a weight may be before dose.range warns) is a section of
// /settings: a manager changes it (zod-checked, the field named on bad input, audited), others
// read it, each clinic keeps its own, and the dose check uses it on the next validation.

type Json = Record<string, any>;
const BROMIDE = medicationId('Potassium bromide', '250 mg/mL', 'oral solution');
let manager: string;
let tech: string;
let lakesideManager: string;

beforeAll(async () => {
  [manager, tech, lakesideManager] = await Promise.all([signIn('manager@riverside.example'), signIn('tech@riverside.example'), signIn('manager@lakeside.example')]);
});

async function post(cookie: string, form: Record<string, string>) {
  const res = await call(settingsPage.action as never, request('/settings', { cookie, form }));
  return { status: res.status, body: (await res.json()) as Json };
}
async function shown(cookie: string) {
  const res = await call(settingsPage.loader as never, request('/settings', { cookie }));
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}
const windowOf = async (clinicId: string) => (await getDb().selectFrom('clinics').select('weightWindowMonths').where('id', '=', clinicId).executeTakeFirstOrThrow()).weightWindowMonths;

describe('the weight window on /settings', () => {
  it('a manager changes it, audited; bad input is a 400 naming the field and keeping what was typed', async () => {
    expect((await shown(manager)).weightWindowMonths).toBe(6);
    for (const typed of ['0', '61', 'six', '2.5', '']) {
      const bad = await post(manager, { intent: 'dose-checks', weightWindowMonths: typed });
      expect(bad.status, typed).toBe(400);
      expect(bad.body.fieldErrors).toHaveProperty('weightWindowMonths');
      expect(bad.body.values).toMatchObject({ weightWindowMonths: typed });
      expect(bad.body.section).toBe('dose-checks');
    }
    expect(await windowOf(DEMO_IDS.riverside)).toBe(6);

    const saved = await post(manager, { intent: 'dose-checks', weightWindowMonths: '3' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ saved: true, section: 'dose-checks' });
    expect(await windowOf(DEMO_IDS.riverside)).toBe(3);
    expect((await shown(manager)).weightWindowMonths).toBe(3);
    const audit = await getDb().selectFrom('auditEvents').select(['detail', 'actorLabel']).where('action', '=', 'clinic.weight_window_changed').where('subjectId', '=', DEMO_IDS.riverside).executeTakeFirstOrThrow();
    expect(audit.detail).toEqual({ from: 6, to: 3 });

    // An unknown section is a 400 on intent; the request settings section saves on its own, leaving the window alone.
    const unknown = await post(manager, { intent: 'dosage', weightWindowMonths: '4' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fieldErrors).toHaveProperty('intent');
    const page = await shown(manager);
    const s = page.settings as Json;
    const requests = await post(manager, {
      intent: 'requests',
      wellnessWindowMonths: String(s.wellnessWindowMonths),
      ...Object.fromEntries(Object.entries(s.sla.targetMinutes as Record<string, number>).map(([k, v]) => [k, String(v)])),
      dayEndsAt: s.sla.dayEndsAt,
      urgentReminderMinutes: String(s.sla.urgentReminderMinutes),
      escalateAfterMinutes: String(s.sla.escalateAfterMinutes),
      escalationUserId: s.escalationUserId ?? '',
      bookingUrl: s.bookingUrl ?? '',
    });
    expect(requests.status).toBe(200);
    expect(requests.body).toMatchObject({ saved: true, section: 'requests' });
    expect(await windowOf(DEMO_IDS.riverside)).toBe(3);
  });

  it('only a manager changes it (a technician reads it, 403 on save); each clinic keeps its own', async () => {
    expect((await shown(tech)).canEdit).toBe(false);
    const refused = await post(tech, { intent: 'dose-checks', weightWindowMonths: '12' });
    expect(refused.status).toBe(403);
    const before = await windowOf(DEMO_IDS.riverside);
    const lakeside = await post(lakesideManager, { intent: 'dose-checks', weightWindowMonths: '9' });
    expect(lakeside.status).toBe(200);
    expect(await windowOf(DEMO_IDS.lakeside)).toBe(9);
    expect(await windowOf(DEMO_IDS.riverside)).toBe(before);
  });

  it('dose.range judges the weight by the clinic’s window', async () => {
    const today = demoToday();
    const dog = await riversidePatient(getDb(), today, { species: 'dog', status: 'active', exam: 'recent' });
    // 500 mg of bromide a day for a 14.969 kg dog is 33.4 mg/kg, inside 30–40: only the weight's age can speak.
    await getDb().updateTable('patients').set({ weightKg: 14.969, weightMeasuredOn: addDays(today, -120) }).where('id', '=', dog).execute();
    let offer: { id: string; unitPriceCents: number } | undefined;
    for (const slug of ['pacific', 'sierra', 'greatlakes']) offer ??= await offerOf(getDb(), slug, BROMIDE).catch(() => undefined);
    const { cartId, lineIds } = await storeCart(getDb(), [cleanLine(dog, offer!, { sig: 'Give 2 ml by mouth once daily with food for 60 days' })]);
    const doseFindings = async () => (await validateClinicCart(TECH, { cartId })).byLineId[lineIds[0]!]!.filter((f) => f.rule === 'dose.range');

    expect((await post(manager, { intent: 'dose-checks', weightWindowMonths: '6' })).status).toBe(200);
    expect(await doseFindings()).toEqual([]);

    expect((await post(manager, { intent: 'dose-checks', weightWindowMonths: '3' })).status).toBe(200);
    const old = await doseFindings();
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ severity: 'warning' });
    expect(old[0]!.message).toContain('more than 3 months ago');
  });
});
