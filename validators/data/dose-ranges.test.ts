import { describe, expect, it } from 'vitest';
import { DOSE_REFERENCE, REFERENCE_SPECIES, isNoReference } from './dose-ranges';

const ranges = DOSE_REFERENCE.flatMap((entry) =>
  REFERENCE_SPECIES.flatMap((species) => {
    const row = entry.species[species];
    return isNoReference(row) ? [] : [{ label: `${entry.medication} · ${species}`, row }];
  }),
);

describe('dose reference', () => {
  it('has ranges', () => {
    expect(ranges.length).toBeGreaterThan(20);
  });

  it.each(ranges)('$label names its source', ({ row }) => {
    expect(row.source.short.trim().length).toBeGreaterThan(3);
    // A citation a reader can find: an FDA application number, a DOI, or the FDA's label database.
    expect(row.source.citation).toMatch(/NADA \d{3}-\d{3}|doi:10\.\d{4,}\/\S+|FDA-approved animal drug label/);
    if (row.source.url) expect(row.source.url).toMatch(/^https:\/\//);
  });

  it.each(ranges)('$label is a range that makes sense', ({ row }) => {
    expect(row.perDose ?? row.perDay, 'a range per dose or per day').toBeDefined();
    for (const r of [row.perDose, row.perDay]) {
      if (!r) continue;
      expect(r[0]).toBeGreaterThan(0);
      expect(r[1]).toBeGreaterThanOrEqual(r[0]);
    }
    if (row.maxPerDay !== undefined) expect(row.maxPerDay).toBeGreaterThan(0);
  });

  it('says why for every species without a range', () => {
    for (const entry of DOSE_REFERENCE) {
      for (const species of REFERENCE_SPECIES) {
        const row = entry.species[species];
        if (isNoReference(row)) expect(row.noReference.trim(), `${entry.medication} · ${species}`).not.toBe('');
      }
    }
  });

  it('lists each medication once', () => {
    const names = DOSE_REFERENCE.map((e) => e.medication.toLowerCase());
    expect(names.length).toBe(new Set(names).size);
  });
});
