import type { MedicationContext, SigRoute, ValidationLine } from '../types';

// Checked in order: "transdermal gel" must read as transdermal before "gel" could mean topical.
const FORM_ROUTES: ReadonlyArray<readonly [RegExp, SigRoute]> = [
  [/transdermal/, 'transdermal'],
  [/ophthalmic|eye/, 'ophthalmic'],
  [/otic|\bear\b/, 'otic'],
  [/suppositor|rectal/, 'rectal'],
  [/nasal/, 'nasal'],
  [/inhal/, 'inhalation'],
  [/\boral\b|tablet|capsule|chew|treat|paste|suspension|syrup|liquid|elixir/, 'oral'],
  [/topical|cream|ointment|shampoo|lotion|spot-on/, 'topical'],
];

/**
 * The route a line's medication goes in by: the SIG's when it names one, else what the
 * dosage form implies, else undefined (injectables can be SQ, IM or IV).
 */
export function lineRoute(line: ValidationLine, medication: MedicationContext): SigRoute | undefined {
  if (line.parsedSig.route) return line.parsedSig.route;
  const form = medication.form.toLowerCase();
  return FORM_ROUTES.find(([pattern]) => pattern.test(form))?.[1];
}
