import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { getEnv } from '../../env.server';
import { now } from '../platform/clock.server';
import { notFound } from '../platform/errors';
import { enqueue } from '../platform/jobs.server';
import type { Principal } from './principal';
import { LINK_PLACEHOLDER, openLink, sealLink, withLink } from './tokens.server';

// Account emails (invitations, password resets) go through the same outbox as owner messages:
// a `notifications` row with audience `staff`, written in the transaction of the change it
// announces, sent by the `notifications.send` job over SMTP when SMTP_URL is set. The link
// inside is sealed in the row and opened only to deliver it, or to show it on the mailbox of
// someone allowed to act on it while it waits in the outbox (docs/onboarding.md).

/** The account emails. */
export type AccountTemplate = 'account.invitation' | 'account.password_reset';

/** What an account email says; `{{link}}` in `body` is where its link goes. */
export type AccountMessage = {
  template: AccountTemplate;
  to: string;
  userId: string;
  clinicId: string | null;
  pharmacyId: string | null;
  subject: string;
  body: string;
  link: string;
};

/** An absolute URL on this instance. */
export function appUrl(path: string): string {
  return new URL(path, getEnv().APP_URL).toString();
}

/** Writes an account email into the outbox in the caller's transaction and queues its send. */
export async function queueAccountEmail(tx: Kysely<Database>, message: AccountMessage): Promise<string> {
  if (!message.body.includes(LINK_PLACEHOLDER)) throw new Error('an account email needs its {{link}}');
  const at = now();
  const row = await tx
    .insertInto('notifications')
    .values({
      audience: 'staff',
      clinicId: message.clinicId,
      pharmacyId: message.pharmacyId,
      userId: message.userId,
      clientId: null,
      channel: 'email',
      template: message.template,
      toAddress: message.to,
      subject: message.subject,
      body: message.body,
      html: null,
      sealedLink: sealLink(message.link),
      status: 'pending',
      sendAfter: at,
      createdAt: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueue(tx, 'notifications.send', { id: row.id }, { maxAttempts: 1, jobKey: `notification:${row.id}` });
  return row.id;
}

/**
 * Forgets the links of a user's earlier account emails of one kind (a resend, an acceptance, a
 * deactivation): one still waiting to be sent is not sent any more.
 */
export async function forgetQueuedLinks(tx: Kysely<Database>, userId: string, template: AccountTemplate): Promise<void> {
  const mine = (q: ReturnType<typeof tx.updateTable<'notifications'>>) => q.where('userId', '=', userId).where('template', '=', template).where('audience', '=', 'staff');
  await mine(tx.updateTable('notifications').set({ status: 'suppressed', lastError: 'A newer link replaced this one, or it was used or withdrawn.' })).where('status', '=', 'pending').execute();
  await mine(tx.updateTable('notifications').set({ sealedLink: null })).where('sealedLink', 'is not', null).execute();
}

/** One account email as a mailbox shows it. */
export type AccountMailView = {
  id: string;
  template: string;
  toAddress: string;
  subject: string | null;
  body: string;
  status: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** Where it is from: the clinic's or pharmacy's name, or null for the platform. */
  organisation: string | null;
};

/**
 * The account emails of the whole platform, newest first (the admin's mailbox). While one
 * waits in the outbox (no SMTP), its link is shown: the operator is the only way it reaches
 * its recipient.
 */
export async function listAccountEmails(principal: Principal, page = 1): Promise<{ messages: AccountMailView[]; total: number }> {
  if (principal.kind !== 'user' || principal.role !== 'admin') throw notFound('Mailbox');
  return accountEmails(getDb(), principal, { page });
}

/**
 * The body a mailbox shows. An owner message as written; an account email with its link while
 * it waits in the outbox only to whom may act on it: the admin, and a clinic's manager for an
 * invitation (a manager could invite that address anyway). Password-reset links are otherwise
 * only ever in the person's own inbox.
 */
export function mailboxBody(principal: Principal, row: { audience: 'owner' | 'staff'; template: string; body: string; sealedLink: string | null }): string {
  if (row.audience !== 'staff') return row.body;
  const role = principal.kind === 'user' ? principal.role : null;
  const mayShow = role === 'admin' || (role === 'manager' && row.template === 'account.invitation');
  return withLink(row.body, mayShow ? openLink(row.sealedLink) : null);
}

const PAGE = 50;

async function accountEmails(db: Kysely<Database>, viewer: Principal, where: { page: number }) {
  const q = db
    .selectFrom('notifications as n')
    .leftJoin('clinics as c', 'c.id', 'n.clinicId')
    .leftJoin('pharmacies as p', 'p.id', 'n.pharmacyId')
    .where('n.audience', '=', 'staff');
  const [rows, count] = await Promise.all([
    q
      .select(['n.id', 'n.template', 'n.toAddress', 'n.subject', 'n.body', 'n.status', 'n.lastError', 'n.sealedLink', 'n.createdAt', 'n.sentAt', 'c.name as clinicName', 'p.name as pharmacyName'])
      .orderBy('n.createdAt', 'desc')
      .orderBy('n.id')
      .limit(PAGE)
      .offset((Math.max(1, where.page) - 1) * PAGE)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    messages: rows.map((r) => ({
      id: r.id,
      template: r.template,
      toAddress: r.toAddress,
      subject: r.subject,
      body: mailboxBody(viewer, { audience: 'staff', template: r.template, body: r.body, sealedLink: r.sealedLink }),
      status: r.status,
      lastError: r.lastError,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt ? r.sentAt.toISOString() : null,
      organisation: r.clinicName ?? r.pharmacyName ?? null,
    })),
  };
}
