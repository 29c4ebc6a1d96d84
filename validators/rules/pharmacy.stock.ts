import { describeLines } from '../lib/cart';
import { alternativeOffer, availableVials } from '../lib/lookups';
import type { RuleCheck } from '../types';

/**
 * `pharmacy.stock`: the whole cart's vials of one offer must fit in what the pharmacy can
 * sell (on hand less reserved). Every line sharing an over-asked offer gets the finding, since
 * moving any one of them may fix it; each is offered a pharmacy with room for it.
 */
export const pharmacyStock: RuleCheck = (line, ctx, cart) => {
  const offer = ctx.offers[line.offerId];
  const asked = cart.vialsByOffer.get(line.offerId) ?? line.quantity;
  const available = offer ? availableVials(offer) : 0;
  if (offer && asked <= available) return [];

  const pharmacyName = ctx.pharmacies[line.pharmacyId]?.name ?? 'The pharmacy';
  const medicationName = ctx.medications[line.medicationId]?.name ?? 'this medication';
  // From the cart's index, not a scan of every line: a cart short on many offers stays linear.
  const sharing = (cart.linesByOffer.get(line.offerId) ?? []).filter((i) => i !== cart.index);
  let message: string;
  if (!offer || !offer.available) {
    message = `${pharmacyName} no longer offers ${medicationName}.`;
  } else if (sharing.length > 0) {
    message = `This cart asks ${pharmacyName} for ${asked} vials of ${medicationName} (with ${describeLines(sharing)}); only ${available} are available.`;
  } else {
    message = `${pharmacyName} has ${available} vial${available === 1 ? '' : 's'} of ${medicationName} available; this line asks for ${asked}.`;
  }
  const other = alternativeOffer(line, ctx, cart);
  return [
    {
      message,
      hint: other
        ? `${other.pharmacy.name} has it in stock and ships to ${line.shipState}.`
        : 'No other partner pharmacy has enough in stock for this line; lower the quantity or order it later.',
      ...(other ? { fix: { kind: 'switch_offer' as const, offerId: other.offer.id, pharmacyName: other.pharmacy.name } } : {}),
    },
  ];
};
