import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import type { z } from 'zod';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button, ButtonLink } from '~/components/button';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { formatRole } from '~/lib/format';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { formAction, readForm, valuesOf } from '~/http/forms.server';
import { requestQueueLook } from '~/lib/status';
import { doseCheckSettingsSchema, requestSettingsSchema, settingsActionSchema } from '~/schemas/clinics';
import { requireUser } from '~/services/identity/auth.server';
import { getClinic, setDoseCheckSettings } from '~/services/records/index.server';
import { getIntakeSettings, updateIntakeSettings } from '~/services/requests/index.server';
import { TARGETED_QUEUES, type TargetedQueue } from '../../validators/vocabulary';

export const meta: MetaFunction = () => [{ title: 'Settings — vialcart' }];

// This page holds clinic policy in sections, each its own form and intent (settingsActionSchema):
// owner refill requests (`requests`: intake, SLA targets, escalation) and dose checks
// (`dose-checks`: how old a weight may be for dose.range). A new section adds its own.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const [settings, clinic] = await Promise.all([getIntakeSettings(user), getClinic(user)]);
  return json({ settings, weightWindowMonths: clinic.weightWindowMonths, canEdit: user.role === 'manager' || user.role === 'admin' });
}

type Section = 'requests' | 'dose-checks';
type Saved = FormErrors & { saved?: boolean; section?: Section };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  const section: Section = form.get('intent') === 'dose-checks' ? 'dose-checks' : 'requests';
  return formAction(
    async (): Promise<Saved> => {
      const input = readForm(form, settingsActionSchema);
      if (input.intent === 'dose-checks') {
        await setDoseCheckSettings(user, input);
        return { saved: true, section: input.intent };
      }
      return saveRequestSettings(user, input);
    },
    { extra: () => ({ section, values: valuesOf(form) }) },
  );
}

async function saveRequestSettings(user: Awaited<ReturnType<typeof requireUser>>, d: z.output<typeof requestSettingsSchema>): Promise<Saved> {
  await updateIntakeSettings(user, {
    wellnessWindowMonths: d.wellnessWindowMonths,
    targetMinutes: Object.fromEntries(TARGETED_QUEUES.map((q) => [q, d[q]])) as Record<TargetedQueue, number>,
    dayEndsAt: d.dayEndsAt,
    urgentReminderMinutes: d.urgentReminderMinutes,
    escalateAfterMinutes: d.escalateAfterMinutes,
    escalationUserId: d.escalationUserId,
    bookingUrl: d.bookingUrl,
  });
  return { saved: true, section: 'requests' };
}

const SAVED: Record<Section, string> = {
  requests: 'Settings saved. New targets apply to requests that arrive from now on.',
  'dose-checks': 'Dose check settings saved. The cart is checked with them from now on.',
};

const TARGET_HINTS = {
  tech_urgent: 'Runs out today or in 1–2 days.',
  tech_standard: 'Routine refills, eligible.',
  vet_review: 'Controlled, compounded or a recent dose change.',
  exception_exam: 'Wellness exam overdue: send the booking link.',
  front_desk: 'Patient or prescription not found: call the owner.',
} satisfies Record<TargetedQueue, string>;
const TARGETS = TARGETED_QUEUES.map((name) => ({ name, hint: TARGET_HINTS[name] }));

