import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import type { Bind } from '~/components/records/bind';
import { PossibleDuplicates, type DuplicateCandidate } from '~/components/records/duplicates';
import { PatientFields } from '~/components/records/patient-fields';
import { formatPhone } from '~/lib/format';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { patientFormSchema, patientFormValues, type PatientForm } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import type { DomainError } from '~/services/platform/errors';
import { createPatient, getOwner, listOwners } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'New patient — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const url = new URL(request.url);
  const ownerId = url.searchParams.get('ownerId');
  if (ownerId) {
    const owner = await getOwner(user, ownerId).catch(orNotFoundPage('Owner not found.'));
    if (owner.mergedIntoId) throw redirect(`/patients/new?ownerId=${owner.mergedIntoId}`);
    return json({ owner: { id: owner.id, name: owner.name, petNames: owner.pets.map((p) => p.name) }, q: '', owners: null });
  }
  // No owner yet: find them first (or create them).
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const owners = q ? (await listOwners(user, { q, limit: 20 })).owners : null;
  return json({ owner: null, q, owners });
}

/** The candidates a possible duplicate answers with (409), for the form to show until confirmed. */
const duplicatesOf = (_errors: FormErrors, error?: DomainError) => ({ duplicates: error?.details?.duplicates as DuplicateCandidate[] | undefined });

/** Creates the patient and opens it; a possible duplicate comes back with the candidates until confirmed. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    const input = readForm(form, patientFormSchema);
    const { value } = await createPatient(user, input.patient, { allowDuplicate: input.allowDuplicate });
    return redirect(`/patients/${value.patient.id}?created=1`);
  }, { extra: duplicatesOf });
}

function PickOwner({ q, owners }: { q: string; owners: { id: string; name: string; phone: string | null; email: string | null; petCount: number }[] | null }) {
  return (
    <div className="stack-lg">
      <PageHeader title="New patient" description="Whose pet is it? Find the owner, or add a new one." actions={<ButtonLink to="/owners/new">New owner</ButtonLink>} />
      <Form method="get" className="toolbar" role="search">
        <label htmlFor="owner-search">Find the owner</label>
        <input id="owner-search" type="search" name="q" defaultValue={q} className="input" placeholder="Name, phone or email" autoFocus />
        <Button type="submit">Find</Button>
      </Form>
      {owners ? (
        <DataTable
          caption="Matching owners"
          rows={owners}
          getRowKey={(o) => o.id}
          columns={[
            { key: 'name', header: 'Owner', rowHeader: true, cell: (o) => <Link to={`/patients/new?ownerId=${o.id}`}>Add a pet for {o.name}</Link> },
            { key: 'contact', header: 'Contact', cell: (o) => [o.phone ? formatPhone(o.phone) : null, o.email].filter(Boolean).join(' · ') },
            { key: 'pets', header: 'Pets', align: 'end', cell: (o) => o.petCount },
          ]}
          empty={<EmptyState title="No owner matches" description="Check the spelling, or add the owner first." />}
        />
      ) : null}
    </div>
  );
}

function NewPatientForm({ owner }: { owner: { id: string; name: string; petNames: string[] } }) {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf, watch } = useRemixForm(patientFormSchema, { defaultValues: patientFormValues(owner.id, null), actionData });
  const bind: Bind = (name) => ({ ...register(name as keyof PatientForm), error: errorOf(name) });
  return (
    <div className="stack-lg">
      <PageHeader
        title="New patient"
        description={
          <>
            A pet of <Link to={`/owners/${owner.id}`}>{owner.name}</Link>
            {owner.petNames.length ? ` (already: ${owner.petNames.join(', ')})` : ''}.
          </>
        }
      />
      <Form method="post" noValidate onSubmit={onSubmit} className="stack card card--padded">
        {actionData?.formError && !actionData.duplicates ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <input type="hidden" {...register('ownerId')} />
        <PatientFields bind={bind} status={String(watch('status') ?? 'active')} />
        {actionData?.duplicates ? <PossibleDuplicates kind="patient" candidates={actionData.duplicates} confirm={register('allowDuplicate')} /> : null}
        <div className="cluster">
          <Button type="submit" variant="primary" loading={navigation.state === 'submitting'}>
            Create patient
          </Button>
          <Link to={`/owners/${owner.id}`}>Cancel</Link>
        </div>
      </Form>
    </div>
  );
}

export default function NewPatientPage() {
  const data = useLoaderData<typeof loader>();
  return data.owner ? <NewPatientForm owner={data.owner} /> : <PickOwner q={data.q} owners={data.owners} />;
}
