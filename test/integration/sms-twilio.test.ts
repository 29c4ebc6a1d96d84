import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { json } from '../../db/json';
import { DEMO_IDS, DEMO_SMS } from '../../db/seed';
import { getEnv, resetEnv } from '../../app/env.server';
import { action as incomingAction } from '../../app/routes/webhooks.sms.twilio';
import { action as statusAction } from '../../app/routes/webhooks.sms.twilio_.status';
import { action as formAction } from '../../app/routes/c.$clinicSlug.refill';
import { action as settingsAction, loader as settingsLoader } from '../../app/routes/_clinic.settings_.sms';
import { SMS_CONSENT_TEXT } from '../../app/schemas/refill-request';
import { enqueueNotification } from '../../app/services/owners/notifications.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { sealSecret } from '../../app/services/platform/secrets.server';
import { demoToday } from '../support/demo-day';
import { isKind, loadRxCases, type RxCase } from '../support/refill-cases';
import { call, request, signIn } from '../support/requests';
import { withSmtpServer } from '../support/smtp';
import { startTwilioServer, TEST_AUTH_TOKEN, type TwilioStandIn } from '../support/twilio-server';

// Texts through Twilio, end to end inside the process: the real `twilio` client sends to a
// local stand-in of Twilio's REST API, and webhooks arrive signed with the package's own
// getExpectedTwilioSignature, as Twilio signs them.

const clinicId = DEMO_IDS.riverside;
const NUMBER = DEMO_SMS.riverside.phoneNumber;
const smtp = withSmtpServer();
let standIn: TwilioStandIn;
let cases: RxCase[];
const used = new Set<string>();

beforeAll(async () => {
  standIn = await startTwilioServer();
  Object.assign(process.env, standIn.env);
  resetEnv();
  registerAllTasks();
  cases = await loadRxCases(getDb());
});

afterAll(async () => {
  for (const k of Object.keys(standIn.env)) delete process.env[k];
  resetEnv();
  setClock(undefined);
  await standIn.close();
});

const newSid = () => `SM${randomBytes(16).toString('hex')}`;

/** A webhook post as Twilio makes it: the form, signed over the public URL (APP_URL + path). */
function twilioPost(path: string, params: Record<string, string>, opts: { token?: string; signature?: string | null } = {}): Request {
  const url = new URL(path, getEnv().APP_URL).toString();
  const signature = opts.signature === undefined ? twilio.getExpectedTwilioSignature(opts.token ?? TEST_AUTH_TOKEN, url, params) : opts.signature;
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['X-Twilio-Signature'] = signature;
  return request(path, { method: 'POST', body: new URLSearchParams(params).toString(), headers });
}

async function text(from: string, body: string, opts: { to?: string; sid?: string; token?: string; signature?: string | null } = {}) {
  const params = { AccountSid: standIn.accountSid, ApiVersion: '2010-04-01', Body: body, From: from, MessageSid: opts.sid ?? newSid(), NumMedia: '0', To: opts.to ?? NUMBER };
  const res = await call(incomingAction, twilioPost('/webhooks/sms/twilio', params, opts));
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), sid: params.MessageSid };
}

/** The one <Message> of a TwiML answer, or null for an empty <Response/>. */
function replyOf(twiml: string): string | null {
  const m = /<Message>([\s\S]*)<\/Message>/.exec(twiml);
  return m ? m[1]!.replace(/&apos;/g, "'").replace(/&amp;/g, '&').replace(/&quot;/g, '"') : null;
}

