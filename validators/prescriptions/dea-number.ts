/**
 * DEA registration numbers (docs/records.md, "DEA numbers"): two characters and seven digits.
 * The first character is the registrant type — a veterinarian is a practitioner, A, B, F or
 * G; the second is the first letter of the registrant's surname, or 9 for a registration in
 * a business name; the last digit is a check digit over the six before it:
 * (d1 + d3 + d5) + 2 × (d2 + d4 + d6), whose last digit must equal d7.
 */

/** Registrant-type letters of a practitioner (a veterinarian's registration starts with one). */
export const PRACTITIONER_TYPES = ['A', 'B', 'F', 'G'] as const;

/** The check digit of six digits ("123456" → 3), the seventh digit of a valid number. */
export function deaCheckDigit(sixDigits: string): number {
  if (!/^[0-9]{6}$/.test(sixDigits)) throw new RangeError(`six digits expected, got ${JSON.stringify(sixDigits)}`);
  const d = [...sixDigits].map(Number) as [number, number, number, number, number, number];
  return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10;
}

/** The outcome of checking a DEA number: the normalised number, or why it cannot be one. */
export type DeaNumberCheck = { ok: true; number: string } | { ok: false; reason: string };

/**
 * Checks a DEA number's shape, registrant type and check digit. Spaces and hyphens people
 * copy from a certificate are dropped and letters upper-cased first; the reason says which
 * part is wrong, in words a clinic manager can act on.
 */
export function checkDeaNumber(input: string): DeaNumberCheck {
  const number = (typeof input === 'string' ? input : '').replace(/[\s-]+/g, '').toUpperCase();
  if (number === '') return { ok: false, reason: 'Enter the DEA number.' };
  if (!/^[A-Z][A-Z0-9][0-9]{7}$/.test(number)) {
    return { ok: false, reason: 'A DEA number is two letters and seven digits, like BA1234563.' };
  }
  const type = number[0]!;
  if (!(PRACTITIONER_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `A veterinarian's DEA number starts with A, B, F or G (a practitioner); this one starts with ${type}.` };
  }
  const initial = number[1]!;
  if (!/[A-Z9]/.test(initial)) {
    return { ok: false, reason: `The second character is the registrant's surname initial, or 9 for a business name; not ${initial}.` };
  }
  const expected = deaCheckDigit(number.slice(2, 8));
  const given = Number(number[8]);
  if (expected !== given) {
    return { ok: false, reason: `The check digit does not match: after ${number.slice(2, 8)} it must be ${expected}, not ${given}. Check the number on the registration certificate.` };
  }
  return { ok: true, number };
}
