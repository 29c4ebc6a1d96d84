import { hasActiveLicense, prescribingStates } from '../lib/lookups';
import { renewalFix } from '../prescriptions/renewal';
import type { PrescriberContext, RuleCheck, RuleFinding, UsState, ValidationContext } from '../types';

function describeGap(prescriber: PrescriberContext, state: UsState, ctx: ValidationContext): string {
  const where = state === ctx.clinic.state ? "the clinic's state" : "the owner's state";
  const lastExpiry = prescriber.licenses
    .filter((l) => l.state === state)
    .map((l) => l.expiresOn)
    .sort()
    .at(-1);
  return lastExpiry
    ? `${prescriber.name}'s licence in ${state} (${where}) expired on ${lastExpiry}.`
    : `${prescriber.name} has no licence in ${state} (${where}).`;
}

/**
 * `prescriber.license_state`: a pharmacy may only fill for a vet licensed where the vet
 * practises and, for a shipment to the owner, where the patient is. An expired licence is no
 * licence; one expiring today still counts today.
 *
 * The fix never puts another veterinarian's name on the prescription (docs/records.md): it
 * asks a veterinarian licensed there to renew it, and the renewal names the one who wrote it.
 */
export const prescriberLicenseState: RuleCheck = (line, ctx) => {
  const prescriber = ctx.prescribers[line.prescriberId];
  const states = prescribingStates(line, ctx);
  const missing = prescriber ? states.filter((s) => !hasActiveLicense(prescriber, s, ctx.today)) : states;
  if (missing.length === 0) return [];
  const fix = renewalFix(line, ctx, { states, dea: null });
  const where = states.join(' and ');
  const hint =
    line.prescriptionId === undefined
      ? `A veterinarian licensed in ${where} writes the prescription for this line.`
      : fix
        ? `Ask ${fix.name}, licensed in ${where}, to renew the prescription.`
        : `No veterinarian of the clinic holds a current licence in ${where}; renew the licence or ship to the clinic.`;
  const found: Pick<RuleFinding, 'hint' | 'fix'> = fix ? { hint, fix } : { hint };
  if (!prescriber) {
    return [{ message: 'The prescriber on this line is not on file at the clinic.', ...found }];
  }
  return missing.map((state) => ({ message: describeGap(prescriber, state, ctx), ...found }));
};
