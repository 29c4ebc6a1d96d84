/**
 * Delivering owner and staff messages from the outbox (notifications.server.ts writes them):
 * the `notifications.send` task, email through SMTP (nodemailer) and texts through the SMS
 * channel, retries with back-off, the email fallback of an undelivered text, and the mailbox's
 * retry.
 */
import { sql, type Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import { getDb } from '../../../db/client';
import type { Database, Notification } from '../../../db/schema';
import { getEnv } from '../../env.server';
import { openLink, withLink } from '../identity/tokens.server';
import { now } from '../platform/clock.server';
import { enqueue, registerTasks } from '../platform/jobs.server';
import { log } from '../platform/logger.server';
// The SMS channel's own file (not its entry file, which also holds the webhooks that write here).
import { deliverSms, type SmsDelivery } from '../sms/channel.server';
import { RETRY_BACKOFF_MINUTES, writeNotification, type NotificationTemplate } from './notifications.server';

const transports = new Map<string, Transporter>();
function mailTransport(url: string): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport(url);
    transports.set(url, t);
  }
  return t;
}

function fromAddress(clinicName: string): string {
  const host = new URL(getEnv().APP_URL).hostname || 'localhost';
  const domain = host.includes('.') ? host : `${host}.localdomain`;
  return `"${clinicName.replace(/["\\]/g, '')} via vialcart" <notifications@${domain}>`;
}

/** What one attempt did: a text's outcomes (app/services/sms/channel.server.ts), or an email handed to SMTP. */
type Delivery = SmsDelivery | { status: 'sent'; provider: 'smtp'; providerMessageId: null; deliveryStatus: null; deliveryErrorCode: null };

/** One attempt at delivering a message: email by SMTP (or the outbox), texts by the SMS channel. */
async function deliver(tx: Kysely<Database>, n: Notification, clinic: { name: string; email: string | null }): Promise<Delivery> {
  if (n.channel === 'sms') return deliverSms(tx, n);
  const smtp = getEnv().SMTP_URL;
  if (!smtp) return { status: 'outbox' };
  // An account email's link is sealed in the row until this moment (identity/account-mail).
  const text = n.audience === 'staff' ? withLink(n.body, openLink(n.sealedLink)) : n.body;
  const unsubscribe = n.audience === 'owner' ? /Unsubscribe[^:]*: (\S+)/.exec(n.body)?.[1] : undefined;
  await mailTransport(smtp).sendMail({
    from: fromAddress(clinic.name),
    ...(clinic.email ? { replyTo: clinic.email } : {}),
    to: n.toAddress,
    subject: n.subject ?? clinic.name,
    text,
    ...(n.html ? { html: n.html } : {}),
    messageId: `<${n.id}@vialcart>`,
    headers: unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
  });
  return { status: 'sent', provider: 'smtp', providerMessageId: null, deliveryStatus: null, deliveryErrorCode: null };
}

/**
 * The `notifications.send` task: delivers one pending message. The row is locked while it
 * is sent, so two workers never send it twice; a failure records the error and schedules the
 * next attempt (RETRY_BACKOFF_MINUTES), and after the last one the message is `failed` (a text
 * then falls back to email). A reminder text in quiet hours waits for them to end.
 */