export default function SettingsPage() {
  const { settings, weightWindowMonths, canEdit } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const actionData = answer?.section === 'requests' ? answer : undefined;
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(requestSettingsSchema, {
    defaultValues: {
      intent: 'requests',
      wellnessWindowMonths: String(settings.wellnessWindowMonths),
      ...Object.fromEntries(TARGETS.map((t) => [t.name, String(settings.sla.targetMinutes[t.name])])),
      dayEndsAt: settings.sla.dayEndsAt,
      urgentReminderMinutes: String(settings.sla.urgentReminderMinutes),
      escalateAfterMinutes: String(settings.sla.escalateAfterMinutes),
      escalationUserId: settings.escalationUserId ?? '',
      bookingUrl: settings.bookingUrl ?? '',
    } as never,
    actionData,
  });
  const readOnly = !canEdit;
  return (
    <div className="stack-lg">
      <PageHeader title="Settings" description="Clinic policy: wellness window, request targets, escalation contact, dose checks." />
      <Toaster message={answer?.saved && answer.section ? { id: String(Date.now()), text: SAVED[answer.section], tone: 'success' } : null} />
      <section aria-labelledby="intake-heading" className="card card--padded stack">
        <div className="stack-sm">
          <h2 id="intake-heading">Owner refill requests</h2>
          <p className="muted">
            Public request form: <a href={`/c/${settings.slug}/refill`}>/c/{settings.slug}/refill</a>. Times are in {settings.timezone}.
            {readOnly ? ' Only a manager can change these.' : ''}
          </p>
        </div>
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <Form method="post" noValidate onSubmit={onSubmit} className="stack">
          <input type="hidden" {...register('intent')} />
          <fieldset className="stack-sm" disabled={readOnly}>
            <legend>Eligibility</legend>
            <FormField label="Wellness exam window (months)" type="number" min={1} max={60} hint="A refill needs a wellness exam within this many months; otherwise it goes to “Exception: exam due”." error={errorOf('wellnessWindowMonths')} {...register('wellnessWindowMonths')} />
            <FormField label="Booking link" type="url" hint="Sent to owners whose pet needs an exam." error={errorOf('bookingUrl')} {...register('bookingUrl')} />
          </fieldset>
          <fieldset className="stack-sm" disabled={readOnly}>
            <legend>Targets per queue (minutes)</legend>
            <div className="grid">
              {TARGETS.map((t) => (
                <FormField key={t.name} label={requestQueueLook(t.name).label} type="number" min={5} max={10080} hint={t.hint} error={errorOf(t.name)} {...register(t.name)} />
              ))}
              <FormField label="Same day ends at" type="time" hint="“Exception: prescription” — call the owner by this time (or the next day's)." error={errorOf('dayEndsAt')} {...register('dayEndsAt')} />
            </div>
          </fieldset>
          <fieldset className="stack-sm" disabled={readOnly}>
            <legend>Reminders and escalation</legend>
            <div className="grid">
              <FormField label="Urgent reminder after (minutes)" type="number" min={5} max={1440} hint="Other queues remind at their target." error={errorOf('urgentReminderMinutes')} {...register('urgentReminderMinutes')} />
              <FormField label="Escalate after (minutes)" type="number" min={15} max={10080} hint="Or at the target, when the target is later." error={errorOf('escalateAfterMinutes')} {...register('escalateAfterMinutes')} />
              <FormField label="Escalation contact" as="select" error={errorOf('escalationUserId')} {...register('escalationUserId')}>
                <option value="">Any manager</option>
                {settings.people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({formatRole(p.role)})
                  </option>
                ))}
              </FormField>
            </div>
          </fieldset>
          {canEdit ? (
            <div>
              <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
                Save request settings
              </Button>
            </div>
          ) : null}
        </Form>
      </section>
      <DoseChecks weightWindowMonths={weightWindowMonths} canEdit={canEdit} answer={answer?.section === 'dose-checks' ? answer : undefined} />
      {canEdit ? (
        <section aria-labelledby="people-heading" className="card card--padded stack-sm">
          <h2 id="people-heading">People and integrations</h2>
          <p className="muted">Invite staff and set their roles; create the API keys your PIMS or scripts use.</p>
          <div className="cluster">
            <ButtonLink to="/settings/staff">Staff</ButtonLink>
            <ButtonLink to="/settings/api-keys">API keys</ButtonLink>
          </div>
        </section>
      ) : null}
      <section aria-labelledby="prescribers-heading" className="card card--padded stack-sm">
        <h2 id="prescribers-heading">Prescribers</h2>
        <p className="muted">Each veterinarian’s state licences and DEA registrations, and how long new prescriptions stay valid.</p>
        <div>
          <ButtonLink to="/settings/prescribers">Licences and DEA registrations</ButtonLink>
        </div>
      </section>
      <section aria-labelledby="templates-heading" className="card card--padded stack-sm">
        <h2 id="templates-heading">Owner messages</h2>
        <p className="muted">The wording of the emails and texts owners get: request received, approved, shipped, refill reminders…</p>
        <div className="cluster">
          <ButtonLink to="/settings/templates">Message templates</ButtonLink>
          <ButtonLink to="/settings/sms">Text messages (Twilio)</ButtonLink>
        </div>
      </section>
    </div>
  );
}

/** "Dose checks": how many months old a patient's weight may be before dose.range warns. */
function DoseChecks({ weightWindowMonths, canEdit, answer }: { weightWindowMonths: number; canEdit: boolean; answer: Saved | undefined }) {
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(doseCheckSettingsSchema, {
    defaultValues: { intent: 'dose-checks', weightWindowMonths: String(weightWindowMonths) },
    actionData: answer,
  });
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'dose-checks';
  return (
    <section aria-labelledby="dose-heading" className="card card--padded stack">
      <div className="stack-sm">
        <h2 id="dose-heading">Dose checks</h2>
        <p className="muted">
          The cart checks each dose per kilogram against the patient’s latest weight. An older weight is still used, with a warning to weigh the patient again.
          {canEdit ? '' : ' Only a manager can change this.'}
        </p>
      </div>
      {answer?.formError ? (
        <p role="alert" className="form-error">
          {answer.formError}
        </p>
      ) : null}
      <Form method="post" noValidate onSubmit={onSubmit} className="stack" aria-label="Dose checks">
        <input type="hidden" {...register('intent')} />
        <fieldset className="stack-sm" disabled={!canEdit}>
          <legend>Weights</legend>
          <FormField
            label="Weight window (months)"
            type="number"
            min={1}
            max={60}
            hint="A weight older than this gets a “weigh the patient again” warning on its lines."
            error={errorOf('weightWindowMonths')}
            {...register('weightWindowMonths')}
          />
        </fieldset>
        {canEdit ? (
          <div>
            <Button type="submit" variant="primary" loading={busy}>
              Save dose checks
            </Button>
          </div>
        ) : null}
      </Form>
    </section>
  );
}
