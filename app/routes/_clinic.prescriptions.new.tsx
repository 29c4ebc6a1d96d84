/**
 * `/prescriptions/new` (`?patientId=` from the patient page): a veterinarian writes a
 * prescription. The medication is picked from the catalog or typed as a commercial product;
 * the SIG is read as it is typed and what it lacks is shown beside it; the DEA rules of the
 * medication's schedule are said before saving and enforced by the service (422 naming the
 * field). Technicians and other roles get a 403: only veterinarians write.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useMemo, useState } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { PATIENT_SEARCH, type PatientOption } from '~/components/patient-search';
import { Combobox } from '~/components/combobox';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { formatDate, formatSpecies, formatWeight } from '~/lib/format';
import type { FormErrors } from '~/lib/forms';
import { formAction, readForm, valuesOf } from '~/http/forms.server';
import { QUANTITY_UNIT_OPTIONS, prescriptionFormSchema } from '~/schemas/prescriptions';
import { requireUser } from '~/services/identity/auth.server';
import { getClinic, getPatient, listPrescriberRecords, writePrescription } from '~/services/records/index.server';
import { SigReading } from '~/components/sig-reading';
import { isUuid } from '../../validators/vocabulary';

export const meta: MetaFunction = () => [{ title: 'Write a prescription — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic', roles: ['veterinarian'] });
  const patientId = new URL(request.url).searchParams.get('patientId');
  const [clinic, records, patient] = await Promise.all([
    getClinic(user),
    listPrescriberRecords(user),
    patientId && isUuid(patientId) ? getPatient(user, patientId).catch(() => null) : Promise.resolve(null),
  ]);
  const me = records.prescribers.find((p) => p.userId === user.userId);
  const deaHere = (me?.deaRegistrations ?? []).filter((d) => d.state === clinic.state && d.status !== 'expired').flatMap((d) => d.schedules);
  return json({
    today: records.today,
    clinicState: clinic.state,
    policyMonths: records.prescriptionExpiryMonths,
    me: { name: me?.name ?? user.name, licensedHere: (me?.licenses ?? []).some((l) => l.state === clinic.state && l.status !== 'expired'), deaSchedules: [...new Set(deaHere)] },
    patient: patient
      ? { id: patient.id, name: patient.name, species: patient.species, status: patient.status, ownerName: patient.client.name, weightKg: patient.weightKg, weightMeasuredOn: patient.weightMeasuredOn }
      : null,
  });
}

type Result = FormErrors;

/** The form's fields; an error on any other field (who writes, the patient when fixed) is said for the whole form. */
const SHOWN = ['patientId', 'medicationId', 'medicationName', 'sig', 'quantity', 'quantityUnit', 'refillsAuthorized', 'writtenOn', 'expiresOn'];

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic', roles: ['veterinarian'] });
  const form = await request.formData();
  return formAction(
    async () => {
      const written = await writePrescription(user, readForm(form, prescriptionFormSchema));
      return redirect(`/prescriptions/${written.id}?written=1`);
    },
    {
      extra: (errors, error): Result => ({
        formError: error ? errors.formError : 'Some fields need a look.',
        fieldErrors: Object.fromEntries(Object.entries(errors.fieldErrors ?? {}).filter(([k]) => !error || SHOWN.includes(k))),
        values: valuesOf(form),
      }),
    },
  );
}

type MedicationOption = { id: string; label: string; name: string; form: string; controlledSchedule: 'II' | 'III' | 'IV' | 'V' | null; compounded: boolean };

/** What the schedule means for this prescription, said before it is saved. */
function deaRule(schedule: string | null, mine: string[]): { text: string; tone: 'warning' | 'danger' } | null {
  if (!schedule) return null;
  const covers = mine.some((s) => s === schedule || s === `${schedule}N`);
  const limits = schedule === 'II' ? 'no refills (a new prescription for each fill)' : 'at most 5 refills, valid at most six months';
  return covers
    ? { text: `C-${schedule}: ${limits}.`, tone: 'warning' }
    : { text: `C-${schedule}: your DEA registration in this state does not list schedule ${schedule}, so you cannot write it. ${limits[0]!.toUpperCase()}${limits.slice(1)}.`, tone: 'danger' };
}

