import { doseInVialUnit, vialContents } from '../lib/dose';
import type { RuleCheck } from '../types';

/** Beyond this many days a supply outlives a typical compounded beyond-use date and the refill window. */
const MAX_DAYS = 180;

function describeDays(days: number): string {
  return days < 1 ? 'less than a day' : `about ${Math.round(days)} days`;
}

/**
 * `sig.days_supply`: the vials ordered against dose × frequency. Under a day is almost
 * always a quantity typed as doses instead of vials; over 180 days outlives the medication.
 * A dose range is read both ways and warned on only when every reading is out of bounds; an
 * as-needed SIG is checked only for oversupply (its frequency is a ceiling). Skipped when the
 * vial's contents or the conversion of the dose to them is unknown (see lib/dose.ts).
 */
export const sigDaysSupply: RuleCheck = (line, ctx) => {
  const sig = line.parsedSig;
  const medication = ctx.medications[line.medicationId];
  const perDay = sig.timesPerDay; // derived by the parser from the frequency: q8h → 3, EOD → 0.5
  if (!medication || !sig.dose || perDay === undefined || perDay <= 0 || line.quantity <= 0) return [];
  const vial = vialContents(ctx.offers[line.offerId], medication);
  if (!vial || vial.amount <= 0) return [];
  const patient = ctx.patients[line.patientId];
  const low = doseInVialUnit(sig.dose.amount, sig.dose.unit, vial, medication, patient);
  const high = doseInVialUnit(sig.dose.amountMax ?? sig.dose.amount, sig.dose.unit, vial, medication, patient);
  if (low === undefined || high === undefined || low <= 0 || high <= 0) return [];

  const total = line.quantity * vial.amount;
  const longest = total / (low * perDay);
  const shortest = total / (high * perDay);
  const what = `${line.quantity} vial${line.quantity === 1 ? '' : 's'} of ${vial.amount} ${vial.unit}`;
  if (!sig.asNeeded && longest < 1) {
    return [
      {
        message: `${what} last ${describeDays(longest)} at this dose and frequency.`,
        hint: 'Quantity counts vials, not doses: check the quantity and the SIG.',
      },
    ];
  }
  if (shortest > MAX_DAYS) {
    return [
      {
        message: `${what} last ${describeDays(shortest)} at this dose and frequency, more than ${MAX_DAYS}.`,
        hint: 'Check the quantity (vials) and the dose; compounded medications rarely keep that long.',
      },
    ];
  }
  return [];
};
