/**
 * `/settings/prescribers`: each veterinarian's state licences and DEA registrations, and the
 * clinic's prescription policy. A manager adds, corrects, renews and removes them; a DEA
 * number is checked for its check digit and refused with the reason on the field; a licence or
 * registration that has already expired is refused. Others read the page.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { formatDate, formatRole } from '~/lib/format';
import type { FormErrors } from '~/lib/forms';
import { formAction, readForm, valuesOf } from '~/http/forms.server';
import { DEA_SCHEDULE_OPTIONS, prescribersActionSchema } from '~/schemas/prescriptions';
import { requireUser } from '~/services/identity/auth.server';
import {
  addDeaRegistration,
  addLicense,
  listPrescriberRecords,
  removeDeaRegistration,
  removeLicense,
  setPrescriptionPolicy,
  updateDeaRegistration,
  updateLicense,
  type CredentialStatus,
} from '~/services/records/index.server';
import { USPS_CODES } from '../../validators/vocabulary';

export const meta: MetaFunction = () => [{ title: 'Prescribers — Settings — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  return json({ ...(await listPrescriberRecords(user)), canEdit: user.role === 'manager' });
}

/** Which form answered (its intent and the row or veterinarian), with its errors or what it did. */
type Result = FormErrors & { intent?: string; target?: string; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const target = String(form.get('id') ?? form.get('userId') ?? '');
  return formAction(
    async (): Promise<Result> => {
      const input = readForm(form, prescribersActionSchema);
      switch (input.intent) {
        case 'add-license':
          await addLicense(user, { userId: input.userId }, input);
          return { intent, target, message: `Licence ${input.number} (${input.state}) added.` };
        case 'update-license':
          await updateLicense(user, input.id, input);
          return { intent, target, message: `Licence ${input.number} (${input.state}) saved.` };
        case 'remove-license':
          await removeLicense(user, input.id);
          return { intent, target, message: 'Licence removed.' };
        case 'add-dea':
          await addDeaRegistration(user, { userId: input.userId }, input);
          return { intent, target, message: `DEA registration ${input.number.toUpperCase()} (${input.state}) added.` };
        case 'update-dea':
          await updateDeaRegistration(user, input.id, input);
          return { intent, target, message: `DEA registration ${input.number.toUpperCase()} (${input.state}) saved.` };
        case 'remove-dea':
          await removeDeaRegistration(user, input.id);
          return { intent, target, message: 'DEA registration removed.' };
        case 'policy':
          await setPrescriptionPolicy(user, input);
          return { intent, target, message: `New prescriptions are valid ${input.prescriptionExpiryMonths} months unless the veterinarian says otherwise.` };
      }
    },
    { extra: () => ({ intent, target, values: valuesOf(form) }) },
  );
}

