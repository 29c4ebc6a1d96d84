import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, makeSig, run } from '../test-fixtures';
import { sigDaysSupply } from './sig.days_supply';

const ctx = makeContext();
const tramadol = { offerId: 'tram-cascade', medicationId: 'tramadol', pharmacyId: 'cascade', unitPriceCentsWhenAdded: 1425 };

describe('sig.days_supply', () => {
  it('passes 2 vials of 30 ml at 0.5 ml BID (60 days)', () => {
    expect(run(sigDaysSupply, ctx, [makeLine()])).toEqual([]);
  });

  it('warns when the vials last under a day', () => {
    // 1 vial of 30 ml at 10 ml q6h = 40 ml a day.
    const line = makeLine({ quantity: 1, parsedSig: makeSig({ dose: { amount: 10, unit: 'ml' }, frequency: { count: 1, period: 6, periodUnit: 'h' }, timesPerDay: 4 }) });
    expect(run(sigDaysSupply, ctx, [line])[0]?.message).toBe('1 vial of 30 ml last less than a day at this dose and frequency.');
  });

  it('warns when the vials last over 180 days', () => {
    // 20 vials × 30 ml at 0.1 ml SID = 6,000 days.
    const line = makeLine({ quantity: 20, parsedSig: makeSig({ dose: { amount: 0.1, unit: 'ml' }, frequency: { count: 1, period: 1, periodUnit: 'd' }, timesPerDay: 1 }) });
    expect(run(sigDaysSupply, ctx, [line])[0]?.message).toMatch(/^20 vials of 30 ml last about 6000 days .*more than 180\.$/);
  });

  it('edge: exactly 180 days and exactly 1 day pass', () => {
    // 6 vials × 30 ml = 180 ml at 1 ml SID = 180 days.
    const long = makeLine({ quantity: 6, parsedSig: makeSig({ dose: { amount: 1, unit: 'ml' }, timesPerDay: 1, frequency: { count: 1, period: 1, periodUnit: 'd' } }) });
    expect(run(sigDaysSupply, ctx, [long])).toEqual([]);
    // 1 vial × 30 ml at 15 ml BID = 1 day.
    const short = makeLine({ quantity: 1, parsedSig: makeSig({ dose: { amount: 15, unit: 'ml' } }) });
    expect(run(sigDaysSupply, ctx, [short])).toEqual([]);
  });

  it('counts capsules: 30 per vial at 1 capsule BID is 15 days a vial', () => {
    const ok = makeLine({ ...tramadol, quantity: 2, parsedSig: makeSig({ dose: { amount: 1, unit: 'capsule' } }) });
    expect(run(sigDaysSupply, ctx, [ok])).toEqual([]);
    const tooMany = makeLine({ ...tramadol, quantity: 13, parsedSig: makeSig({ dose: { amount: 1, unit: 'capsule' } }) });
    expect(run(sigDaysSupply, ctx, [tooMany])).toHaveLength(1);
  });

  it('converts mg and mg/kg doses through the strength and weight', () => {
    // 50 mg/ml: 100 mg BID = 4 ml a day; 1 vial of 30 ml = 7.5 days.
    const mg = makeLine({ quantity: 1, parsedSig: makeSig({ dose: { amount: 100, unit: 'mg' } }) });
    expect(run(sigDaysSupply, ctx, [mg])).toEqual([]);
    // Bella 12 kg × 200 mg/kg = 2,400 mg = 48 ml a dose, BID: under a day.
    const mgkg = makeLine({ quantity: 1, parsedSig: makeSig({ dose: { amount: 200, unit: 'mg/kg' } }) });
    expect(run(sigDaysSupply, ctx, [mgkg])).toHaveLength(1);
  });

  it('warns on a range only when every reading is out of bounds', () => {
    // 1-2 capsules BID from 13 vials (390 capsules): 97–195 days, so no warning.
    const range = makeLine({ ...tramadol, quantity: 13, parsedSig: makeSig({ dose: { amount: 1, amountMax: 2, unit: 'capsule' } }) });
    expect(run(sigDaysSupply, ctx, [range])).toEqual([]);
  });

  it('checks an as-needed SIG for oversupply only', () => {
    const prnShort = makeLine({ quantity: 1, parsedSig: makeSig({ asNeeded: true, dose: { amount: 20, unit: 'ml' } }) });
    expect(run(sigDaysSupply, ctx, [prnShort])).toEqual([]);
    const prnLong = makeLine({ quantity: 20, parsedSig: makeSig({ asNeeded: true, dose: { amount: 0.1, unit: 'ml' }, timesPerDay: 1 }) });
    expect(run(sigDaysSupply, ctx, [prnLong])).toHaveLength(1);
  });

  it('skips what it cannot compute instead of guessing', () => {
    const drops = makeLine({ quantity: 1, parsedSig: makeSig({ dose: { amount: 1, unit: 'drop' } }) });
    const noFrequency = makeLine({ quantity: 50, parsedSig: makeSig({ frequency: undefined, timesPerDay: undefined }) });
    const noPackage = makeContext((c) => {
      c.medications.gabapentin!.packageSize = null;
    });
    expect(run(sigDaysSupply, ctx, [drops])).toEqual([]);
    expect(run(sigDaysSupply, ctx, [noFrequency])).toEqual([]);
    expect(run(sigDaysSupply, noPackage, [makeLine({ quantity: 500 })])).toEqual([]);
  });

  it("prefers the offer's package to the medication's", () => {
    const bigVials = makeContext((c) => {
      c.offers['gaba-sunset']!.packageSize = { amount: 500, unit: 'ml' };
    });
    // 2 × 500 ml at 1 ml a day = 1,000 days.
    expect(run(sigDaysSupply, bigVials, [makeLine({ parsedSig: makeSig({ dose: { amount: 0.5, unit: 'ml' } }) })])).toHaveLength(1);
  });

  it('treats a unitless dose as the vial unit', () => {
    const line = makeLine({ quantity: 1, parsedSig: makeSig({ dose: { amount: 20 } }) });
    expect(run(sigDaysSupply, ctx, [line])).toHaveLength(1);
  });
});