async function requestCount(): Promise<number> {
  const r = await getDb().selectFrom('refillRequests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

function routineCase(filter: (c: RxCase) => boolean = () => true): RxCase {
  const c = cases.find((x) => !used.has(x.clientId) && isKind(x, 'routine', demoToday()) && filter(x));
  if (!c) throw new Error('no demo case left');
  used.add(c.clientId);
  return c;
}

/** An owner who gets texts only (no email), or texts with an email to fall back on. */
async function textingOwner(c: RxCase, opts: { email: boolean }) {
  await getDb()
    .updateTable('clients')
    .set({ preferredChannel: 'sms', smsOptIn: true, emailOptIn: opts.email, unsubscribedAt: null, ...(opts.email ? {} : { email: null }) })
    .where('id', '=', c.clientId)
    .execute();
}

async function insertRequest(c: RxCase, reference: string) {
  return getDb()
    .insertInto('refillRequests')
    .values({ clinicId, reference, channel: 'web', raw: json({}), ownerName: c.ownerName, patientName: c.petName, medicationText: c.medicationName, queue: 'tech_standard', dueAt: new Date(Date.now() + 4 * 3600_000), clientId: c.clientId, patientId: c.patientId, prescriptionId: c.prescriptionId })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function notify(c: RxCase, template: 'request.approved' | 'request.denied' | 'refill.reminder', requestId?: string) {
  await getDb()
    .transaction()
    .execute((tx) =>
      enqueueNotification(tx, {
        clinicId,
        clientId: c.clientId,
        template,
        patientId: c.patientId,
        ...(requestId ? { refillRequestId: requestId } : {}),
        data: template === 'refill.reminder' ? { prescriptionId: c.prescriptionId, dueOn: 'December 9', refillUrl: 'https://vialcart.test/r' } : { reason: 'Needs a recheck' },
        dedupeKey: `${template}:${c.clientId}:${randomBytes(4).toString('hex')}`,
      }),
    );
  return getDb().selectFrom('notifications').selectAll().where('clientId', '=', c.clientId).where('template', '=', template).orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
}

async function statusCallback(sid: string, status: string, errorCode?: number, opts: { token?: string } = {}) {
  const c = standIn.callback(sid, status, errorCode);
  const path = new URL(c.url).pathname + new URL(c.url).search;
  const req = opts.token ? twilioPost(path, c.params, { token: opts.token }) : twilioPost(path, c.params, { signature: c.signature });
  const res = await call(statusAction, req);
  return { status: res.status, body: (await res.json()) as any };
}

describe('texts in: POST /webhooks/sms/twilio', () => {
  it('takes a refill text once per MessageSid and answers with TwiML naming the pet and medication', async () => {
    const c = routineCase();
    const before = await requestCount();
    const first = await text(c.phone, `need more ${c.medicationName} for ${c.petName}, 3 days left`);
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/text\/xml/);
    expect(replyOf(first.body)).toMatch(new RegExp(`we got your refill request for ${c.petName}'s ${c.medicationName} \\(ref RR-[0-9A-Z]{7}\\)`));
    const again = await text(c.phone, `need more ${c.medicationName} for ${c.petName}, 3 days left`, { sid: first.sid });
    expect(again.status).toBe(200);
    expect(again.body).toBe(first.body);
    expect(await requestCount()).toBe(before + 1);
    const row = await getDb().selectFrom('refillRequests').select(['id', 'channel', 'patientId', 'prescriptionId', 'ownerPhone', 'acknowledgedAt']).where('ownerPhone', '=', c.phone).orderBy('createdAt', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'sms', patientId: c.patientId, prescriptionId: c.prescriptionId, ownerPhone: c.phone });
    expect(row.acknowledgedAt).not.toBeNull();
    // The TwiML reply is the acknowledgement: no second one waits in the outbox.
    const acks = await getDb().selectFrom('notifications').select('id').where('refillRequestId', '=', row.id).where('template', '=', 'request.acknowledged').execute();
    expect(acks).toHaveLength(0);
    const logged = await getDb().selectFrom('smsMessages').selectAll().where('messageSid', '=', first.sid).executeTakeFirstOrThrow();
    expect(logged).toMatchObject({ kind: 'request', refillRequestId: row.id, fromPhone: c.phone, toPhone: NUMBER });
  });

  it.each([
    ['no signature', { signature: null }],
    ['a signature made with another token', { token: 'not_the_auth_token' }],
    ['a made-up signature', { signature: 'bm90IGEgc2lnbmF0dXJl' }],
  ] as const)('refuses %s with 403 and stores nothing', async (_what, opts) => {
    const before = await requestCount();
    const res = await text('+19165551234', 'need more apoquel for Max', opts);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('forbidden');
    expect(await requestCount()).toBe(before);
  });

  it('refuses a body changed after signing with 403', async () => {
    const params = { Body: 'need more apoquel for Max', From: '+19165551234', MessageSid: newSid(), To: NUMBER };
    const url = new URL('/webhooks/sms/twilio', getEnv().APP_URL).toString();
    const signature = twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, url, params);
    const tampered = request('/webhooks/sms/twilio', { method: 'POST', body: new URLSearchParams({ ...params, Body: 'need more fentanyl for Max' }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature } });
    expect((await call(incomingAction, tampered)).status).toBe(403);
  });

  it('answers 404 for a number no clinic owns, and 400 naming the field for a bad To or a non-form body', async () => {
    const before = await requestCount();
    const unknown = await text('+19165551234', 'need more apoquel', { to: '+15005550006' });
    expect(unknown.status).toBe(404);
    const noTo = await call(incomingAction, twilioPost('/webhooks/sms/twilio', { Body: 'hi', From: '+19165551234', MessageSid: newSid(), To: 'nowhere' }));
    expect(noTo.status).toBe(400);
    expect(((await noTo.json()) as any).error.fields.To).toBeTruthy();
    const badSid = await call(incomingAction, twilioPost('/webhooks/sms/twilio', { Body: 'hi', From: '+19165551234', MessageSid: "1' or 1=1", To: NUMBER }));
    expect(badSid.status).toBe(400);
    expect(((await badSid.json()) as any).error.fields.MessageSid).toBeTruthy();
    const jsonBody = await call(incomingAction, request('/webhooks/sms/twilio', { json: { To: NUMBER } }));
    expect(jsonBody.status).toBe(400);
    expect(((await jsonBody.json()) as any).error.fields['Content-Type']).toBeTruthy();
    expect(await requestCount()).toBe(before);
  });

  it('keeps clinics apart: a text to Lakeside’s number is Lakeside’s, and Riverside’s token cannot sign for it', async () => {
    const lakesideToken = 'lakeside_twilio_auth_token_0123';
    await getDb().insertInto('clinicSmsSettings').values({ clinicId: DEMO_IDS.lakeside, phoneNumber: '+17755550111', accountSid: `AC${'f'.repeat(32)}`, authTokenSealed: sealSecret(lakesideToken), authTokenHint: '…0123' }).execute();
    const forged = await text('+17755559999', 'need more apoquel for Rex', { to: '+17755550111' });
    expect(forged.status).toBe(403);
    const real = await text('+17755559999', 'need more apoquel for Rex', { to: '+17755550111', token: lakesideToken });
    expect(real.status).toBe(200);
    const row = await getDb().selectFrom('refillRequests').select(['clinicId']).where('ownerPhone', '=', '+17755559999').executeTakeFirstOrThrow();
    expect(row.clinicId).toBe(DEMO_IDS.lakeside);
  });

  it('answers HELP with the clinic’s name and phone, and creates no request', async () => {
    const before = await requestCount();
    const res = await text('+19165551234', 'help');
    expect(res.status).toBe(200);
    expect(replyOf(res.body)).toBe('Riverside Veterinary Hospital: refill requests and updates for your pets. Questions? Call +19165550100. Msg & data rates may apply. Reply STOP to opt out.');
    expect(await requestCount()).toBe(before);
  });

  it('asks which pet when the text names none, and the answer completes the request', async () => {
    const c = routineCase((x) => x.petsOfOwner >= 2 && x.petsOfOwner <= 4);
    const pets = await getDb().selectFrom('patients').select('name').where('clientId', '=', c.clientId).execute();
    const first = await text(c.phone, `need more ${c.medicationName} please`);
    const question = replyOf(first.body)!;
    expect(question).toMatch(/^Riverside Veterinary Hospital: which pet is this refill for: .+\? Reply with the name\. \(ref RR-[0-9A-Z]{7}\)$/);
    for (const p of pets) expect(question).toContain(p.name);
    const open = await getDb().selectFrom('refillRequests').select(['id', 'patientId', 'queue']).where('ownerPhone', '=', c.phone).executeTakeFirstOrThrow();
    expect(open).toMatchObject({ patientId: null, queue: 'front_desk' });

    const answer = await text(c.phone, c.petName.toLowerCase());
    expect(replyOf(answer.body)).toContain(`we got your refill request for ${c.petName}'s ${c.medicationName}`);
    const done = await getDb().selectFrom('refillRequests').select(['patientId', 'prescriptionId', 'queue']).where('id', '=', open.id).executeTakeFirstOrThrow();
    expect(done).toMatchObject({ patientId: c.patientId, prescriptionId: c.prescriptionId });
    expect(done.queue).not.toBe('front_desk');
    // One request, answered: the reply did not become a second request.
    expect(await getDb().selectFrom('refillRequests').select('id').where('ownerPhone', '=', c.phone).execute()).toHaveLength(1);
    const trail = await getDb().selectFrom('auditEvents').select(['action', 'actorType']).where('subjectId', '=', open.id).where('action', '=', 'refill_request.owner_answered').execute();
    expect(trail).toEqual([{ action: 'refill_request.owner_answered', actorType: 'owner' }]);
  });
});

