import type { ReactNode } from 'react';
import { humanize } from '~/lib/format';
import { Badge } from './badge';
import { DateTimeText } from './date';

const TONE = { sent: 'success', outbox: 'info', pending: 'neutral', failed: 'danger', suppressed: 'warning' } as const;
/** What each outbox status means to a reader. */
export const MESSAGE_STATUS_LABEL = { sent: 'Sent', outbox: 'In outbox (not sent)', pending: 'Sending', failed: 'Failed', suppressed: 'Not sent' } as const;
type MessageStatus = keyof typeof MESSAGE_STATUS_LABEL;

/** One message of a mailbox as the card shows it. */
export interface MessageCardMessage {
  status: string;
  channel: string;
  template: string;
  subject: string | null;
  body: string;
  createdAt: string;
  lastError: string | null;
}

/**
 * One message of a mailbox (the clinic's, the admin's): status, channel, subject and date, with
 * any further `badges`; who it is to (`to`); channel `details` (a text's carrier status); the
 * reason it failed or was not sent; the body under "Message"; `actions`.
 */
export function MessageCard({
  message: m,
  to,
  badges,
  details,
  actions,
}: {
  message: MessageCardMessage;
  to: ReactNode;
  badges?: ReactNode;
  details?: ReactNode;
  actions?: ReactNode;
}) {
  const status = (m.status in MESSAGE_STATUS_LABEL ? m.status : 'pending') as MessageStatus;
  return (
    <li className="card">
      <div className="card__header split">
        <span className="cluster">
          <Badge tone={TONE[status]}>{MESSAGE_STATUS_LABEL[status]}</Badge>
          <Badge>{m.channel === 'sms' ? 'SMS' : 'Email'}</Badge>
          {badges}
          <strong>{m.subject ?? humanize(m.template.replace('.', ' '))}</strong>
        </span>
        <span className="muted text-sm">
          <DateTimeText value={m.createdAt} />
        </span>
      </div>
      <div className="card__body stack-sm">
        <p className="text-sm">{to}</p>
        {details}
        {m.lastError ? (
          <p className="text-sm" role={m.status === 'failed' ? 'alert' : undefined}>
            {m.status === 'suppressed' ? 'Why: ' : 'Last error: '}
            {m.lastError}
          </p>
        ) : null}
        <details>
          <summary>Message</summary>
          <pre className="mailbox__body">{m.body}</pre>
        </details>
        {actions}
      </div>
    </li>
  );
}
