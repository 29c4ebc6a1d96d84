import { Form } from '@remix-run/react';
import type { FormErrors } from '~/lib/forms';
import { Badge } from './badge';
import { Button } from './button';
import { DataTable } from './data-table';
import { DateTimeText } from './date';
import { FormAlert } from './form-alert';
import { FormField } from './form-field';

/** A person of a clinic or pharmacy as the admin pages list them. */
export type PersonRow = { id: string; name: string; email: string; status: string; lastLoginAt: string | null };

/** The people of a clinic (its managers) or a pharmacy (its pharmacists): name, email, status, last sign-in. */
export function PeopleTable({ caption, rows, empty }: { caption: string; rows: PersonRow[]; empty: string }) {
  return (
    <DataTable
      caption={caption}
      captionHidden
      maxHeight="none"
      rows={rows}
      getRowKey={(m) => m.id}
      empty={empty}
      columns={[
        { key: 'name', header: 'Name', rowHeader: true, cell: (m) => m.name },
        { key: 'email', header: 'Email', cell: (m) => m.email },
        { key: 'status', header: 'Status', cell: (m) => <Badge tone={m.status === 'active' ? 'success' : m.status === 'invited' ? 'info' : 'neutral'}>{m.status === 'active' ? 'Active' : m.status === 'invited' ? 'Invited' : 'Deactivated'}</Badge> },
        { key: 'lastLoginAt', header: 'Last sign-in', cell: (m) => <DateTimeText value={m.lastLoginAt} /> },
      ]}
    />
  );
}

/** An invitation form (email and name) posting `intent`; keeps what was typed after an error and clears after success. */
export function InvitePersonForm({ intent, who, answer, busy }: { intent: string; who: string; answer: (FormErrors & { done?: string }) | undefined; busy: boolean }) {
  const typed = answer?.values as { email?: string; name?: string } | undefined;
  return (
    <Form method="post" className="stack-sm" noValidate>
      <input type="hidden" name="intent" value={intent} />
      <FormAlert message={answer?.formError && !answer.fieldErrors ? answer.formError : undefined} />
      <div className="grid">
        <FormField label={`${who}'s email`} name="email" type="email" autoComplete="off" required defaultValue={answer?.done ? '' : (typed?.email ?? '')} error={answer?.fieldErrors?.email} />
        <FormField label={`${who}'s name`} name="name" autoComplete="off" defaultValue={answer?.done ? '' : (typed?.name ?? '')} error={answer?.fieldErrors?.name} />
      </div>
      <div>
        <Button type="submit" loading={busy}>
          Invite {who.toLowerCase()}
        </Button>
      </div>
    </Form>
  );
}
