import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import { action as createAction } from '../../app/routes/api.v1.refill-requests';
import { action as decisionAction } from '../../app/routes/api.v1.refill-requests.$id.decision';
import { action as queuesAction, loader as queuesLoader } from '../../app/routes/_clinic.requests';
import { demoToday } from '../support/demo-day';
import { call, request, signIn } from '../support/requests';
import { loadRxCases, pick, requestBody, type RxCase } from '../support/refill-cases';

// Decisions on requests: who may approve what, approval into the cart (compounded) or onto the
// to-dispense list (commercial), deny and exam requests, and what the owner is told.

const key = DEMO_API_KEYS.riverside;
let cases: RxCase[];
const used = new Set<string>();
let vet: string;
let tech: string;
let desk: string;

beforeAll(async () => {
  cases = await loadRxCases(getDb());
  [vet, tech, desk] = await Promise.all([signIn('vet@riverside.example'), signIn('tech@riverside.example'), signIn('frontdesk@riverside.example')]);
});

async function submit(body: Record<string, unknown>) {
  const res = await call(createAction, request('/api/v1/refill-requests', { method: 'POST', apiKey: key, json: body }));
  return ((await res.json()) as any).request as { id: string; queue: string; reference: string };
}
async function act(cookie: string, fields: Record<string, string>) {
  const res = await call(queuesAction, request('/requests', { method: 'POST', cookie, form: fields }));
  return { status: res.status, body: (await res.json()) as { ok: boolean; message: string } };
}
async function decideByApi(id: string, body: Record<string, unknown>) {
  const res = await call(decisionAction, request(`/api/v1/refill-requests/${id}/decision`, { method: 'POST', apiKey: key, json: body }), { id });
  return { status: res.status, body: (await res.json()) as any };
}
async function notifications(requestId: string) {
  return (await getDb().selectFrom('notifications').select('template').where('refillRequestId', '=', requestId).execute()).map((n) => n.template).sort();
}

describe('approving a compounded refill', () => {
  it('a technician cannot; the veterinarian approves it into the open cart with the SIG, prescriber and sign-off', async () => {
    const c = pick(cases, 'compounded', demoToday(), used)[0]!;
    const r = await submit(requestBody(c));
    expect(r.queue).toBe('vet_review');

    const page = await call(queuesLoader, request('/requests?queue=vet_review', { cookie: vet }));
    const data = (await page.json()) as any;
    const item = data.items.find((i: { id: string }) => i.id === r.id);
    expect(item.approval.allowed).toBe(true);
    expect(item.pet.name).toBe(c.petName);
    expect(item.prescription.sig).toBeTruthy();
    expect(data.summary.queues.find((q: { queue: string }) => q.queue === 'vet_review').count).toBeGreaterThan(0);

    const byTech = await act(tech, { intent: 'approve', id: r.id });
    expect(byTech.status).toBe(403);
    expect(byTech.body.message).toMatch(/standing order|veterinarian/);

    const byVet = await act(vet, { intent: 'approve', id: r.id });
    expect(byVet.status).toBe(200);
    expect(byVet.body.message).toMatch(/in the refill-day cart/);
    const req = await getDb().selectFrom('refillRequests').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(req.status).toBe('approved');
    const line = await getDb().selectFrom('cartLines').selectAll().where('id', '=', req.cartLineId!).executeTakeFirstOrThrow();
    const rx = await getDb().selectFrom('prescriptions').selectAll().where('id', '=', c.prescriptionId).executeTakeFirstOrThrow();
    expect(line).toMatchObject({ source: 'request', patientId: c.patientId, prescriptionId: rx.id, sig: rx.sig, prescriberId: rx.prescriberId, shipTo: 'clinic' });
    // The approval is the veterinarian's sign-off, bound to the content approved.
    const signoff = await getDb().selectFrom('lineSignoffs').selectAll().where('cartLineId', '=', line.id).where('clearedAt', 'is', null).executeTakeFirstOrThrow();
    expect(signoff).toMatchObject({ userId: DEMO_IDS.user('vet@riverside.example'), content: expect.objectContaining({ quantity: line.quantity, sig: rx.sig, patientId: c.patientId }) });
    const cart = await getDb().selectFrom('carts').select(['status', 'name']).where('id', '=', line.cartId).executeTakeFirstOrThrow();
    expect(cart).toEqual({ status: 'open', name: null });
    expect(await notifications(r.id)).toEqual(['request.acknowledged', 'request.approved']);

    const twice = await act(vet, { intent: 'approve', id: r.id });
    expect(twice.status).toBe(409);
  });

  it('a controlled refill is not approved by a technician or an API key', async () => {
    const c = pick(cases, 'controlled', demoToday(), used)[0]!;
    const r = await submit(requestBody(c));
    expect((await act(tech, { intent: 'approve', id: r.id })).status).toBe(403);
    const api = await decideByApi(r.id, { decision: 'approve' });
    expect(api.status).toBe(403);
    expect(api.body.error.message).toMatch(/controlled/);
    expect((await act(desk, { intent: 'approve', id: r.id })).status).toBe(403);
  });
});

