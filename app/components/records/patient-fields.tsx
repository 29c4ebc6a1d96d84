import { FormField } from '~/components/form-field';
import { formatSpecies, humanize } from '~/lib/format';
import { PATIENT_SEXES, PATIENT_STATUSES, SPECIES } from '../../../validators/vocabulary';
import type { Bind } from './bind';

const SEX_LABELS: Record<string, string> = {
  female_spayed: 'Female, spayed',
  female: 'Female, intact',
  male_neutered: 'Male, neutered',
  male: 'Male, intact',
  unknown: 'Unknown',
};

/** The patient form's fields (new and edit patient). `status` shows the deceased date when chosen. */
export function PatientFields({ bind, status }: { bind: Bind; status: string }) {
  return (
    <>
      <fieldset className="stack-sm">
        <legend>Patient</legend>
        <div className="grid">
          <FormField label="Name" required autoComplete="off" {...bind('name')} />
          <FormField label="Species" as="select" required {...bind('species')}>
            <option value="">Choose a species</option>
            {SPECIES.map((s) => (
              <option key={s} value={s}>
                {formatSpecies(s)}
              </option>
            ))}
          </FormField>
          <FormField label="Breed" autoComplete="off" {...bind('breed')} />
          <FormField label="Sex" as="select" {...bind('sex')}>
            {PATIENT_SEXES.map((s) => (
              <option key={s} value={s}>
                {SEX_LABELS[s] ?? humanize(s)}
              </option>
            ))}
          </FormField>
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Age</legend>
        <p className="field__hint">A birth date, or an estimate in years and months when it is not known.</p>
        <div className="grid">
          <FormField label="Birth date" type="date" {...bind('birthDate')} />
          <FormField label="Age estimate (years)" type="number" inputMode="numeric" min={0} max={60} {...bind('ageYears')} />
          <FormField label="and months" type="number" inputMode="numeric" min={0} max={11} {...bind('ageMonths')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Status</legend>
        <div className="grid">
          <FormField label="Status" as="select" {...bind('status')}>
            {PATIENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </FormField>
          {status === 'deceased' ? <FormField label="Date of death" type="date" hint="Today if left empty." {...bind('deceasedOn')} /> : null}
          <FormField label="PIMS id" autoComplete="off" {...bind('pimsId')} />
        </div>
        {status === 'deceased' ? (
          <p className="form-error" role="note">
            Saving as deceased removes this patient’s lines from open carts, cancels its waiting refill requests and stops its reminders.
          </p>
        ) : status === 'inactive' ? (
          <p className="muted" role="note">
            An inactive patient gets no refill reminders.
          </p>
        ) : null}
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Clinical notes</legend>
        <FormField label="Allergies" as="textarea" rows={2} {...bind('allergies')} />
        <FormField label="Notes" as="textarea" rows={3} {...bind('notes')} />
      </fieldset>
    </>
  );
}