export default function NewPrescription() {
  const { today, clinicState, policyMonths, me, patient } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const typed = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const errors = actionData?.fieldErrors ?? {};
  const [picked, setPicked] = useState<PatientOption | null>(null);
  const [commercial, setCommercial] = useState(typed.medicationName ? true : false);
  const [medication, setMedication] = useState<MedicationOption | null>(null);
  const [sig, setSig] = useState(typed.sig ?? '');
  const [refills, setRefills] = useState(typed.refillsAuthorized ?? '0');
  const rule = deaRule(commercial ? null : (medication?.controlledSchedule ?? null), me.deaSchedules);
  const defaultExpiryHint = useMemo(
    () => `Blank: ${policyMonths} months after the written date (the clinic's policy), six months for C-III to C-V. At most 12 months.`,
    [policyMonths],
  );
  const patientId = patient?.id ?? picked?.id ?? '';
  return (
    <div className="stack-lg">
      <PageHeader
        title="Write a prescription"
        description={`${me.name} · ${clinicState}${me.licensedHere ? '' : ' · no current licence here'}`}
        actions={<ButtonLink to={patient ? `/patients/${patient.id}` : '/prescriptions'}>Cancel</ButtonLink>}
      />
      {!me.licensedHere ? (
        <p className="form-error" role="alert">
          You hold no current licence in {clinicState} on file; a manager adds it on the prescribers page before you can write here.
        </p>
      ) : null}
      <Form method="post" className="card card--padded stack" aria-label="New prescription" noValidate>
        {actionData?.formError ? (
          <p className="form-error" role="alert">
            {actionData.formError}
          </p>
        ) : null}
        {patient ? (
          <div className="stack-sm">
            <input type="hidden" name="patientId" value={patient.id} />
            <p>
              For <Link to={`/patients/${patient.id}`}>{patient.name}</Link> ({formatSpecies(patient.species)}, {patient.ownerName}) · weight {formatWeight(patient.weightKg)}
              {patient.weightMeasuredOn ? ` on ${formatDate(patient.weightMeasuredOn)}` : ''}
              {patient.status !== 'active' ? (
                <>
                  {' '}
                  <Badge tone="danger">{patient.status}</Badge>
                </>
              ) : null}
            </p>
          </div>
        ) : (
          <>
            <input type="hidden" name="patientId" value={patientId} />
            <Combobox<PatientOption>
              label="Patient"
              placeholder="Pet, owner or phone"
              {...PATIENT_SEARCH}
              onSelect={setPicked}
              onClear={() => setPicked(null)}
              error={errors.patientId}
            />
          </>
        )}
        <fieldset className="stack-sm">
          <legend>Medication</legend>
          <label className="cluster">
            <input type="checkbox" name="commercialProduct" checked={commercial} onChange={(e) => setCommercial(e.target.checked)} /> A commercial product outside the catalog
          </label>
          {commercial ? (
            <FormField label="Product name" name="medicationName" defaultValue={typed.medicationName ?? ''} maxLength={200} error={errors.medicationName} hint="As on the label, with strength and form." />
          ) : (
            <>
              <input type="hidden" name="medicationId" value={medication?.id ?? ''} />
              <Combobox<MedicationOption>
                label="Catalog medication"
                placeholder="Name, strength or ingredient"
                source={(q) => `/prescriptions/medications?q=${encodeURIComponent(q)}`}
                getKey={(m) => m.id}
                getText={(m) => m.label}
                renderOption={(m) => (
                  <>
                    <strong>{m.label}</strong> {m.controlledSchedule ? <Badge tone="warning">C-{m.controlledSchedule}</Badge> : null}
                    {m.compounded ? <span className="text-sm muted"> · compounded</span> : null}
                  </>
                )}
                onSelect={setMedication}
                onClear={() => setMedication(null)}
                error={errors.medicationId}
              />
            </>
          )}
          {rule ? (
            <p className={rule.tone === 'danger' ? 'form-error' : 'text-sm'} role={rule.tone === 'danger' ? 'alert' : undefined}>
              <Badge tone={rule.tone}>DEA</Badge> {rule.text}
            </p>
          ) : null}
        </fieldset>
        <FormField label="Directions (SIG)" name="sig" as="textarea" rows={2} value={sig} onChange={(e) => setSig(e.target.value)} error={errors.sig} hint="Dose, route, frequency and duration, e.g. Give 0.5 ml by mouth twice daily for 30 days." />
        <SigReading sig={sig} form={commercial ? null : (medication?.form ?? null)} />
        <div className="cluster">
          <FormField label="Quantity" name="quantity" type="number" min={1} max={10000} inputMode="numeric" defaultValue={typed.quantity ?? '1'} error={errors.quantity} />
          <FormField label="Unit" name="quantityUnit" as="select" defaultValue={typed.quantityUnit ?? 'vial'} error={errors.quantityUnit}>
            {QUANTITY_UNIT_OPTIONS.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </FormField>
          <FormField label="Refills" name="refillsAuthorized" type="number" min={0} max={99} inputMode="numeric" value={refills} onChange={(e) => setRefills(e.target.value)} error={errors.refillsAuthorized} />
          <FormField label="Written on" name="writtenOn" type="date" max={today} defaultValue={typed.writtenOn ?? today} error={errors.writtenOn} />
          <FormField label="Expires on" name="expiresOn" type="date" min={today} defaultValue={typed.expiresOn ?? ''} error={errors.expiresOn} hint={defaultExpiryHint} />
        </div>
        <div className="cluster">
          <Button type="submit" variant="primary" loading={navigation.state === 'submitting'}>
            Write prescription
          </Button>
        </div>
      </Form>
    </div>
  );
}