describe('commercial refills and the other decisions', () => {
  it('a technician approves a standing-order refill onto the to-dispense list; dispensing uses the refill and tells the owner', async () => {
    const c = pick(cases, 'routine', demoToday(), used, 1, (x) => x.standingOrder)[0]!;
    const r = await submit(requestBody(c));
    expect(r.queue).toBe('tech_standard');
    expect((await act(tech, { intent: 'approve', id: r.id })).body.message).toMatch(/to-dispense/);
    const list = await call(queuesLoader, request('/requests?queue=to_dispense', { cookie: tech }));
    expect(((await list.json()) as any).items.map((i: { id: string }) => i.id)).toContain(r.id);
    const before = await getDb().selectFrom('prescriptions').select('refillsUsed').where('id', '=', c.prescriptionId).executeTakeFirstOrThrow();
    expect((await act(tech, { intent: 'dispensed', id: r.id })).status).toBe(200);
    const after = await getDb().selectFrom('prescriptions').select('refillsUsed').where('id', '=', c.prescriptionId).executeTakeFirstOrThrow();
    expect(after.refillsUsed).toBe(before.refillsUsed + 1);
    expect(await notifications(r.id)).toEqual(['order.ready_for_pickup', 'request.acknowledged', 'request.approved']);
  });

  it('without a standing order the technician is told a veterinarian decides', async () => {
    const c = pick(cases, 'routine', demoToday(), used, 1, (x) => !x.standingOrder)[0]!;
    const r = await submit(requestBody(c));
    const res = await act(tech, { intent: 'approve', id: r.id });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/standing order/);
  });

  it('the API denies with a reason (required), requests an exam, and refuses a second decision', async () => {
    const c = pick(cases, 'routine', demoToday(), used)[0]!;
    const r = await submit(requestBody(c));
    const noReason = await decideByApi(r.id, { decision: 'deny' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields.reason).toMatch(/why/);
    const denied = await decideByApi(r.id, { decision: 'deny', reason: 'Dose to be reviewed at the next visit.' });
    expect(denied.status).toBe(200);
    expect(denied.body.request.status).toBe('denied');
    expect(denied.body.request.audit.map((a: { action: string }) => a.action)).toContain('refill_request.denied');
    expect((await decideByApi(r.id, { decision: 'approve' })).status).toBe(409);
    expect(await notifications(r.id)).toEqual(['request.acknowledged', 'request.denied']);

    const exam = await submit(requestBody(pick(cases, 'exam_overdue', demoToday(), used)[0]!));
    expect(exam.queue).toBe('exception_exam');
    const asked = await decideByApi(exam.id, { decision: 'request_exam' });
    expect(asked.body.request.status).toBe('exam_requested');
    expect(await notifications(exam.id)).toEqual(['request.acknowledged', 'request.exam_needed']);
  });

  it('the role table: on veterinarian review only a veterinarian denies or asks for an exam; elsewhere a technician or a key may, the front desk and managers may not', async () => {
    const [manager] = await Promise.all([signIn('manager@riverside.example')]);
    const review = await submit(requestBody(pick(cases, 'compounded', demoToday(), used)[0]!));
    expect(review.queue).toBe('vet_review');
    const deny = { intent: 'deny', id: review.id, reason: 'Not this time.' };
    for (const cookie of [tech, desk, manager]) {
      const res = await act(cookie, deny);
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/Only a veterinarian may deny a refill request waiting for veterinarian review/);
    }
    expect((await decideByApi(review.id, { decision: 'deny', reason: 'Not this time.' })).status).toBe(403);
    expect((await act(tech, { intent: 'request_exam', id: review.id })).status).toBe(403);
    expect((await decideByApi(review.id, { decision: 'request_exam' })).status).toBe(403);
    expect((await act(vet, { intent: 'request_exam', id: review.id })).status).toBe(200);

    const second = await submit(requestBody(pick(cases, 'compounded', demoToday(), used)[0]!));
    expect((await act(vet, { intent: 'deny', id: second.id, reason: 'Dose to be reviewed at the next visit.' })).status).toBe(200);

    const routine = await submit(requestBody(pick(cases, 'routine', demoToday(), used)[0]!));
    expect(routine.queue).not.toBe('vet_review');
    for (const cookie of [desk, manager]) expect((await act(cookie, { intent: 'deny', id: routine.id, reason: 'No.' })).status).toBe(403);
    expect((await act(tech, { intent: 'deny', id: routine.id, reason: 'Owner moved away.' })).status).toBe(200);
  });

  it('records owner calls and notes, assigns, and lets the front desk settle an ambiguous match', async () => {
    const c = pick(cases, 'compounded', demoToday(), used)[0]!;
    const r = await submit({ ...requestBody(c), medication: 'insulin' });
    expect(r.queue).toBe('front_desk');
    expect((await act(desk, { intent: 'assign', id: r.id })).status).toBe(200);
    expect((await act(desk, { intent: 'owner_called', id: r.id })).status).toBe(200);
    expect((await act(desk, { intent: 'note', id: r.id, text: 'Owner meant the gabapentin; confirmed by phone.' })).status).toBe(200);
    expect((await act(desk, { intent: 'note', id: r.id, text: '' })).status).toBe(400);
    const resolved = await act(desk, { intent: 'resolve', id: r.id, prescriptionId: c.prescriptionId });
    expect(resolved.status).toBe(200);
    const row = await getDb().selectFrom('refillRequests').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ queue: 'vet_review', prescriptionId: c.prescriptionId, assignedTo: DEMO_IDS.user('frontdesk@riverside.example') });
    expect(row.ownerCalledAt).not.toBeNull();
    const actions = (await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', r.id).orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['refill_request.assigned', 'refill_request.owner_called', 'refill_request.note', 'refill_request.resolved']));
  });
});
