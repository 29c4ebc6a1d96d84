import { requestQueueLook } from '~/lib/status';
import { TARGETED_QUEUES, US_STATE_CODES, US_STATE_NAMES, US_TIME_ZONES } from '../../validators/vocabulary';
import { FormField } from './form-field';

/** What the clinic fields need of the page's react-hook-form (`useRemixForm`). */
export interface ClinicFieldsProps {
  register: (name: string) => Record<string, unknown> & { name: string };
  errorOf: (name: string) => string | undefined;
}

/**
 * The fields of a clinic as the admin sets them (app/schemas/clinics.ts): identity, address,
 * time zone, phone, and the policies it starts with.
 */
export function ClinicFields({ register, errorOf }: ClinicFieldsProps) {
  return (
    <>
      <fieldset className="stack-sm">
        <legend>Clinic</legend>
        <div className="grid">
          <FormField label="Name" required error={errorOf('name')} {...register('name')} />
          <FormField label="Slug" required hint="In its public links: /c/slug/refill. Lower-case letters, digits and dashes." error={errorOf('slug')} {...register('slug')} />
          <FormField label="Phone" type="tel" error={errorOf('phone')} {...register('phone')} />
          <FormField label="Email" type="email" hint="Owners' replies go here." error={errorOf('email')} {...register('email')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Address</legend>
        <div className="grid">
          <FormField label="Street address" required autoComplete="off" error={errorOf('addressLine1')} {...register('addressLine1')} />
          <FormField label="Address line 2" autoComplete="off" error={errorOf('addressLine2')} {...register('addressLine2')} />
          <FormField label="City" required error={errorOf('city')} {...register('city')} />
          <FormField label="State" as="select" required error={errorOf('state')} {...register('state')}>
            <option value="">Choose…</option>
            {US_STATE_CODES.map((code) => (
              <option key={code} value={code}>
                {code} — {US_STATE_NAMES[code]}
              </option>
            ))}
          </FormField>
          <FormField label="ZIP code" required inputMode="numeric" error={errorOf('postalCode')} {...register('postalCode')} />
          <FormField label="Time zone" required list="us-time-zones" hint="An IANA name, e.g. America/Chicago: the clinic's day and timers follow it." error={errorOf('timezone')} {...register('timezone')} />
          <datalist id="us-time-zones">
            {US_TIME_ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Policies</legend>
        <div className="grid">
          <FormField label="Prescription expiry (months)" type="number" min={1} max={24} required hint="How long a new prescription is valid by default." error={errorOf('rxExpiryMonths')} {...register('rxExpiryMonths')} />
          <FormField label="Exam window (months)" type="number" min={1} max={60} required hint="A refill needs a wellness exam within this window." error={errorOf('wellnessWindowMonths')} {...register('wellnessWindowMonths')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Request targets (minutes)</legend>
        <div className="grid">
          {TARGETED_QUEUES.map((queue) => (
            <FormField key={queue} label={requestQueueLook(queue).label} type="number" min={5} max={10080} required error={errorOf(queue)} {...register(queue)} />
          ))}
        </div>
      </fieldset>
    </>
  );
}
