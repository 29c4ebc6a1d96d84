import { describe, expect, it } from 'vitest';
import { sampleOrderDocument } from '../test/support/order-document';
import { catalogFeedDocumentSchema, orderDocumentV1Schema, orderStatusEventSchema } from './types';

describe('orderDocumentV1Schema', () => {
  it('accepts a complete order and keeps SIG fields the parser may add later', () => {
    const doc = sampleOrderDocument();
    const withExtra = structuredClone(doc);
    (withExtra.lines[0]!.sig.parsed as Record<string, unknown>).confidence = 0.9;
    expect(orderDocumentV1Schema.parse(doc)).toEqual(doc);
    expect(orderDocumentV1Schema.parse(withExtra).lines[0]!.sig.parsed).toMatchObject({ confidence: 0.9 });
  });

  it('refuses a controlled line whose prescriber has no DEA number, and references that do not resolve', () => {
    const doc = sampleOrderDocument();
    doc.prescribers[0]!.deaNumber = null;
    doc.lines[0]!.patientId = 'pt_nobody';
    const issues = orderDocumentV1Schema.safeParse(doc).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual([
      ['lines.0.patientId', 'no patient pt_nobody in the document'],
      ['lines.1.deaSchedule', 'controlled line needs the DEA number of prescriber Dr. Priya Shah'],
    ]);
  });

  it('names bad states, ZIP codes and dates by their path', () => {
    const doc = sampleOrderDocument();
    doc.clinic.address.state = 'Oregon' as never;
    doc.shipTo.address.postalCode = '9730';
    doc.lines[1]!.dateWritten = '20/02/2025';
    const issues = orderDocumentV1Schema.safeParse(doc).error?.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(['clinic.address.state', 'shipTo.address.postalCode', 'lines.1.dateWritten']);
  });
});

describe('catalogFeedDocumentSchema', () => {
  it('fills defaults a pharmacy may leave out', () => {
    const parsed = catalogFeedDocumentSchema.parse({
      pharmacySlug: 'sunrise',
      generatedAt: '2025-03-01T06:00:00-08:00',
      full: false,
      items: [{ sku: 'A', medicationName: 'X', strength: '1 mg', form: 'capsule', packageDescription: '30 caps', unitPriceCents: 100, stock: 1, turnaroundDays: 1, speciesUse: ['Dog'] }],
    });
    expect(parsed.items[0]).toMatchObject({ vialsPerPackage: 1, shipStates: null, controlledSchedule: null, compounded: true, coldChain: false, flavors: [], speciesUse: ['dog'] });
  });
});

describe('orderStatusEventSchema', () => {
  it('needs a reason to reject and a carrier and tracking number to ship', () => {
    expect(orderStatusEventSchema.safeParse({ eventId: 'e1', type: 'accepted' }).success).toBe(true);
    const paths = (body: unknown) => orderStatusEventSchema.safeParse(body).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ eventId: 'e2', type: 'rejected' })).toEqual(['reason']);
    expect(paths({ eventId: 'e3', type: 'shipped', carrier: 'UPS' })).toEqual(['trackingNumber']);
  });
});
