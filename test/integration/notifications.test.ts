import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getDb } from '../../db/client';
import { json } from '../../db/json';
import { DEMO_IDS } from '../../db/seed';
import { resetEnv } from '../../app/env.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { enqueueNotification, MAX_SEND_ATTEMPTS } from '../../app/services/owners/notifications.server';
import { verifyOwnerToken } from '../../app/services/owners/owner-links.server';
import { withSmtpServer } from '../support/smtp';

const clinicId = DEMO_IDS.riverside;
const smtp = withSmtpServer();

beforeAll(async () => {
  registerAllTasks();
});

/** An owner of the demo clinic with two active pets that have different names. */
async function ownerWithTwoPets() {
  const r = await sql<{ clientId: string; a: string; b: string }>`
    select p1.client_id, p1.id as a, p2.id as b from patients p1
    join patients p2 on p2.client_id = p1.client_id and p2.id > p1.id and p2.name <> p1.name
    join clients c on c.id = p1.client_id
    where p1.clinic_id = ${clinicId} and p1.status = 'active' and p2.status = 'active' and c.email is not null
    order by p1.client_id limit 1`.execute(getDb());
  const row = r.rows[0]!;
  await getDb().updateTable('clients').set({ preferredChannel: 'email', emailOptIn: true, unsubscribedAt: null }).where('id', '=', row.clientId).execute();
  const pets = await getDb().selectFrom('patients').select(['id', 'name']).where('id', 'in', [row.a, row.b]).execute();
  const client = await getDb().selectFrom('clients').selectAll().where('id', '=', row.clientId).executeTakeFirstOrThrow();
  return { client, pets: [pets.find((p) => p.id === row.a)!, pets.find((p) => p.id === row.b)!] };
}