export async function sendNotification(id: string): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const n = await tx.selectFrom('notifications').selectAll().where('id', '=', id).where('status', '=', 'pending').forUpdate().skipLocked().executeTakeFirst();
      if (!n) return;
      const clinic = n.clinicId
        ? await tx.selectFrom('clinics').select(['name', 'email']).where('id', '=', n.clinicId).executeTakeFirstOrThrow()
        : { name: 'vialcart', email: null };
      const attempts = n.attempts + 1;
      let outcome: Delivery;
      try {
        outcome = await deliver(tx, n, clinic);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryIn = RETRY_BACKOFF_MINUTES[attempts - 1];
        await tx
          .updateTable('notifications')
          .set({ status: retryIn === undefined ? 'failed' : 'pending', attempts, lastError: message.slice(0, 1000) })
          .where('id', '=', id)
          .execute();
        if (retryIn !== undefined) {
          await enqueue(tx, 'notifications.send', { id }, { runAt: new Date(now().getTime() + retryIn * 60_000), maxAttempts: 1, jobKey: `notification:${id}` });
        } else if (n.channel === 'sms') {
          await writeEmailFallback(tx, n.id);
        }
        return;
      }
      switch (outcome.status) {
        case 'sent':
          await tx
            .updateTable('notifications')
            .set({
              status: 'sent', attempts, lastError: null, sentAt: now(),
              // Once an account email is sent, its link lives only in the recipient's inbox.
              sealedLink: null,
              provider: outcome.provider, providerMessageId: outcome.providerMessageId, deliveryStatus: outcome.deliveryStatus, deliveryErrorCode: outcome.deliveryErrorCode,
              deliveryUpdatedAt: outcome.deliveryStatus ? now() : null,
            })
            .where('id', '=', id)
            .execute();
          return;
        case 'outbox':
          await tx.updateTable('notifications').set({ status: 'outbox', attempts, lastError: null, sentAt: null }).where('id', '=', id).execute();
          return;
        case 'suppressed':
          await tx.updateTable('notifications').set({ status: 'suppressed', lastError: outcome.reason }).where('id', '=', id).execute();
          return;
        case 'deferred':
          await tx.updateTable('notifications').set({ sendAfter: outcome.until }).where('id', '=', id).execute();
          await enqueue(tx, 'notifications.send', { id }, { runAt: outcome.until, maxAttempts: 1, jobKey: `notification:${id}` });
          log().info({ notificationId: id, until: outcome.until.toISOString() }, 'reminder text held for quiet hours');
          return;
        case 'failed':
          await tx.updateTable('notifications').set({ status: 'failed', attempts, lastError: outcome.error.slice(0, 1000) }).where('id', '=', id).execute();
          if (n.channel === 'sms') await writeEmailFallback(tx, n.id);
          return;
      }
    });
}

/**
 * Writes the email that replaces a text that could not be delivered, once per text, when the
 * owner has an email they agreed to; answers its id, or null when no email can go.
 */
export async function writeEmailFallback(tx: Kysely<Database>, smsId: string): Promise<string | null> {
  const n = await tx.selectFrom('notifications').selectAll().where('id', '=', smsId).where('channel', '=', 'sms').executeTakeFirst();
  if (!n?.clientId || !n.clinicId) return null;
  const written = await writeNotification(tx, {
    clinicId: n.clinicId,
    clientId: n.clientId,
    template: n.template as NotificationTemplate,
    ...(n.patientId ? { patientId: n.patientId } : {}),
    ...(n.refillRequestId ? { refillRequestId: n.refillRequestId } : {}),
    ...(n.orderId ? { orderId: n.orderId } : {}),
    data: n.data ?? {},
    dedupeKey: `email-fallback:${n.id}`,
    onlyChannel: 'email',
    fallbackOfId: n.id,
  });
  if (written) log().info({ notificationId: n.id, fallbackId: written.id }, 'undelivered text falls back to email');
  return written?.id ?? null;
}

/** Puts a failed message back in the queue (the mailbox's "Retry" button). */
export async function requeueNotification(db: Kysely<Database>, clinicId: string, id: string): Promise<boolean> {
  const row = await db
    .updateTable('notifications')
    .set({ status: 'pending', attempts: 0, lastError: null, sendAfter: now() })
    .where('id', '=', id)
    .where('clinicId', '=', clinicId)
    .where('status', '=', 'failed')
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  await enqueue(db, 'notifications.send', { id }, { maxAttempts: 1, jobKey: `notification:${id}` });
  return true;
}

/** Counts by status (health of the outbox; used by the mailbox header). */
export async function outboxCounts(db: Kysely<Database>, clinicId: string) {
  const r = await sql<{ status: string; n: number }>`select status, count(*)::int as n from notifications where clinic_id = ${clinicId} group by status`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.status, x.n])) as Partial<Record<Notification['status'], number>>;
}

/** Registers the send task (called from registerAllTasks). */
export function registerNotificationTasks(): void {
  registerTasks({
    'notifications.send': async (payload: { id: string }) => sendNotification(payload.id),
  });
}
