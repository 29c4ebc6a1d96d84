import { alternativePrescriber, hasActiveLicense, prescribingStates } from '../lib/lookups';
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
 */
export const prescriberLicenseState: RuleCheck = (line, ctx) => {
  const prescriber = ctx.prescribers[line.prescriberId];
  const states = prescribingStates(line, ctx);
  const missing = prescriber ? states.filter((s) => !hasActiveLicense(prescriber, s, ctx.today)) : states;
  if (missing.length === 0) return [];
  const replacement = alternativePrescriber(ctx, states, null, line.prescriberId);
  const fix: Pick<RuleFinding, 'fix'> = replacement
    ? { fix: { kind: 'switch_prescriber', prescriberId: replacement.id, name: replacement.name } }
    : {};
  const hint = replacement
    ? `Switch the prescriber to ${replacement.name}, licensed in ${states.join(' and ')}.`
    : `No veterinarian of the clinic holds a current licence in ${states.join(' and ')}; renew the licence or ship to the clinic.`;
  if (!prescriber) {
    return [{ message: 'The prescriber on this line is not on file at the clinic.', hint, ...fix }];
  }
  return missing.map((state) => ({ message: describeGap(prescriber, state, ctx), hint, ...fix }));
};
