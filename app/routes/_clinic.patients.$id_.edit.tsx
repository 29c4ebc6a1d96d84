import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { PageHeader } from '~/components/page-header';
import type { Bind } from '~/components/records/bind';
import { PatientFields } from '~/components/records/patient-fields';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { useRemixForm } from '~/lib/forms';
import { patientFormSchema, patientFormValues, type PatientForm } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { patientForEdit, updatePatient } from '~/services/records/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.patient.name ?? 'patient'} — vialcart` }];

/** A merged record opens the survivor's edit page; another clinic's patient is a 404. */
const notFoundPage = (error: unknown): never => {
  const mergedIntoId = error instanceof DomainError ? error.details?.mergedIntoId : undefined;
  if (typeof mergedIntoId === 'string') throw redirect(`/patients/${mergedIntoId}/edit`);
  return orNotFoundPage('Patient not found.')(error);
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  return json({ patient: await patientForEdit(user, params.id ?? '').catch(notFoundPage) });
}

/** Saves the patient; a status change's effects come back to the patient page in its address. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    const { patient, effects } = await updatePatient(user, params.id ?? '', readForm(form, patientFormSchema).patient);
    const said = new URLSearchParams({ saved: '1' });
    if (effects) {
      said.set('lines', String(effects.cartLinesRemoved));
      said.set('requests', String(effects.requestsCancelled));
      said.set('renewals', String(effects.renewalsCancelled));
      said.set('reminders', String(effects.remindersStopped));
    }
    return redirect(`/patients/${patient.id}?${said.toString()}`);
  });
}

export default function EditPatientPage() {
  const { patient } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf, watch } = useRemixForm(patientFormSchema, { defaultValues: patientFormValues(patient.clientId, patient), actionData });
  const bind: Bind = (name) => ({ ...register(name as keyof PatientForm), error: errorOf(name) });
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Edit ${patient.name}`}
        description={
          <>
            A pet of <Link to={`/owners/${patient.clientId}`}>{patient.ownerName}</Link>
            {patient.birthDateEstimated ? '. The birth date on file is an estimate.' : '.'}
          </>
        }
      />
      <Form method="post" noValidate onSubmit={onSubmit} className="stack card card--padded">
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <input type="hidden" {...register('ownerId')} />
        <PatientFields bind={bind} status={String(watch('status') ?? patient.status)} />
        <div className="cluster">
          <Button type="submit" variant="primary" loading={navigation.state === 'submitting'}>
            Save patient
          </Button>
          <Link to={`/patients/${patient.id}`}>Cancel</Link>
        </div>
      </Form>
    </div>
  );
}
