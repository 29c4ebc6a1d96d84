import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { offerPriceChanged } from './offer.price_changed';

const ctx = makeContext(); // gaba-sunset costs 1850 today

describe('offer.price_changed', () => {
  it('passes an unchanged price', () => {
    expect(run(offerPriceChanged, ctx, [makeLine({ unitPriceCentsWhenAdded: 1850 })])).toEqual([]);
  });

  it('warns when the price went up, with both prices', () => {
    expect(run(offerPriceChanged, ctx, [makeLine({ unitPriceCentsWhenAdded: 1700 })])).toEqual([
      {
        message: 'The price went up from $17.00 to $18.50 per vial since this line was added.',
        hint: 'Acknowledge the new price, or compare other pharmacies in the catalog.',
      },
    ]);
  });

  it('edge: a one-cent drop is a change too', () => {
    expect(run(offerPriceChanged, ctx, [makeLine({ unitPriceCentsWhenAdded: 1851 })])[0]?.message).toBe(
      'The price went down from $18.51 to $18.50 per vial since this line was added.',
    );
  });
});
