/**
 * The body weights a clinic can plausibly record for each species, in kilograms, from a
 * newborn of the smallest breed to well above the heaviest adult on record. The range is
 * deliberately wide: it exists to catch slips — pounds typed as kilograms, grams typed as
 * kilograms, a digit too many — not to judge a patient's condition. A weight outside it can
 * still be recorded with an override and a reason (docs/records.md).
 *
 * Sources, to check a row against:
 * - newborn weights: Merck Veterinary Manual, "Management of the Neonate" chapters per species
 *   (merckvetmanual.com); a Chihuahua puppy is born near 0.1 kg, a kitten near 0.1 kg, a
 *   ferret kit under 10 g, a miniature foal near 20 kg;
 * - the heaviest adults: Guinness World Records entries for the heaviest dog (an English
 *   Mastiff of about 155 kg), cat (about 21 kg) and horse (a Shire of about 1,500 kg), and breed
 *   standards for rabbits (Flemish Giant, up to about 10 kg; record animals near 20 kg) and
 *   ferrets (hobs up to about 2.5 kg);
 * - birds: companion and backyard birds, from a hummingbird-sized finch chick (a few grams) to
 *   a large goose or turkey (about 20 kg); ratites are outside what a clinic enters here.
 * `other` has no range beyond the column's own limit (above 0, under 2,000 kg).
 */
export const SPECIES_WEIGHT_KG: Readonly<Record<string, { min: number; max: number }>> = {
  dog: { min: 0.05, max: 160 },
  cat: { min: 0.05, max: 25 },
  rabbit: { min: 0.03, max: 20 },
  ferret: { min: 0.005, max: 3.5 },
  horse: { min: 15, max: 1_500 },
  bird: { min: 0.002, max: 25 },
};

/** The largest weight the database accepts for any animal (the column's check). */
export const MAX_WEIGHT_KG = 2_000;