describe('consent', () => {
  it('STOP opts the number out: a reminder afterwards is not sent, nor one already waiting; START opts back in', async () => {
    const c = routineCase();
    await textingOwner(c, { email: false });
    const waiting = await notify(c, 'request.denied', (await insertRequest(c, 'RQ-STOP-1')).id);
    expect(waiting.status).toBe('pending');

    const stop = await text(c.phone, 'STOP');
    expect(stop.status).toBe(200);
    expect(replyOf(stop.body)).toBeNull();
    const consent = await getDb().selectFrom('smsConsents').selectAll().where('phone', '=', c.phone).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ action: 'opt_out', source: 'keyword', keyword: 'STOP', clinicId, messageSid: stop.sid });

    const reminder = await notify(c, 'refill.reminder');
    expect(reminder).toMatchObject({ channel: 'sms', status: 'suppressed', lastError: 'owner texted STOP (opted out of texts)' });
    const sentBefore = standIn.messages.length;
    await drainJobs();
    expect(standIn.messages.slice(sentBefore).filter((m) => m.to === c.phone)).toHaveLength(0);
    const after = await getDb().selectFrom('notifications').select(['status', 'lastError']).where('id', '=', waiting.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'suppressed', lastError: 'owner texted STOP (opted out of texts)' });

    const start = await text(c.phone, 'start');
    expect(replyOf(start.body)).toMatch(/you will get texts about your pet's refills again/);
    const denied = await notify(c, 'request.denied', (await insertRequest(c, 'RQ-STOP-2')).id);
    expect(denied.status).toBe('pending');
    await drainJobs();
    const sent = standIn.messages.filter((m) => m.to === c.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain("we can't refill");
  });

  it('takes a request texted by an opted-out number without texting back: the acknowledgement goes by email', async () => {
    const c = routineCase();
    await textingOwner(c, { email: true });
    await text(c.phone, 'Unsubscribe');
    const res = await text(c.phone, `need more ${c.medicationName} for ${c.petName}`);
    expect(res.status).toBe(200);
    expect(replyOf(res.body)).toBeNull();
    const request = await getDb().selectFrom('refillRequests').select(['id', 'prescriptionId']).where('ownerPhone', '=', c.phone).executeTakeFirstOrThrow();
    expect(request.prescriptionId).toBe(c.prescriptionId);
    const ack = await getDb().selectFrom('notifications').select(['channel', 'toAddress']).where('refillRequestId', '=', request.id).where('template', '=', 'request.acknowledged').executeTakeFirstOrThrow();
    expect(ack).toEqual({ channel: 'email', toAddress: c.email });
  });

  it('records the public form’s “Text me updates” with its words and time, and texts that request’s updates', async () => {
    const c = routineCase();
    await getDb().updateTable('clients').set({ preferredChannel: 'email', smsOptIn: false, emailOptIn: true, unsubscribedAt: null }).where('id', '=', c.clientId).execute();
    const res = await call(
      formAction,
      request('/c/riverside/refill', { form: { ownerName: c.ownerName, ownerPhone: c.phone, patientName: c.petName, medication: c.medicationName, urgency: 'routine', smsConsent: 'on', website: '' }, headers: { 'X-Forwarded-For': '203.0.113.77' } }),
      { clinicSlug: 'riverside' },
    );
    expect(res.status).toBe(302);
    const consent = await getDb().selectFrom('smsConsents').selectAll().where('phone', '=', c.phone).executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ action: 'opt_in', source: 'web_form', consentText: SMS_CONSENT_TEXT, clientId: c.clientId });
    expect(consent.refillRequestId).not.toBeNull();
    expect(consent.createdAt).toBeInstanceOf(Date);
    const ack = await getDb().selectFrom('notifications').selectAll().where('refillRequestId', '=', consent.refillRequestId).where('template', '=', 'request.acknowledged').executeTakeFirstOrThrow();
    expect(ack).toMatchObject({ channel: 'sms', toAddress: c.phone, status: 'pending', encoding: 'GSM-7' });
    expect(ack.segments).toBeGreaterThanOrEqual(1);
    await drainJobs();
    const sent = standIn.messages.filter((m) => m.to === c.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: NUMBER, statusCallback: `${getEnv().APP_URL}/webhooks/sms/twilio/status?n=${ack.id}` });
    expect(sent[0]!.body).toContain(`we received your refill request for ${c.petName}'s`);
    // The stand-in counts segments as Twilio does; vialcart's count agrees.
    expect(sent[0]!.segments).toBe(ack.segments);
  });

  it('holds a reminder text during the clinic’s quiet hours and sends it when they end (deferred, not dropped)', async () => {
    const c = routineCase();
    await textingOwner(c, { email: false });
    const clock = manualClock('2026-12-04T06:30:00Z'); // 22:30 in Sacramento
    setClock(clock);
    try {
      const reminder = await notify(c, 'refill.reminder');
      await drainJobs();
      const held = await getDb().selectFrom('notifications').select(['status', 'sendAfter']).where('id', '=', reminder.id).executeTakeFirstOrThrow();
      expect(held.status).toBe('pending');
      expect(held.sendAfter.toISOString()).toBe('2026-12-04T16:00:00.000Z'); // 08:00 Pacific
      expect(standIn.messages.filter((m) => m.to === c.phone)).toHaveLength(0);
      clock.set('2026-12-04T16:01:00Z');
      await drainJobs();
      const sent = await getDb().selectFrom('notifications').select(['status', 'providerMessageId']).where('id', '=', reminder.id).executeTakeFirstOrThrow();
      expect(sent.status).toBe('sent');
      expect(standIn.messages.filter((m) => m.to === c.phone).map((m) => m.sid)).toEqual([sent.providerMessageId]);
    } finally {
      setClock(undefined);
    }
  });
});

