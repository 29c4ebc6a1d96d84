import type { PackageSize, PackageUnit } from '../../validators/types';

const UNITS: Record<string, { unit: PackageUnit; factor: number }> = {
  ml: { unit: 'ml', factor: 1 },
  milliliter: { unit: 'ml', factor: 1 },
  millilitre: { unit: 'ml', factor: 1 },
  cc: { unit: 'ml', factor: 1 },
  l: { unit: 'ml', factor: 1000 },
  liter: { unit: 'ml', factor: 1000 },
  litre: { unit: 'ml', factor: 1000 },
  g: { unit: 'g', factor: 1 },
  gm: { unit: 'g', factor: 1 },
  gram: { unit: 'g', factor: 1 },
  tablet: { unit: 'tablet', factor: 1 },
  tab: { unit: 'tablet', factor: 1 },
  caplet: { unit: 'tablet', factor: 1 },
  capsule: { unit: 'capsule', factor: 1 },
  cap: { unit: 'capsule', factor: 1 },
  chew: { unit: 'chew', factor: 1 },
  treat: { unit: 'chew', factor: 1 },
};

// "2 x 2 mL syringes", "30 mL bottle", "60 capsules", "3.5 g tube": an optional count of
// containers, an amount, then its unit (plural or not).
const PACKAGE = /(?:(\d+)\s*[x×]\s*)?(\d+(?:\.\d+)?)\s*(ml|milliliters?|millilitres?|cc|l|liters?|litres?|gm?|grams?|tablets?|tabs?|caplets?|capsules?|caps?|chews?|treats?)\b/i;

/**
 * What one vial of a catalog offer holds, read from its package description ("30 mL bottle"
 * → 30 ml, "2 x 2 mL syringes" → 4 ml, "60 capsules" → 60 capsule). Null when the
 * description names no countable contents ("6 tubes", "1 oz jar"): the days-supply rule then
 * stays silent rather than guess.
 */
export function packageSizeFromDescription(description: string): PackageSize | null {
  const match = PACKAGE.exec(description);
  if (!match) return null;
  const containers = match[1] ? Number(match[1]) : 1;
  const word = match[3]!.toLowerCase().replace(/s$/, '');
  const known = UNITS[word];
  if (!known) return null;
  const amount = containers * Number(match[2]) * known.factor;
  return amount > 0 ? { amount: Math.round(amount * 1000) / 1000, unit: known.unit } : null;
}
