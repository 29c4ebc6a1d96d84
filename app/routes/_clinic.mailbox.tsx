import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DateTimeText } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { MESSAGE_STATUS_LABEL, MessageCard } from '~/components/message-card';
import { PageHeader } from '~/components/page-header';
import { formatNumber } from '~/lib/format';
import { requireUser } from '~/services/identity/auth.server';
import { formAction, readForm } from '~/http/forms.server';
import { retryMessageFormSchema } from '~/schemas/mailbox';
import { MAILBOX_FILTERS } from '~/lib/mailbox';
import { smsDeliveryLook } from '~/lib/status';
import { listMailbox, retryMessage } from '~/services/owners/mailbox.server';

export const meta: MetaFunction = () => [{ title: 'Mailbox — vialcart' }];

const query = z.object({ status: z.enum(MAILBOX_FILTERS).catch('all'), page: z.coerce.number().int().min(1).max(10_000).catch(1) });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const q = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ ...(await listMailbox(user, q)), ...q });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async () => {
      await retryMessage(user, readForm(form, retryMessageFormSchema).id);
      return { ok: true };
    },
    { extra: { ok: false } },
  );
}

const LABEL = MESSAGE_STATUS_LABEL;

// Every owner message and staff account email (invitations, resets — links shown only to whom
// may act on them): what was sent, what stays in the outbox (no mail server or SMS
// gateway configured), and what failed or was suppressed, with the reason.
export default function Mailbox() {
  const { messages, total, pages, page, status } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const link = (patch: Record<string, string>) => `?${new URLSearchParams({ ...Object.fromEntries(params), ...patch }).toString()}`;
  return (
    <div className="stack-lg">
      <PageHeader title="Mailbox" description={`${formatNumber(total)} messages to owners and staff${status === 'all' ? '' : ` · ${LABEL[status]}`}`} />
      <nav aria-label="Filter messages" className="cluster">
        {MAILBOX_FILTERS.map((f) => (
          <Link key={f} to={link({ status: f, page: '1' })} aria-current={f === status ? 'page' : undefined}>
            {f === 'all' ? 'All' : LABEL[f]}
          </Link>
        ))}
      </nav>
      {messages.length === 0 ? (
        <EmptyState title="No messages" description="Owner messages appear here when requests are answered and orders move." />
      ) : (
        <ol className="stack" aria-label="Messages, newest first">
          {messages.map((m) => (
            <MessageCard
              key={m.id}
              message={m}
              badges={
                <>
                  {m.deliveryStatus ? <Badge tone={smsDeliveryLook(m.deliveryStatus).tone}>{smsDeliveryLook(m.deliveryStatus).label}</Badge> : null}
                  {m.fallbackOfId ? <Badge tone="info">Instead of an undelivered text</Badge> : null}
                </>
              }
              to={
                <>
                  To {m.audience === 'staff' ? 'staff member' : (m.owner ?? 'owner')} &lt;{m.toAddress || 'no address'}&gt;{m.petName ? ` · about ${m.petName}` : ''} · {m.template}
                  {m.attempts > 0 ? ` · ${m.attempts} attempt${m.attempts === 1 ? '' : 's'}` : ''}
                  {m.segments ? ` · ${m.segments} segment${m.segments === 1 ? '' : 's'} (${m.encoding})` : ''}
                </>
              }
              details={
                <>
                  {m.channel === 'sms' && m.status === 'pending' && new Date(m.sendAfter).getTime() > new Date(m.createdAt).getTime() ? (
                    <p className="text-sm">
                      Held for the clinic’s quiet hours until <DateTimeText value={m.sendAfter} />.
                    </p>
                  ) : null}
                  {m.deliveryError ? <p className="text-sm">Carrier: {m.deliveryError}</p> : null}
                  {m.providerMessageId ? <p className="muted text-sm">Twilio message {m.providerMessageId}</p> : null}
                </>
              }
              actions={
                m.status === 'failed' ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={m.id} />
                    <Button type="submit" variant="secondary" size="sm">
                      Retry
                    </Button>
                  </Form>
                ) : null
              }
            />
          ))}
        </ol>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="cluster">
          {page > 1 ? <Link to={link({ page: String(page - 1) })}>Previous</Link> : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link to={link({ page: String(page + 1) })}>Next</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