const LOOK: Record<CredentialStatus, { label: string; tone: 'success' | 'warning' | 'danger' }> = {
  current: { label: 'Current', tone: 'success' },
  expiring: { label: 'Expires within 60 days', tone: 'warning' },
  expired: { label: 'Expired', tone: 'danger' },
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Person = Data['prescribers'][number];

/** The answer of the form with this intent and target, if it was the last one sent. */
function useAnswer(intent: string, target: string) {
  const answer = useActionData<typeof action>();
  return answer && answer.intent === intent && answer.target === target ? answer : undefined;
}

function StateSelect({ name, defaultValue, error }: { name: string; defaultValue: string; error?: string | undefined }) {
  return (
    <FormField label="State" name={name} as="select" defaultValue={defaultValue} error={error}>
      {USPS_CODES.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </FormField>
  );
}

function LicenseForm({ intent, target, initial, label, onDone }: { intent: 'add-license' | 'update-license'; target: string; initial: { state: string; number: string; expiresOn: string }; label: string; onDone?: () => void }) {
  const answer = useAnswer(intent, target);
  const navigation = useNavigation();
  const typed = (answer?.formError || answer?.fieldErrors ? answer.values : undefined) as Record<string, string> | undefined;
  const errors = answer?.fieldErrors ?? {};
  return (
    <Form method="post" className="cluster" aria-label={label} onSubmit={() => onDone?.()}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={intent === 'add-license' ? 'userId' : 'id'} value={target} />
      <StateSelect name="state" defaultValue={typed?.state ?? initial.state} error={errors.state} />
      <FormField label="Licence number" name="number" defaultValue={typed?.number ?? initial.number} maxLength={40} error={errors.number} />
      <FormField label="Expires on" name="expiresOn" type="date" defaultValue={typed?.expiresOn ?? initial.expiresOn} error={errors.expiresOn} />
      <Button type="submit" loading={navigation.state === 'submitting' && navigation.formData?.get('intent') === intent}>
        {intent === 'add-license' ? 'Add licence' : 'Save licence'}
      </Button>
      <FormLevelError answer={answer} />
    </Form>
  );
}

function DeaForm({ intent, target, initial, label }: { intent: 'add-dea' | 'update-dea'; target: string; initial: { state: string; number: string; schedules: string[]; expiresOn: string }; label: string }) {
  const answer = useAnswer(intent, target);
  const navigation = useNavigation();
  const failed = !!(answer?.formError || answer?.fieldErrors);
  const typed = (failed ? answer?.values : undefined) as Record<string, string> | undefined;
  const errors = answer?.fieldErrors ?? {};
  const [schedules, setSchedules] = useState<string[]>(initial.schedules);
  return (
    <Form method="post" className="cluster" aria-label={label}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={intent === 'add-dea' ? 'userId' : 'id'} value={target} />
      <FormField label="DEA number" name="number" defaultValue={typed?.number ?? initial.number} maxLength={20} error={errors.number} hint="Two letters and seven digits; the last is a check digit." className="mono" />
      <StateSelect name="state" defaultValue={typed?.state ?? initial.state} error={errors.state} />
      <fieldset className="cluster" aria-describedby={errors.schedules ? `${target}-${intent}-schedules-error` : undefined}>
        <legend>Schedules</legend>
        {DEA_SCHEDULE_OPTIONS.map((s) => (
          <label key={s} className="cluster">
            <input type="checkbox" name="schedules" value={s} checked={schedules.includes(s)} onChange={(e) => setSchedules((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))} /> {s}
          </label>
        ))}
        {errors.schedules ? (
          <p className="field__error" id={`${target}-${intent}-schedules-error`}>
            {errors.schedules}
          </p>
        ) : null}
      </fieldset>
      <FormField label="Expires on" name="expiresOn" type="date" defaultValue={typed?.expiresOn ?? initial.expiresOn} error={errors.expiresOn} />
      <Button type="submit" loading={navigation.state === 'submitting' && navigation.formData?.get('intent') === intent}>
        {intent === 'add-dea' ? 'Add DEA registration' : 'Save registration'}
      </Button>
      <FormLevelError answer={answer} />
    </Form>
  );
}

/** A refusal that names no field of the form (say, a duplicate state) is said under it. */
function FormLevelError({ answer }: { answer: ReturnType<typeof useAnswer> }) {
  return answer?.formError && !Object.keys(answer.fieldErrors ?? {}).length ? (
    <p className="form-error" role="alert">
      {answer.formError}
    </p>
  ) : null;
}

function RemoveButton({ intent, id, label }: { intent: 'remove-license' | 'remove-dea'; id: string; label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <Button type="submit" size="sm" variant="danger" aria-label={label}>
        Remove
      </Button>
    </Form>
  );
}

function PrescriberCard({ person, canEdit, clinicState }: { person: Person; canEdit: boolean; clinicState: string }) {
  const [editing, setEditing] = useState<string | null>(null);
  const failedEdit = useActionData<typeof action>();
  const open = (id: string) => editing === id || ((failedEdit?.intent === 'update-license' || failedEdit?.intent === 'update-dea') && failedEdit.target === id && !failedEdit.message);
  const licensedHere = person.licenses.some((l) => l.state === clinicState && l.status !== 'expired');
  return (
    <section className="card card--padded stack" aria-labelledby={`p-${person.userId}`}>
      <div className="split">
        <h2 id={`p-${person.userId}`}>{person.name}</h2>
        <span className="cluster">
          {person.role !== 'veterinarian' ? <Badge tone="neutral">{formatRole(person.role)}</Badge> : null}
          {!person.active ? <Badge tone="neutral">Inactive</Badge> : null}
          {licensedHere ? <Badge tone="success">Licensed in {clinicState}</Badge> : <Badge tone="danger">No current {clinicState} licence</Badge>}
        </span>
      </div>
      <div className="stack-sm">
        <h3>State licences</h3>
        {person.licenses.length === 0 ? <p className="text-sm muted">None on file.</p> : null}
        <ul className="stack-sm" role="list">
          {person.licenses.map((l) => (
            <li key={l.id} className="stack-sm">
              <div className="cluster">
                <span>
                  {l.state} · <span className="mono">{l.number}</span> · expires {formatDate(l.expiresOn)}
                </span>
                <Badge tone={LOOK[l.status].tone}>{LOOK[l.status].label}</Badge>
                {canEdit ? (
                  <>
                    <Button size="sm" onClick={() => setEditing(open(l.id) ? null : l.id)} aria-expanded={open(l.id)} aria-label={`Edit ${person.name}'s ${l.state} licence`}>
                      Edit
                    </Button>
                    <RemoveButton intent="remove-license" id={l.id} label={`Remove ${person.name}'s ${l.state} licence ${l.number}`} />
                  </>
                ) : null}
              </div>
              {open(l.id) ? <LicenseForm intent="update-license" target={l.id} initial={l} label={`Edit ${person.name}'s ${l.state} licence`} /> : null}
            </li>
          ))}
        </ul>
        {canEdit ? <LicenseForm intent="add-license" target={person.userId} initial={{ state: clinicState, number: '', expiresOn: '' }} label={`Add a licence for ${person.name}`} /> : null}
      </div>
      <div className="stack-sm">
        <h3>DEA registrations</h3>
        {person.deaRegistrations.length === 0 ? <p className="text-sm muted">None on file: cannot write controlled drugs.</p> : null}
        <ul className="stack-sm" role="list">
          {person.deaRegistrations.map((d) => (
            <li key={d.id} className="stack-sm">
              <div className="cluster">
                <span>
                  {d.state} · <span className="mono">{d.number}</span> · schedules {d.schedules.join(', ')} · expires {formatDate(d.expiresOn)}
                </span>
                <Badge tone={LOOK[d.status].tone}>{LOOK[d.status].label}</Badge>
                {canEdit ? (
                  <>
                    <Button size="sm" onClick={() => setEditing(open(d.id) ? null : d.id)} aria-expanded={open(d.id)} aria-label={`Edit ${person.name}'s ${d.state} DEA registration`}>
                      Edit
                    </Button>
                    <RemoveButton intent="remove-dea" id={d.id} label={`Remove ${person.name}'s ${d.state} DEA registration ${d.number}`} />
                  </>
                ) : null}
              </div>
              {open(d.id) ? <DeaForm intent="update-dea" target={d.id} initial={d} label={`Edit ${person.name}'s ${d.state} DEA registration`} /> : null}
            </li>
          ))}
        </ul>
        {canEdit ? <DeaForm intent="add-dea" target={person.userId} initial={{ state: clinicState, number: '', schedules: [], expiresOn: '' }} label={`Add a DEA registration for ${person.name}`} /> : null}
      </div>
    </section>
  );
}

export default function PrescribersSettings() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const policy = answer?.intent === 'policy' ? answer : undefined;
  return (
    <div className="stack-lg">
      <PageHeader
        title="Prescribers"
        description={`Each veterinarian's state licences and DEA registrations. Licences and registrations expiring within 60 days show on the home page, and managers get one email about each.${data.canEdit ? '' : ' A manager changes them.'}`}
      />
      <div role="status" aria-live="polite" className={answer?.message ? 'toast toast--success' : 'visually-hidden'}>
        {answer?.message ? <p className="toast__text">{answer.message}</p> : null}
      </div>
      <section className="card card--padded stack-sm" aria-labelledby="policy-heading">
        <h2 id="policy-heading">Prescription policy</h2>
        {data.canEdit ? (
          <Form method="post" className="cluster" aria-label="Prescription policy">
            <input type="hidden" name="intent" value="policy" />
            <FormField
              label="New prescriptions are valid for (months)"
              name="prescriptionExpiryMonths"
              type="number"
              min={1}
              max={12}
              defaultValue={String(data.prescriptionExpiryMonths)}
              error={policy?.fieldErrors?.prescriptionExpiryMonths}
              hint="1 to 12; C-III to C-V at most six months."
            />
            <Button type="submit" loading={navigation.state === 'submitting' && navigation.formData?.get('intent') === 'policy'}>
              Save policy
            </Button>
          </Form>
        ) : (
          <p>New prescriptions are valid for {data.prescriptionExpiryMonths} months unless the veterinarian says otherwise.</p>
        )}
      </section>
      {data.prescribers.map((p) => (
        <PrescriberCard key={p.userId} person={p} canEdit={data.canEdit} clinicState={data.clinicState} />
      ))}
    </div>
  );
}
