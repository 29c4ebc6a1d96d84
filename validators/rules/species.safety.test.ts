import { describe, expect, it } from 'vitest';
import type { MedicationContext } from '../types';
import { makeContext, makeLine, makeSig, run } from '../test-fixtures';
import { speciesSafety } from './species.safety';

function withMedication(patch: Partial<MedicationContext>) {
  return makeContext((c) => {
    c.medications.gabapentin = { ...c.medications.gabapentin!, ...patch };
  });
}

describe('species.safety', () => {
  it('passes a medication with nothing harmful for the species', () => {
    expect(run(speciesSafety, makeContext(), [makeLine()])).toEqual([]);
    expect(run(speciesSafety, makeContext(), [makeLine({ patientId: 'milo' })])).toEqual([]);
  });

  it('fails xylitol in the vehicle for a dog, naming the vehicle', () => {
    const ctx = withMedication({ vehicle: ['Xylitol-sweetened suspension base'] });
    const [finding] = run(speciesSafety, ctx, [makeLine()]);
    expect(finding?.message).toMatch(/^Gabapentin 50 mg\/ml oral suspension contains xylitol in its vehicle, which is unsafe for dogs: /);
    expect(finding?.hint).toMatch(/xylitol-free vehicle/);
    // The same product is no species problem for a cat.
    expect(run(speciesSafety, ctx, [makeLine({ patientId: 'milo' })])).toEqual([]);
  });

  it('fails permethrin and acetaminophen (by any name) for a cat', () => {
    const permethrin = withMedication({ ingredients: ['Permethrin 45%'] });
    expect(run(speciesSafety, permethrin, [makeLine({ patientId: 'milo' })])[0]?.message).toMatch(/contains permethrin, which is unsafe for cats/);
    const paracetamol = withMedication({ ingredients: ['paracetamol'] });
    expect(run(speciesSafety, paracetamol, [makeLine({ patientId: 'milo' })])[0]?.message).toMatch(/contains acetaminophen/);
  });

  it('edge: a route-limited row applies only by that route, and when the route is unknown', () => {
    const pgInVehicle = withMedication({ vehicle: ['propylene glycol'], form: 'solution' });
    const cat = { patientId: 'milo' };
    expect(run(speciesSafety, pgInVehicle, [makeLine({ ...cat, parsedSig: makeSig({ route: 'oral' }) })])).toHaveLength(1);
    expect(run(speciesSafety, pgInVehicle, [makeLine({ ...cat, parsedSig: makeSig({ route: 'transdermal' }) })])).toEqual([]);
    expect(run(speciesSafety, pgInVehicle, [makeLine({ ...cat, parsedSig: makeSig({ route: undefined }) })])).toHaveLength(1);
  });

  it('edge: takes the route from the dosage form when the SIG has none', () => {
    const pgGel = withMedication({ vehicle: ['propylene glycol'], form: 'transdermal gel' });
    expect(run(speciesSafety, pgGel, [makeLine({ patientId: 'milo', parsedSig: makeSig({ route: undefined }) })])).toEqual([]);
  });

  it('matches whole words only', () => {
    const ctx = withMedication({ ingredients: ['apapine'] });
    expect(run(speciesSafety, ctx, [makeLine({ patientId: 'milo' })])).toEqual([]);
  });

  it('fails clindamycin for a rabbit', () => {
    const ctx = withMedication({ ingredients: ['clindamycin HCl'] });
    expect(run(speciesSafety, ctx, [makeLine({ patientId: 'pip' })])[0]?.message).toMatch(/unsafe for rabbits/);
  });
});