describe('texts out: which messages go by text', () => {
  it('texts the shipping notice of an order line that came from a request whose owner asked for texts', async () => {
    const line = await getDb()
      .selectFrom('orderLines')
      .innerJoin('patients', 'patients.id', 'orderLines.patientId')
      .innerJoin('clients', 'clients.id', 'patients.clientId')
      .innerJoin('orders', 'orders.id', 'orderLines.orderId')
      .select(['orderLines.id', 'orderLines.orderId', 'orderLines.cartLineId', 'orderLines.offerId', 'orderLines.prescriberId', 'orderLines.quantity', 'orderLines.sig', 'orderLines.shipTo', 'orderLines.shipState', 'orderLines.unitPriceCents', 'patients.clientId', 'patients.id as patientId', 'patients.name', 'clients.phone'])
      .where('orders.clinicId', '=', clinicId)
      .where('orders.status', 'in', ['shipped', 'delivered'])
      .where('clients.phone', 'is not', null)
      .executeTakeFirstOrThrow();
    // The order line as checkout writes it: pointing at the (paid) cart line it was split from.
    if (!line.cartLineId) {
      const cart = await getDb().insertInto('carts').values({ clinicId, status: 'checked_out' }).returning('id').executeTakeFirstOrThrow();
      const cartLine = await getDb()
        .insertInto('cartLines')
        .values({ cartId: cart.id, clinicId, patientId: line.patientId, offerId: line.offerId, quantity: line.quantity, sig: line.sig, prescriberId: line.prescriberId, shipTo: line.shipTo, shipState: line.shipState, source: 'request', unitPriceCentsAtAdd: line.unitPriceCents })
        .returning('id')
        .executeTakeFirstOrThrow();
      line.cartLineId = cartLine.id;
      await getDb().updateTable('orderLines').set({ cartLineId: cartLine.id }).where('id', '=', line.id).execute();
    }
    await getDb().updateTable('clients').set({ preferredChannel: 'email', emailOptIn: true, smsOptIn: false, unsubscribedAt: null }).where('id', '=', line.clientId).execute();
    const send = (template: 'order.shipped' | 'order.delivered') =>
      getDb().transaction().execute((tx) => enqueueNotification(tx, { clinicId, clientId: line.clientId, patientId: line.patientId, orderId: line.orderId, template, data: {} }));
    await send('order.shipped');
    await getDb()
      .insertInto('refillRequests')
      .values({ clinicId, reference: 'RQ-SHIP-1', channel: 'web', raw: json({}), ownerName: 'Owner', ownerPhone: line.phone, smsConsent: true, patientName: line.name, medicationText: 'x', queue: 'tech_standard', status: 'approved', dueAt: new Date(), clientId: line.clientId, patientId: line.patientId, cartLineId: line.cartLineId })
      .execute();
    await send('order.delivered');
    const rows = await getDb().selectFrom('notifications').select(['template', 'channel', 'toAddress']).where('orderId', '=', line.orderId).where('clientId', '=', line.clientId).orderBy('createdAt').execute();
    expect(rows.find((r) => r.template === 'order.shipped')).toMatchObject({ channel: 'email' });
    expect(rows.find((r) => r.template === 'order.delivered')).toMatchObject({ channel: 'sms', toAddress: line.phone });
  });
});

