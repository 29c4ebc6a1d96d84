import { formatSpecies, formatWeight } from '~/lib/format';
import type { PatientOption } from '~/lib/patient-option';

export type { PatientOption } from '~/lib/patient-option';

/**
 * How a patient reads in a picker: name, species, breed, weight and age on the first line, the
 * owner on the second — and, when only the owner's name matched what was typed, a plain "owner
 * name matched" so a pet called like someone's owner is never taken for the pet itself.
 */
export function PatientOptionText({ patient: p, extra }: { patient: PatientOption; extra?: string }) {
  const facts = [formatSpecies(p.species), p.breed, p.weightKg != null ? formatWeight(p.weightKg) : null, p.age].filter(Boolean);
  return (
    <>
      <strong>{p.name}</strong> <span className="muted">· {facts.join(' · ')}</span>
      <br />
      <span className="muted text-sm">
        Owner: {p.clientName}
        {p.matchedBy === 'owner' ? <em className="combobox__why"> — matched the owner’s name, not the pet’s</em> : null}
        {p.matchedBy === 'id' ? <em className="combobox__why"> — matched a phone, email or id</em> : null}
        {extra ? ` · ${extra}` : ''}
      </span>
    </>
  );
}

/**
 * What a `Combobox<PatientOption>` needs to search the clinic's patients by pet or owner: the
 * source, the key, the text put in the box and how each option reads.
 */
export const PATIENT_SEARCH = {
  source: (q: string) => `/refill-day/search-patients?q=${encodeURIComponent(q)}`,
  getKey: (p: PatientOption) => p.id,
  getText: (p: PatientOption) => `${p.name} (${p.clientName})`,
  renderOption: (p: PatientOption) => <PatientOptionText patient={p} />,
};
