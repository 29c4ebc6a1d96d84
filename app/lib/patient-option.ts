import { formatAge } from './format';

/** What matched a patient search: the pet's name, only its owner's name, or a phone/email/id. */
export type PatientMatch = 'pet' | 'owner' | 'id';

/**
 * A patient as the pickers offer it (refill day, catalog, prescriptions): enough to tell a pet
 * from a namesake before choosing — species, breed, weight, age and owner — and what matched.
 */
export interface PatientOption {
  id: string;
  name: string;
  species: string;
  breed?: string | null;
  clientName: string;
  /** The latest weight and the day it was measured. */
  weightKg?: number | null;
  weightMeasuredOn?: string | null;
  /** "3 y", "8 mo" on the clinic's calendar; absent without a birth date. */
  age?: string | null;
  /** 'owner' when only the owner's name matched what was typed (the option says so). */
  matchedBy?: PatientMatch;
}

/** A search row as a picker option, its age worked out on the clinic's `today`. */
export function toPatientOption(
  p: { id: string; name: string; species: string; breed: string | null; clientName: string; weightKg: number | string | null; weightMeasuredOn?: string | Date | null; birthDate?: string | Date | null; matchedBy?: PatientMatch },
  today: string,
): PatientOption {
  const day = (d: string | Date | null | undefined) => (d == null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
  const birth = day(p.birthDate);
  return {
    id: p.id,
    name: p.name,
    species: p.species,
    breed: p.breed,
    clientName: p.clientName,
    weightKg: p.weightKg == null ? null : Number(p.weightKg),
    weightMeasuredOn: day(p.weightMeasuredOn),
    age: birth ? formatAge(birth, today) : null,
    matchedBy: p.matchedBy ?? 'pet',
  };
}
