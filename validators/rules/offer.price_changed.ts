import { formatCents } from '../lib/money';
import type { RuleCheck } from '../types';

/** `offer.price_changed`: the clinic pays today's price, so a change since adding is shown before paying. */
export const offerPriceChanged: RuleCheck = (line, ctx) => {
  const offer = ctx.offers[line.offerId];
  if (!offer || offer.unitPriceCents === line.unitPriceCentsWhenAdded) return [];
  const direction = offer.unitPriceCents > line.unitPriceCentsWhenAdded ? 'went up' : 'went down';
  return [
    {
      message: `The price ${direction} from ${formatCents(line.unitPriceCentsWhenAdded)} to ${formatCents(offer.unitPriceCents)} per vial since this line was added.`,
      hint: 'Acknowledge the new price, or compare other pharmacies in the catalog.',
    },
  ];
};
