import { Form, useNavigation } from '@remix-run/react';
import { useEffect } from 'react';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { createApiKeySchema } from '~/schemas/identity';
import { Badge } from './badge';
import { Button } from './button';
import { DataTable } from './data-table';
import { DateTimeText } from './date';
import { FormAlert } from './form-alert';
import { FormField } from './form-field';
import { Toaster } from './toast';

/** One key as the panel lists it (never its secret). */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scope: string;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Until when the secret before the last rotation still works. */
  previousWorksUntil?: string | null;
}

/** Props of {@link ApiKeysPanel}. */
export interface ApiKeysPanelProps {
  keys: ApiKeyRow[];
  /** The action's answer: a new key's secret (shown once), a revocation, or errors. */
  answer: (FormErrors & { intent?: string; created?: { name: string; secret: string; scope: string }; revoked?: boolean; rotated?: { secret: string; previousWorksUntil: string | null } }) | undefined;
  /** Which API the keys open, e.g. "/api/v1". */
  apiBase: string;
}

/**
 * The API keys of a clinic or a pharmacy: create a named key with a scope (its secret shown
 * once), and the keys with prefix, scope, creation, last use and a revoke button.
 */
export function ApiKeysPanel({ keys, answer, apiBase }: ApiKeysPanelProps) {
  const navigation = useNavigation();
  const createAnswer = answer?.intent === 'create' ? answer : undefined;
  const { register, onSubmit, errorOf, reset } = useRemixForm(createApiKeySchema, {
    defaultValues: { intent: 'create', name: '', scope: 'read' },
    actionData: createAnswer,
  });
  useEffect(() => {
    if (answer?.created) reset({ intent: 'create', name: '', scope: 'read' });
  }, [answer, reset]);
  const busy = (intent: string, keyId?: string) => navigation.state !== 'idle' && navigation.formData?.get('intent') === intent && (!keyId || navigation.formData?.get('keyId') === keyId);
  const revokeError = answer?.intent === 'revoke' || answer?.intent === 'rotate' ? answer.formError : undefined;
  return (
    <div className="stack-lg">
      <Toaster message={answer?.revoked ? { id: `revoked-${Date.now()}`, text: 'Key revoked: its next request is refused.', tone: 'success' } : null} />
      {answer?.created ? (
        <section aria-labelledby="new-key-heading" className="card card--padded stack-sm" role="status">
          <h2 id="new-key-heading">Your new key “{answer.created.name}”</h2>
          <p>Copy it now: it is shown only this once. vialcart keeps only a fingerprint of it.</p>
          <code className="secret" aria-label="The new API key">
            {answer.created.secret}
          </code>
          <p className="muted text-sm">
            Send it as <code>Authorization: Bearer …</code> to {apiBase}. Scope: {answer.created.scope === 'write' ? 'read and write' : 'read only (GET requests)'}.
          </p>
        </section>
      ) : null}
      {answer?.rotated ? (
        <section aria-labelledby="rotated-key-heading" className="card card--padded stack-sm" role="status">
          <h2 id="rotated-key-heading">The key’s new secret</h2>
          <p>Copy it now: it is shown only this once.</p>
          <code className="secret" aria-label="The new API key">
            {answer.rotated.secret}
          </code>
          <p className="muted text-sm">
            {answer.rotated.previousWorksUntil ? (
              <>
                The previous secret keeps working until <DateTimeText value={answer.rotated.previousWorksUntil} />: switch your systems before then.
              </>
            ) : (
              'The previous secret stopped working at once.'
            )}
          </p>
        </section>
      ) : null}
      <section aria-labelledby="create-key-heading" className="card card--padded stack">
        <h2 id="create-key-heading">Create a key</h2>
        <FormAlert message={createAnswer?.formError && !createAnswer.fieldErrors ? createAnswer.formError : undefined} />
        <Form method="post" noValidate onSubmit={onSubmit} className="stack">
          <input type="hidden" {...register('intent')} />
          <div className="grid">
            <FormField label="Name" hint="What uses it, e.g. “PIMS sync”." autoComplete="off" required error={errorOf('name')} {...register('name')} />
            <FormField label="Scope" as="select" hint="Read: GET requests only. Write: every request." error={errorOf('scope')} {...register('scope')}>
              <option value="read">Read</option>
              <option value="write">Read and write</option>
            </FormField>
          </div>
          <div>
            <Button type="submit" variant="primary" loading={busy('create')}>
              Create key
            </Button>
          </div>
        </Form>
      </section>
      <section aria-labelledby="keys-heading" className="stack-sm">
        <h2 id="keys-heading">Keys</h2>
        <FormAlert message={revokeError} />
        <DataTable
          caption="API keys"
          captionHidden
          maxHeight="none"
          rows={keys}
          getRowKey={(k) => k.id}
          empty="No keys yet."
          columns={[
            { key: 'name', header: 'Name', rowHeader: true, cell: (k) => k.name },
            { key: 'prefix', header: 'Starts with', cell: (k) => <code>{k.prefix}…</code> },
            { key: 'scope', header: 'Scope', cell: (k) => (k.scope === 'write' ? 'Read and write' : 'Read') },
            { key: 'createdAt', header: 'Created', cell: (k) => <span><DateTimeText value={k.createdAt} />{k.createdBy ? ` by ${k.createdBy}` : ''}</span> },
            { key: 'lastUsedAt', header: 'Last used', cell: (k) => (k.lastUsedAt ? <DateTimeText value={k.lastUsedAt} /> : 'Never') },
            {
              key: 'status',
              header: 'Status',
              cell: (k) =>
                k.revokedAt ? (
                  <span className="stack-sm">
                    <Badge>Revoked</Badge>
                    <span className="muted text-sm">
                      <DateTimeText value={k.revokedAt} />
                    </span>
                  </span>
                ) : k.previousWorksUntil ? (
                  <span className="stack-sm">
                    <Badge tone="info">Rotated</Badge>
                    <span className="muted text-sm">
                      previous secret works until <DateTimeText value={k.previousWorksUntil} />
                    </span>
                  </span>
                ) : (
                  <Badge tone="success">Active</Badge>
                ),
            },
            {
              key: 'actions',
              header: <span className="visually-hidden">Actions</span>,
              cell: (k) =>
                k.revokedAt ? null : (
                  <span className="cluster">
                    <Form method="post">
                      <input type="hidden" name="intent" value="rotate" />
                      <input type="hidden" name="keyId" value={k.id} />
                      <input type="hidden" name="overlapHours" value="24" />
                      <Button type="submit" size="sm" loading={busy('rotate', k.id)} title="A new secret; the current one keeps working for 24 hours">
                        Rotate<span className="visually-hidden"> {k.name}</span>
                      </Button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="keyId" value={k.id} />
                      <Button type="submit" size="sm" variant="danger" loading={busy('revoke', k.id)}>
                        Revoke<span className="visually-hidden"> {k.name}</span>
                      </Button>
                    </Form>
                  </span>
                ),
            },
          ]}
        />
      </section>
    </div>
  );
}
