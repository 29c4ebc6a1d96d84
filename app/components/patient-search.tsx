import { formatSpecies, formatWeight } from '~/lib/format';

/** A patient as the patient search answers it (`/refill-day/search-patients`). */
export type PatientOption = { id: string; name: string; species: string; clientName: string; weightKg?: number | null };

/**
 * What a `Combobox<PatientOption>` needs to search the clinic's patients by pet or owner: the
 * source, the key, the text put in the box and how each option reads (with the current weight,
 * so the pet is told from a namesake and the dose judged).
 */
export const PATIENT_SEARCH = {
  source: (q: string) => `/refill-day/search-patients?q=${encodeURIComponent(q)}`,
  getKey: (p: PatientOption) => p.id,
  getText: (p: PatientOption) => `${p.name} (${p.clientName})`,
  renderOption: (p: PatientOption) => (
    <>
      <strong>{p.name}</strong>{' '}
      <span className="muted">
        {formatSpecies(p.species)}
        {p.weightKg != null ? ` · ${formatWeight(p.weightKg)}` : ''} · {p.clientName}
      </span>
    </>
  ),
};
