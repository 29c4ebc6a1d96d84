import { alternativeOffer, shipsTo } from '../lib/lookups';
import type { RuleCheck } from '../types';

/**
 * `pharmacy.ship_state`: a 503A pharmacy may dispense only into states that license it; an
 * expired licence is no licence, one expiring today still counts today.
 */
export const pharmacyShipState: RuleCheck = (line, ctx, cart) => {
  const pharmacy = ctx.pharmacies[line.pharmacyId];
  if (pharmacy && shipsTo(pharmacy, line.shipState, ctx.today)) return [];
  const other = alternativeOffer(line, ctx, cart);
  const expired = pharmacy?.shipStates.some((s) => s.state === line.shipState) ?? false;
  const name = pharmacy?.name ?? 'The pharmacy of this line';
  return [
    {
      message: expired
        ? `${name}'s licence to ship to ${line.shipState} has expired.`
        : `${name} is not licensed to ship to ${line.shipState}.`,
      hint: other
        ? `Switch to ${other.pharmacy.name}, which ships to ${line.shipState} and has it in stock.`
        : `No partner pharmacy with stock ships this medication to ${line.shipState}; ship to the clinic instead.`,
      ...(other ? { fix: { kind: 'switch_offer' as const, offerId: other.offer.id, pharmacyName: other.pharmacy.name } } : {}),
    },
  ];
};
