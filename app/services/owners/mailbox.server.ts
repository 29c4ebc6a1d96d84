import { getDb } from '../../../db/client';
import type { Notification } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { DomainError, notFound } from '../platform/errors';
import { requeueNotification } from './delivery.server';
import { clinicScope, type Principal } from '../identity/principal';
import { audit } from '../audit/audit.server';
import { describeErrorCode } from '../sms/index.server';
import { mailboxBody } from '../identity/account-mail.server';
import type { MailboxFilter } from '../../lib/mailbox';

// The clinic's mailbox: every owner message and account email of the clinic's staff, sent or
// kept in the outbox (no SMTP configured, SMS without a Twilio account), with failures and
// suppressions and why; texts with their segments and what the carrier reported (Twilio's
// status callbacks).


const PAGE = 50;

export async function listMailbox(principal: Principal, query: { status: MailboxFilter; page: number }) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  let q = db
    .selectFrom('notifications as n')
    .leftJoin('clients as c', 'c.id', 'n.clientId')
    .leftJoin('patients as p', 'p.id', 'n.patientId')
    .where('n.clinicId', '=', clinicId);
  if (query.status !== 'all') q = q.where('n.status', '=', query.status as Notification['status']);
  const [rows, count] = await Promise.all([
    q
      .select([
        'n.id', 'n.channel', 'n.template', 'n.audience', 'n.toAddress', 'n.subject', 'n.body', 'n.sealedLink', 'n.status', 'n.attempts', 'n.lastError', 'n.createdAt', 'n.sentAt', 'n.sendAfter', 'n.orderId',
        'n.provider', 'n.providerMessageId', 'n.deliveryStatus', 'n.deliveryErrorCode', 'n.deliveryUpdatedAt', 'n.segments', 'n.encoding', 'n.fallbackOfId',
        'c.firstName', 'c.lastName', 'p.name as petName',
      ])
      .orderBy('n.createdAt', 'desc')
      .orderBy('n.id')
      .limit(PAGE)
      .offset((query.page - 1) * PAGE)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const total = Number(count.n);
  return {
    messages: rows.map(({ sealedLink, ...r }) => ({
      ...r,
      // Account emails (invitations, resets) show their link only to whom may act on it.
      body: mailboxBody(principal, { ...r, sealedLink }),
      owner: r.firstName ? `${r.firstName} ${r.lastName}` : null,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt ? r.sentAt.toISOString() : null,
      sendAfter: r.sendAfter.toISOString(),
      deliveryUpdatedAt: r.deliveryUpdatedAt ? r.deliveryUpdatedAt.toISOString() : null,
      deliveryError: describeErrorCode(r.deliveryErrorCode),
    })),
    total,
    pages: Math.max(1, Math.ceil(total / PAGE)),
  };
}

/** Puts a failed message back in the send queue; audited. */
export async function retryMessage(principal: Principal, id: string): Promise<void> {
  const clinicId = clinicScope(principal);
  if (!isUuid(id)) throw notFound('Message');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      if (!(await requeueNotification(tx, clinicId, id))) throw new DomainError('not_found', 'That message is no longer failed.');
      await audit(tx, principal, { clinicId, action: 'notification.retried', subjectType: 'notification', subjectId: id });
    });
}