async function insertRequest(clientId: string, patient: { id: string; name: string }, reference: string) {
  return getDb()
    .insertInto('refillRequests')
    .values({
      clinicId,
      reference,
      channel: 'web',
      raw: json({ patientName: patient.name }),
      ownerName: 'Owner',
      patientName: patient.name,
      medicationText: 'Methimazole transdermal',
      queue: 'tech_standard',
      dueAt: new Date(Date.now() + 4 * 3600_000),
      clientId,
      patientId: patient.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

describe('owner notifications', () => {
  it('emails each message through SMTP naming the right pet, with an unsubscribe link, once per dedupe key', async () => {
    const { client, pets } = await ownerWithTwoPets();
    const [first, second] = pets as [{ id: string; name: string }, { id: string; name: string }];
    const r1 = await insertRequest(client.id, first, 'RQ-TEST-1');
    const r2 = await insertRequest(client.id, second, 'RQ-TEST-2');
    await getDb()
      .transaction()
      .execute(async (tx) => {
        await enqueueNotification(tx, { clinicId, clientId: client.id, template: 'request.acknowledged', refillRequestId: r1.id, data: {} });
        await enqueueNotification(tx, { clinicId, clientId: client.id, template: 'request.approved', refillRequestId: r2.id, data: {} });
        // The same event announced twice (a replayed webhook) is sent once.
        await enqueueNotification(tx, { clinicId, clientId: client.id, template: 'request.approved', refillRequestId: r2.id, data: {} });
      });
    const before = smtp.received.length;
    await drainJobs();
    const mails = smtp.received.slice(before).filter((m) => m.to.includes(client.email!));
    expect(mails).toHaveLength(2);
    const ack = mails.find((m) => m.text.includes('RQ-TEST-1'))!;
    const approved = mails.find((m) => m.text.includes('RQ-TEST-2'))!;
    expect(ack.subject).toBe(`We received your refill request for ${first.name}`);
    expect(ack.text).toContain(`refill ${first.name}'s Methimazole transdermal`);
    expect(ack.text).not.toContain(second.name === first.name ? '\u0000' : `${second.name}'s`);
    expect(approved.subject).toBe(`${second.name}'s Methimazole transdermal refill is approved`);
    expect(approved.text).not.toContain(`${first.name}'s`);
    expect(ack.headers['list-unsubscribe']).toMatch(/\/o\/unsubscribe\//);
    const token = /\/o\/unsubscribe\/([^\s>]+)/.exec(ack.text)![1]!;
    expect(verifyOwnerToken('unsubscribe', token)).toEqual({ clientId: client.id });

    const rows = await getDb().selectFrom('notifications').select(['status', 'sentAt', 'patientId']).where('clientId', '=', client.id).execute();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows.map((r) => r.patientId).sort()).toEqual([first.id, second.id].sort());
  });

  it('names only the right pet on an order message and links the owner tracking page', async () => {
    const line = await getDb()
      .selectFrom('orderLines')
      .innerJoin('patients', 'patients.id', 'orderLines.patientId')
      .innerJoin('orders', 'orders.id', 'orderLines.orderId')
      .select(['orderLines.orderId', 'patients.clientId', 'patients.id as patientId', 'patients.name', 'orders.trackingNumber'])
      .where('orders.clinicId', '=', clinicId)
      .where('orders.status', 'in', ['shipped', 'delivered'])
      .executeTakeFirstOrThrow();
    await getDb().updateTable('clients').set({ preferredChannel: 'email', emailOptIn: true, unsubscribedAt: null }).where('id', '=', line.clientId).execute();
    await getDb()
      .transaction()
      .execute((tx) => enqueueNotification(tx, { clinicId, clientId: line.clientId, patientId: line.patientId, orderId: line.orderId, template: 'order.shipped', data: {} }));
    const before = smtp.received.length;
    await drainJobs();
    const mail = smtp.received.slice(before)[0]!;
    expect(mail.subject).toContain(`${line.name}'s`);
    expect(mail.text).toContain(`Tracking number: ${line.trackingNumber}`);
    const token = /\/o\/track\/(\S+)/.exec(mail.text)![1]!;
    expect(verifyOwnerToken('track', token)).toEqual({ orderId: line.orderId, clientId: line.clientId, patientId: line.patientId });
  });

  it('keeps a message for an unsubscribed owner as suppressed and never sends it; SMS stays in the outbox', async () => {
    const { client, pets } = await ownerWithTwoPets();
    const request = await insertRequest(client.id, pets[0]!, 'RQ-TEST-3');
    await getDb().updateTable('clients').set({ unsubscribedAt: new Date() }).where('id', '=', client.id).execute();
    await getDb().transaction().execute((tx) => enqueueNotification(tx, { clinicId, clientId: client.id, template: 'request.denied', refillRequestId: request.id, data: { reason: 'Needs a recheck' } }));
    await getDb().updateTable('clients').set({ unsubscribedAt: null, preferredChannel: 'sms', smsOptIn: true, phone: '+19165550123' }).where('id', '=', client.id).execute();
    await getDb().transaction().execute((tx) => enqueueNotification(tx, { clinicId, clientId: client.id, template: 'request.exam_needed', refillRequestId: request.id, data: {} }));
    const before = smtp.received.length;
    await drainJobs();
    expect(smtp.received.length).toBe(before);
    const rows = await getDb().selectFrom('notifications').select(['template', 'status', 'channel', 'lastError', 'body']).where('refillRequestId', '=', request.id).orderBy('createdAt').execute();
    expect(rows.find((r) => r.template === 'request.denied')).toMatchObject({ status: 'suppressed', lastError: 'owner unsubscribed' });
    const sms = rows.find((r) => r.template === 'request.exam_needed')!;
    expect(sms).toMatchObject({ status: 'outbox', channel: 'sms' });
    expect(sms.body).toContain(pets[0]!.name);
  });

  it('retries a failing send with back-off and marks it failed after the last attempt, visibly', async () => {
    const clock = manualClock(new Date());
    setClock(clock);
    process.env.SMTP_URL = 'smtp://127.0.0.1:1';
    resetEnv();
    try {
      const { client, pets } = await ownerWithTwoPets();
      const request = await insertRequest(client.id, pets[1]!, 'RQ-TEST-4');
      await getDb().transaction().execute((tx) => enqueueNotification(tx, { clinicId, clientId: client.id, template: 'request.acknowledged', refillRequestId: request.id, data: {} }));
      const read = () => getDb().selectFrom('notifications').select(['status', 'attempts', 'lastError']).where('refillRequestId', '=', request.id).executeTakeFirstOrThrow();
      await drainJobs();
      expect(await read()).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await read()).lastError).toMatch(/ECONNREFUSED|connect/i);
      for (let i = 0; i < MAX_SEND_ATTEMPTS; i++) {
        clock.advance(3 * 3600_000);
        await drainJobs();
      }
      expect(await read()).toMatchObject({ status: 'failed', attempts: MAX_SEND_ATTEMPTS });
    } finally {
      setClock(undefined);
      process.env.SMTP_URL = smtp.url;
      resetEnv();
    }
  });
});
