import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as page from '../../app/routes/_clinic.refill-day/route';
import * as builder from '../../app/routes/_clinic.refill-day_.builder';
import { call, request, signIn } from '../support/requests';

type Json = Record<string, any>;

let cookie: string;
let line: { patientId: string; offerId: string; prescriberId: string };

const post = async (form: Record<string, string>) => {
  const res = await call(page.action, request('/refill-day', { cookie, form }));
  return { status: res.status, body: (await res.json()) as Json };
};

beforeAll(async () => {
  cookie = await signIn('tech@riverside.example');
  const db = getDb();
  const patient = await db.selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('status', '=', 'active').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const offer = await db.selectFrom('offers').select('id').where('available', '=', true).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const prescriber = await db.selectFrom('prescribers').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('name', '=', 'Dr. Maria Alvarez').executeTakeFirstOrThrow();
  line = { patientId: patient.id, offerId: offer.id, prescriberId: prescriber.id };
});

describe('the refill-day page action', () => {
  it('answers an unknown intent with a 400 naming it', async () => {
    const res = await post({ intent: 'launch', lineId: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ intent: 'launch', formError: 'Unknown action.', fieldErrors: { intent: 'Unknown action.' } });
  });

  it('answers bad hidden fields of a line button with a 400 on that line, naming each field', async () => {
    const res = await post({ intent: 'remove', lineId: 'not-a-line', label: 'the line' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      intent: 'remove',
      lineId: 'not-a-line',
      fieldErrors: { lineId: 'This line is not in the cart any more: reload the page.', version: 'Reload the page: the line version is missing.' },
      formError: 'This line is not in the cart any more: reload the page.',
    });
  });

  it('answers a bad edit with field errors on the editor’s fields, keeping what was typed', async () => {
    const res = await post({ intent: 'update', lineId: line.patientId, version: '1', quantity: '0', sig: 'Give 1 ml PO BID', prescriberId: line.prescriberId, shipTo: 'clinic' });
    expect(res.status).toBe(400);
    expect(res.body.fieldErrors).toEqual({ quantity: 'At least 1 vial.' });
    expect(res.body.values).toMatchObject({ quantity: '0', sig: 'Give 1 ml PO BID' });
    expect(res.body.formError).toBeUndefined();
  });

  it('answers a fast-entry row without a patient with a 400 on the patient field', async () => {
    const res = await post({ intent: 'add', patientId: '', offerId: line.offerId, prescriptionId: '', quantity: '1', sig: 'Give 1 ml PO SID x 30 days', prescriberId: line.prescriberId, shipTo: 'clinic' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ intent: 'add', fieldErrors: { patientId: 'Pick a patient from the list.' } });
  });

  it('adds, refuses a stale removal, removes and puts back a line', async () => {
    const added = await post({ intent: 'add', ...line, prescriptionId: '', quantity: '2', sig: 'Give 1 ml PO SID x 30 days', shipTo: 'clinic' });
    expect(added).toMatchObject({ status: 200, body: { intent: 'add', ok: true, message: 'Line added.' } });
    const stored = await getDb()
      .selectFrom('cartLines')
      .select(['id', 'version'])
      .where('clinicId', '=', DEMO_IDS.riverside)
      .where('sig', '=', 'Give 1 ml PO SID x 30 days')
      .where('removedAt', 'is', null)
      .executeTakeFirstOrThrow();

    const stale = await post({ intent: 'remove', lineId: stored.id, version: String(stored.version + 1), label: 'the new line' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ intent: 'remove', lineId: stored.id, conflict: { current: { id: stored.id, version: stored.version } } });

    const removed = await post({ intent: 'remove', lineId: stored.id, version: String(stored.version), label: 'the new line' });
    expect(removed).toMatchObject({ status: 200, body: { ok: true, removed: { lineId: stored.id, label: 'the new line' } } });
    const undone = await post({ intent: 'undo', lineId: stored.id });
    expect(undone).toMatchObject({ status: 200, body: { ok: true, message: 'Line put back.' } });

    // A rule that does not exist is the service's bad input, said on the line.
    const ack = await post({ intent: 'acknowledge', lineId: stored.id, version: '1', rule: 'no.such_rule' });
    expect(ack.status).toBe(400);
    expect(ack.body).toMatchObject({ intent: 'acknowledge', lineId: stored.id, formError: 'Unknown rule.' });
  });
});

describe('the refill-day builder action', () => {
  const postIds = async (ids: string[]) => {
    const body = new URLSearchParams(ids.map((id) => ['orderLineId', id]));
    return call(builder.action, request('/refill-day/builder', { cookie, body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, method: 'POST' }));
  };

  it('asks for at least one patient, and names a line that is not an id', async () => {
    const none = await postIds([]);
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ formError: 'Choose at least one patient to add.', fieldErrors: { orderLineId: 'Choose at least one patient to add.' } });
    const bad = await postIds(['7f9e1d2c-3b4a-4c5d-9e6f-0a1b2c3d4e5f', 'x']);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ fieldErrors: { 'orderLineId.1': 'This line is not on the due list any more: reload the page.' } });
  });

  it('adds the chosen due lines and goes back to the cart', async () => {
    const due = (await (await call(builder.loader, request('/refill-day/builder?withinDays=30', { cookie }))).json()) as Json;
    const chosen = (due.patients as Json[]).filter((p) => p.line).slice(0, 2).map((p) => p.orderLineId as string);
    expect(chosen).toHaveLength(2);
    const res = await postIds(chosen);
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('/refill-day?added=2');
  });
});
