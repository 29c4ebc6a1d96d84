import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { WeightText } from '~/components/weight-text';
import { formatDate, formatPhone, formatSpecies, humanize } from '~/lib/format';
import { firstError, formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { mergeFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { duplicatesOfOwner, getOwner, listOwners, mergeOwners, principalToday } from '~/services/records/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.owner.name ?? 'Owner'} — vialcart` }];

const isManager = (role: string) => role === 'manager' || role === 'admin';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  // Another clinic's owner is simply not there: 404, never 403 with a hint.
  const owner = await getOwner(user, params.id ?? '').catch(orNotFoundPage('Owner not found.'));
  if (owner.mergedIntoId) throw redirect(`/owners/${owner.mergedIntoId}`);
  const mergeQ = (new URL(request.url).searchParams.get('mergeQ') ?? '').trim().slice(0, 100);
  const manager = isManager(user.role);
  const [today, duplicates, found] = await Promise.all([
    principalToday(user),
    manager ? duplicatesOfOwner(user, owner.id) : Promise.resolve([]),
    manager && mergeQ ? listOwners(user, { q: mergeQ, limit: 10 }) : Promise.resolve(null),
  ]);
  return json({
    owner, today, canMerge: manager, duplicates, mergeQ,
    found: found ? found.owners.filter((o) => o.id !== owner.id).map((o) => ({ id: o.id, name: o.name, phone: o.phone, email: o.email, reason: `${o.petCount} pets` })) : null,
  });
}

/** A manager merges another owner into this one (the page's toast reads `message`). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async () => {
      const result = await mergeOwners(user, params.id ?? '', readForm(form, mergeFormSchema).mergedId);
      const moved = result.moved.patients ?? 0;
      return { ok: true, message: `Merged. ${moved} ${moved === 1 ? 'pet' : 'pets'} and the other owner’s requests and messages moved here.` };
    },
    { extra: (errors) => ({ ok: false, message: firstError(errors) }) },
  );
}

type Candidate = { id: string; name: string; phone: string | null; email: string | null; reason: string };

function MergeRow({ ownerName, candidate }: { ownerName: string; candidate: Candidate }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get('mergedId') === candidate.id;
  return (
    <li>
      <Form method="post" className="cluster" replace preventScrollReset>
        <span>
          <Link to={`/owners/${candidate.id}`}>{candidate.name}</Link> {[candidate.phone ? formatPhone(candidate.phone) : null, candidate.email].filter(Boolean).join(' · ')} ({candidate.reason})
        </span>
        <input type="hidden" name="mergedId" value={candidate.id} />
        <label className="check">
          <input type="checkbox" name="confirm" required aria-label={`Confirm merging ${candidate.name} into ${ownerName}`} /> <span>Confirm</span>
        </label>
        <Button size="sm" type="submit" loading={busy} aria-label={`Merge ${candidate.name} into ${ownerName}`}>
          Merge into this owner
        </Button>
      </Form>
    </li>
  );
}

export default function OwnerPage() {
  const { owner, today, canMerge, duplicates, found, mergeQ } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const created = params.get('created') === 'owner';
  const saved = params.get('saved') === '1';
  const toast = actionData
    ? { id: `${actionData.message}-${Date.now()}`, text: actionData.message, tone: actionData.ok ? ('success' as const) : ('danger' as const) }
    : created
      ? { id: 'created', text: `${owner.name} was added. Add their pets below.`, tone: 'success' as const }
      : saved
        ? { id: 'saved', text: 'Owner saved.', tone: 'success' as const }
        : null;
  return (
    <div className="stack-lg">
      <PageHeader
        title={owner.name}
        description="Owner"
        meta={owner.unsubscribed ? <Badge tone="warning">Unsubscribed</Badge> : null}
        actions={
          <>
            <ButtonLink to={`/patients/new?ownerId=${owner.id}`} variant="primary">
              Add pet
            </ButtonLink>
            <ButtonLink to={`/owners/${owner.id}/edit`}>Edit owner</ButtonLink>
          </>
        }
      />
      <Toaster message={toast} />
      <section className="card card--padded">
        <dl className="dl">
          <dt>Phone</dt>
          <dd>{[owner.phone, owner.phone2].filter(Boolean).map((p) => formatPhone(p)).join(' · ') || '—'}</dd>
          <dt>Email</dt>
          <dd>{owner.email ?? '—'}</dd>
          <dt>Address</dt>
          <dd>{owner.address ? [owner.address.line1, owner.address.line2, `${owner.address.city}, ${owner.address.state} ${owner.address.zip}`].filter(Boolean).join(', ') : '—'}</dd>
          <dt>Messages</dt>
          <dd>
            {humanize(owner.preferredChannel === 'sms' ? 'text message' : owner.preferredChannel)} · emails {owner.emailOptIn ? 'yes' : 'no'} · texts {owner.smsOptIn ? 'yes' : 'no'}
          </dd>
          <dt>PIMS id</dt>
          <dd>{owner.pimsId ?? '—'}</dd>
        </dl>
      </section>
      <section className="stack-sm">
        <h2>Pets</h2>
        <DataTable
          caption={`${owner.name}'s pets`}
          captionHidden
          rows={owner.pets}
          getRowKey={(p) => p.id}
          columns={[
            { key: 'name', header: 'Pet', rowHeader: true, cell: (p) => <Link to={`/patients/${p.id}`}>{p.name}</Link> },
            { key: 'species', header: 'Species', cell: (p) => `${formatSpecies(p.species)}${p.breed ? ` · ${p.breed}` : ''}` },
            { key: 'born', header: 'Born', cell: (p) => formatDate(p.birthDate) },
            { key: 'weight', header: 'Weight', cell: (p) => <WeightText kg={p.weightKg} measuredOn={p.weightMeasuredOn} today={today} /> },
            { key: 'exam', header: 'Last wellness exam', cell: (p) => formatDate(p.lastWellnessExamOn) },
            { key: 'status', header: 'Status', cell: (p) => <Badge tone={p.status === 'active' ? 'success' : 'neutral'}>{p.status}</Badge> },
          ]}
          empty={<EmptyState title="No pets yet" description="Add the owner’s first pet." />}
        />
      </section>
      {canMerge ? (
        <section className="card card--padded stack-sm" aria-labelledby="merge-heading">
          <h2 id="merge-heading">Merge a duplicate owner into this one</h2>
          <p className="muted">The other owner’s pets, refill requests and messages move here, blank contact details are filled from it, and it leaves the lists. Managers only; audited.</p>
          {duplicates.length ? (
            <>
              <h3>Possible duplicates (same phone or email)</h3>
              <ul className="stack-sm">
                {duplicates.map((d) => (
                  <MergeRow key={d.id} ownerName={owner.name} candidate={d} />
                ))}
              </ul>
            </>
          ) : (
            <p>No other owner shares this phone or email.</p>
          )}
          <Form method="get" className="toolbar" role="search">
            <label htmlFor="merge-search">Find another owner</label>
            <input id="merge-search" type="search" name="mergeQ" defaultValue={mergeQ} className="input" placeholder="Name, phone or email" />
            <Button type="submit">Find</Button>
          </Form>
          {found ? (
            found.length ? (
              <ul className="stack-sm">
                {found.map((d) => (
                  <MergeRow key={d.id} ownerName={owner.name} candidate={d} />
                ))}
              </ul>
            ) : (
              <p>No other owner matches “{mergeQ}”.</p>
            )
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