describe('texts out: delivery reports', () => {
  it('moves a text through queued → sent → delivered from signed status callbacks, never backwards', async () => {
    const c = routineCase();
    await textingOwner(c, { email: true });
    const n = await notify(c, 'request.approved', (await insertRequest(c, 'RQ-DLR-1')).id);
    await drainJobs();
    const sent = await getDb().selectFrom('notifications').selectAll().where('id', '=', n.id).executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent', provider: 'twilio', deliveryStatus: 'queued' });
    const sid = sent.providerMessageId!;
    expect(standIn.messages.find((m) => m.sid === sid)).toBeTruthy();

    expect((await statusCallback(sid, 'sent')).body).toMatchObject({ deliveryStatus: 'sent', changed: true });
    expect((await statusCallback(sid, 'delivered')).body).toMatchObject({ deliveryStatus: 'delivered', changed: true });
    // Twilio may report out of order: a late "sent" leaves it delivered.
    expect((await statusCallback(sid, 'sent')).body).toMatchObject({ deliveryStatus: 'delivered', changed: false });
    const row = await getDb().selectFrom('notifications').select(['deliveryStatus', 'status']).where('id', '=', n.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ deliveryStatus: 'delivered', status: 'sent' });
    // A forged callback is refused.
    expect((await statusCallback(sid, 'undelivered', 30003, { token: 'forged' })).status).toBe(403);
  });

  it('falls back to email once when a text is undelivered, with Twilio’s error code shown', async () => {
    const c = routineCase();
    await textingOwner(c, { email: true });
    const n = await notify(c, 'request.approved', (await insertRequest(c, 'RQ-DLR-2')).id);
    await drainJobs();
    const sid = (await getDb().selectFrom('notifications').select('providerMessageId').where('id', '=', n.id).executeTakeFirstOrThrow()).providerMessageId!;
    const undelivered = await statusCallback(sid, 'undelivered', 30003);
    expect(undelivered.status).toBe(200);
    expect(undelivered.body.fallbackEmailId).toBeTruthy();
    expect((await statusCallback(sid, 'failed', 30003)).body).toMatchObject({ changed: false, fallbackEmailId: null });
    const text = await getDb().selectFrom('notifications').select(['status', 'deliveryStatus', 'deliveryErrorCode', 'lastError']).where('id', '=', n.id).executeTakeFirstOrThrow();
    expect(text).toMatchObject({ status: 'failed', deliveryStatus: 'undelivered', deliveryErrorCode: 30003 });
    expect(text.lastError).toContain('30003');
    const fallbacks = await getDb().selectFrom('notifications').select(['id', 'channel', 'toAddress', 'template']).where('fallbackOfId', '=', n.id).execute();
    expect(fallbacks).toEqual([{ id: undelivered.body.fallbackEmailId, channel: 'email', toAddress: c.email, template: 'request.approved' }]);
    const before = smtp.received.length;
    await drainJobs();
    const mails = smtp.received.slice(before).filter((m) => m.to.includes(c.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('refill is approved');
  });

  it('fails at once on a refusal Twilio would repeat (21610) and falls back to email; no fallback for a text-only owner', async () => {
    const c = routineCase();
    await textingOwner(c, { email: true });
    standIn.refuse.set(c.phone, 21610);
    const n = await notify(c, 'request.approved', (await insertRequest(c, 'RQ-DLR-3')).id);
    await drainJobs();
    const row = await getDb().selectFrom('notifications').select(['status', 'attempts', 'lastError']).where('id', '=', n.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toBe('Twilio 21610: Attempt to send to unsubscribed recipient');
    expect(await getDb().selectFrom('notifications').select('channel').where('fallbackOfId', '=', n.id).execute()).toEqual([{ channel: 'email' }]);

    const textOnly = routineCase();
    await textingOwner(textOnly, { email: false });
    standIn.refuse.set(textOnly.phone, 21610);
    const m = await notify(textOnly, 'request.approved', (await insertRequest(textOnly, 'RQ-DLR-4')).id);
    await drainJobs();
    expect(await getDb().selectFrom('notifications').select('id').where('fallbackOfId', '=', m.id).execute()).toHaveLength(0);
  });

  it('sends a clinic’s texts with its own account and API key, and checks their callbacks with that account’s token', async () => {
    const account = `AC${'b'.repeat(32)}`;
    const apiKey = `SK${'c'.repeat(32)}`;
    const token = 'lakeside_account_auth_token_1234';
    standIn.accounts.set(account, token);
    standIn.apiKeys.set(apiKey, { secret: 'lakeside_api_key_secret', accountSid: account });
    const values = { phoneNumber: '+17755550123', accountSid: account, authTokenSealed: sealSecret(token), authTokenHint: '…1234', apiKeySid: apiKey, apiKeySecretSealed: sealSecret('lakeside_api_key_secret'), apiKeySecretHint: '…cret' };
    await getDb().insertInto('clinicSmsSettings').values({ clinicId: DEMO_IDS.lakeside, ...values }).onConflict((oc) => oc.column('clinicId').doUpdateSet(values)).execute();
    const lake = (await loadRxCases(getDb(), DEMO_IDS.lakeside)).find((x) => isKind(x, 'routine', demoToday()))!;
    await getDb().updateTable('clients').set({ preferredChannel: 'sms', smsOptIn: true, unsubscribedAt: null }).where('id', '=', lake.clientId).execute();
    const request = await getDb()
      .insertInto('refillRequests')
      .values({ clinicId: DEMO_IDS.lakeside, reference: 'RQ-LAKE-1', channel: 'web', raw: json({}), ownerName: lake.ownerName, patientName: lake.petName, medicationText: lake.medicationName, queue: 'tech_standard', dueAt: new Date(), clientId: lake.clientId, patientId: lake.patientId, prescriptionId: lake.prescriptionId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await getDb().transaction().execute((tx) => enqueueNotification(tx, { clinicId: DEMO_IDS.lakeside, clientId: lake.clientId, template: 'request.approved', refillRequestId: request.id, data: {} }));
    await drainJobs();
    const sent = standIn.messages.filter((m) => m.to === lake.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ accountSid: account, username: apiKey, from: '+17755550123' });
    expect((await statusCallback(sent[0]!.sid, 'delivered', undefined, { token: TEST_AUTH_TOKEN })).status).toBe(403);
    expect((await statusCallback(sent[0]!.sid, 'delivered')).body).toMatchObject({ deliveryStatus: 'delivered', changed: true });
  });

  it('answers 404 for a callback about no text of ours and 400 naming a bad status', async () => {
    const missing = await call(statusAction, twilioPost('/webhooks/sms/twilio/status?n=00000000-0000-4000-8000-000000000000', { MessageSid: newSid(), MessageStatus: 'delivered' }));
    expect(missing.status).toBe(404);
    const c = routineCase();
    await textingOwner(c, { email: false });
    const n = await notify(c, 'request.approved', (await insertRequest(c, 'RQ-DLR-5')).id);
    await drainJobs();
    const sid = (await getDb().selectFrom('notifications').select('providerMessageId').where('id', '=', n.id).executeTakeFirstOrThrow()).providerMessageId!;
    const bad = await call(statusAction, twilioPost(`/webhooks/sms/twilio/status?n=${n.id}`, { MessageSid: sid, MessageStatus: 'exploded' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fields.MessageStatus).toBeTruthy();
  });
});

describe('texting settings (/settings/sms)', () => {
  const form = (fields: Record<string, string>) => ({ phoneNumber: '', messagingServiceSid: '', accountSid: '', authToken: '', apiKeySid: '', apiKeySecret: '', quietStart: '20:00', quietEnd: '08:00', ...fields });

  it('lets a manager store the clinic’s account, seals the token and never shows it back; the next webhook is checked with it', async () => {
    const cookie = await signIn('manager@lakeside.example');
    const token = 'lakeside_new_auth_token_abcd9876';
    const saved = await call(settingsAction, request('/settings/sms', { cookie, form: form({ phoneNumber: '(775) 555-0142', accountSid: `AC${'a'.repeat(32)}`, authToken: token, quietStart: '21:00', quietEnd: '07:30' }) }));
    expect(saved.status).toBe(200);
    const row = await getDb().selectFrom('clinicSmsSettings').selectAll().where('clinicId', '=', DEMO_IDS.lakeside).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ phoneNumber: '+17755550142', authTokenHint: '…9876', quietStart: '21:00', quietEnd: '07:30' });
    expect(row.authTokenSealed).not.toContain(token);
    const page = await (await call(settingsLoader, request('/settings/sms', { cookie }))).text();
    expect(page).not.toContain(token);
    expect(page).toContain('…9876');
    // An empty token field keeps the stored one.
    await call(settingsAction, request('/settings/sms', { cookie, form: form({ phoneNumber: '+17755550142', accountSid: `AC${'a'.repeat(32)}`, quietStart: '21:00', quietEnd: '07:30' }) }));
    expect((await text('+17755558888', 'HELP', { to: '+17755550142', token })).status).toBe(200);
    expect((await text('+17755558888', 'HELP', { to: '+17755550142' })).status).toBe(403);
    const trail = await getDb().selectFrom('auditEvents').select('detail').where('action', '=', 'clinic.sms_settings_changed').where('clinicId', '=', DEMO_IDS.lakeside).execute();
    expect(trail.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(trail)).not.toContain(token);
  });

  it('names each bad field without echoing secrets, refuses another clinic’s number and a technician', async () => {
    const cookie = await signIn('manager@lakeside.example');
    const bad = await call(settingsAction, request('/settings/sms', { cookie, form: form({ phoneNumber: 'call me', accountSid: 'AC123', authToken: 'secret_typed_here', quietStart: '25:00' }) }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(Object.keys(body.fieldErrors)).toEqual(expect.arrayContaining(['phoneNumber', 'accountSid', 'quietStart']));
    expect(JSON.stringify(body)).not.toContain('secret_typed_here');
    expect(body.values.phoneNumber).toBe('call me');
    const taken = await call(settingsAction, request('/settings/sms', { cookie, form: form({ phoneNumber: NUMBER }) }));
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { fieldErrors: Record<string, string> }).fieldErrors.phoneNumber).toMatch(/Another clinic/);
    const tech = await call(settingsAction, request('/settings/sms', { cookie: await signIn('tech@riverside.example'), form: form({ phoneNumber: '+19165550177' }) }));
    expect(tech.status).toBe(403);
    const riverside = await getDb().selectFrom('clinicSmsSettings').select('phoneNumber').where('clinicId', '=', clinicId).executeTakeFirstOrThrow();
    expect(riverside.phoneNumber).toBe(NUMBER);
  });
});
