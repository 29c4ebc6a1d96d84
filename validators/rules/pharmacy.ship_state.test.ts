import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { pharmacyShipState } from './pharmacy.ship_state';

describe('pharmacy.ship_state', () => {
  it('passes a pharmacy licensed for the destination', () => {
    expect(run(pharmacyShipState, makeContext(), [makeLine()])).toEqual([]);
  });

  it('fails a pharmacy not licensed there and names one that is, with stock', () => {
    const line = makeLine({ shipTo: 'owner', shipState: 'OR' });
    expect(run(pharmacyShipState, makeContext(), [line])).toEqual([
      {
        message: 'Sunset Compounding is not licensed to ship to OR.',
        hint: 'Switch to Cascade Veterinary Pharmacy, which ships to OR and has it in stock.',
        fix: { kind: 'switch_offer', offerId: 'gaba-cascade', pharmacyName: 'Cascade Veterinary Pharmacy' },
      },
    ]);
  });

  it('suggests the cheapest pharmacy licensed for the state (Desert Rx for AZ)', () => {
    const line = makeLine({ offerId: 'gaba-cascade', pharmacyId: 'cascade', shipTo: 'owner', shipState: 'AZ' });
    expect(run(pharmacyShipState, makeContext(), [line])[0]?.fix).toEqual({ kind: 'switch_offer', offerId: 'gaba-desert', pharmacyName: 'Desert Rx' });
  });

  it('edge: a ship-state licence expiring today counts; one that expired yesterday does not', () => {
    const expiring = (expiresOn: string) =>
      makeContext((c) => {
        c.pharmacies.sunset!.shipStates = [{ state: 'CA', expiresOn }];
      });
    expect(run(pharmacyShipState, expiring('2025-06-15'), [makeLine()])).toEqual([]);
    const [finding] = run(pharmacyShipState, expiring('2025-06-14'), [makeLine()]);
    expect(finding?.message).toBe("Sunset Compounding's licence to ship to CA has expired.");
    expect(finding?.fix).toMatchObject({ offerId: 'gaba-cascade' });
  });

  it('offers no switch when no other pharmacy ships there', () => {
    const line = makeLine({ offerId: 'methi-sunset', medicationId: 'methimazole', shipTo: 'owner', shipState: 'OR' });
    const [finding] = run(pharmacyShipState, makeContext(), [line]);
    expect(finding?.fix).toBeUndefined();
    expect(finding?.hint).toBe('No partner pharmacy with stock ships this medication to OR; ship to the clinic instead.');
  });

  it('does not suggest a pharmacy the rest of the cart has already emptied', () => {
    const line = makeLine({ shipTo: 'owner', shipState: 'OR', quantity: 5 });
    const cascadeTaken = makeLine({ id: 'line-2', offerId: 'gaba-cascade', pharmacyId: 'cascade', patientId: 'milo', quantity: 38 });
    expect(run(pharmacyShipState, makeContext(), [line, cascadeTaken])[0]?.fix).toBeUndefined();
  });
});
