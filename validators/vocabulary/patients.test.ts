import { describe, expect, it } from 'vitest';
import { SPECIES, isSpecies, normalizePhone, toKg, weightPlausibility, weightRange } from './index';
import { SPECIES_WEIGHT_KG } from '../data/species-weights';

describe('species and weights', () => {
  it('gives every species but "other" a plausible range', () => {
    for (const s of SPECIES) expect(weightRange(s) === null, s).toBe(s === 'other');
    expect(Object.keys(SPECIES_WEIGHT_KG).every((s) => isSpecies(s))).toBe(true);
    expect(isSpecies('dragon')).toBe(false);
  });

  it('turns pounds into kilograms to the gram', () => {
    expect(toKg(10, 'lb')).toBe(4.536);
    expect(toKg(4.2, 'kg')).toBe(4.2);
  });

  it.each([
    ['cat', 4.2, true],
    ['cat', 900, false],
    ['cat', 0.04, false],
    ['dog', 160, true],
    ['horse', 4.5, false],
    ['ferret', 1.2, true],
    ['other', 1500, true],
  ] as const)('%s at %s kg plausible: %s', (species, kg, ok) => {
    expect(weightPlausibility(species, kg).ok).toBe(ok);
  });

  it('never takes 0, a negative weight or one beyond any animal, even with an override', () => {
    for (const kg of [0, -1, Number.NaN, 2000, 5000]) {
      const r = weightPlausibility('other', kg);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.impossible).toBe(true);
    }
    const cat = weightPlausibility('cat', 900);
    expect(!cat.ok && !cat.impossible && cat.message).toMatch(/outside the plausible range for a cat/);
  });
});

// The one phone normaliser (owner records, the SMS gateway and request matching).
describe('normalizePhone', () => {
  it.each([
    ['(916) 555-0123', '+19165550123'],
    ['916.555.0123', '+19165550123'],
    ['1 916 555 0123', '+19165550123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['555-0123', null],
    ['', null],
  ])('%s → %s', (input, out) => expect(normalizePhone(input)).toBe(out));
});
