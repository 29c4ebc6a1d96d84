import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { EmptyState } from '~/components/empty-state';
import { MessageCard } from '~/components/message-card';
import { PageHeader } from '~/components/page-header';
import { formatNumber } from '~/lib/format';
import { listAccountEmails, requireUser } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'Mailbox — vialcart admin' }];

const PAGE_SIZE = 50;
const query = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1) });

// Account emails of the whole platform (invitations, password resets). Without a mail server
// they wait in the outbox, and this page is how their links reach people (docs/onboarding.md).
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  const { page } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return json({ ...(await listAccountEmails(user, page)), page });
}

const KIND: Record<string, string> = { 'account.invitation': 'Invitation', 'account.password_reset': 'Password reset' };

export default function AdminMailbox() {
  const { messages, total, page } = useLoaderData<typeof loader>();
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <div className="stack-lg">
      <PageHeader
        title="Mailbox"
        description={`${formatNumber(total)} account emails: invitations and password resets. Links show here only while a message waits in the outbox; once sent, only its recipient has it.`}
      />
      {messages.length === 0 ? (
        <EmptyState title="No account emails" description="Invitations and password resets appear here." />
      ) : (
        <ol className="stack" aria-label="Account emails, newest first">
          {messages.map((m) => (
            <MessageCard
              key={m.id}
              message={{ ...m, channel: 'email', subject: `${KIND[m.template] ?? m.template}: ${m.subject ?? ''}` }}
              to={`To <${m.toAddress}>${m.organisation ? ` · ${m.organisation}` : ''}`}
            />
          ))}
        </ol>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="cluster">
          {page > 1 ? <Link to={`?page=${page - 1}`}>Previous</Link> : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link to={`?page=${page + 1}`}>Next</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
