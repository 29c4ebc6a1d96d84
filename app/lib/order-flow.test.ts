import { describe, expect, it } from 'vitest';
import { normalizeCarrier, portalActions, trackingUrl, transitionFor } from './order-flow';

describe('order state machine', () => {
  it('moves forward, skipping steps, and never back', () => {
    expect(transitionFor('submitted', 'accepted').kind).toBe('advance');
    expect(transitionFor('submitted', 'shipped').kind).toBe('advance');
    expect(transitionFor('accepted', 'delivered').kind).toBe('advance');
    expect(transitionFor('shipped', 'shipped').kind).toBe('update');
    expect(transitionFor('delivered', 'shipped').kind).toBe('late');
    expect(transitionFor('compounding', 'accepted').kind).toBe('late');
  });

  it('treats an event before delivery was confirmed as proof the pharmacy has the order', () => {
    expect(transitionFor('pending_delivery', 'accepted').kind).toBe('advance');
    expect(transitionFor('delivery_failed', 'rejected').kind).toBe('advance');
  });

  it('refuses what cannot happen, naming the current status', () => {
    const t = transitionFor('rejected', 'shipped');
    expect(t).toEqual({ kind: 'illegal', message: 'The order is rejected; it cannot become shipped.' });
    expect(transitionFor('shipped', 'rejected')).toMatchObject({ kind: 'illegal', message: expect.stringContaining('shipped') });
    expect(transitionFor('cancelled', 'accepted').kind).toBe('illegal');
    expect(transitionFor('rejected', 'rejected').kind).toBe('illegal');
  });

  it('offers the portal only the next steps', () => {
    expect(portalActions('submitted')).toEqual(['accepted', 'compounding', 'shipped', 'rejected']);
    expect(portalActions('shipped')).toEqual(['delivered']);
    expect(portalActions('delivered')).toEqual([]);
  });
});

describe('tracking links', () => {
  it('builds USPS, UPS and FedEx links and encodes the number', () => {
    expect(trackingUrl('USPS', '9400 1000 0000')).toBe('https://tools.usps.com/go/TrackConfirmAction?tLabels=940010000000');
    expect(trackingUrl('ups', '1Z999AA10123456784')).toBe('https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784');
    expect(trackingUrl('Fed-Ex', '123&x')).toBe('https://www.fedex.com/fedextrack/?trknbr=123%26x');
    expect(trackingUrl('DHL', '123')).toBeNull();
    expect(trackingUrl('UPS', null)).toBeNull();
    expect(normalizeCarrier(' fedex ')).toBe('FedEx');
    expect(normalizeCarrier('OnTrac')).toBe('OnTrac');
  });
});
