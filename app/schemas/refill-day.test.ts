import { describe, expect, it } from 'vitest';
import { addDueLinesSchema, refillDayActionSchema } from './refill-day';

const LINE = '0b4c6a52-95a1-4f7e-8d3e-2f1a9c0d7e11';
const OTHER = '7f9e1d2c-3b4a-4c5d-9e6f-0a1b2c3d4e5f';

/** Field path → message of a failed parse. */
function errorsOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  return Object.fromEntries(result.error!.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('the refill-day page action schema', () => {
  it('accepts each intent with the fields its form posts, as the services take them', () => {
    expect(refillDayActionSchema.parse({ intent: 'remove', lineId: LINE, version: '4', label: "Mochi's Methimazole" })).toEqual({
      intent: 'remove',
      lineId: LINE,
      version: 4,
      label: "Mochi's Methimazole",
    });
    expect(refillDayActionSchema.parse({ intent: 'remove', lineId: LINE, version: '4' })).toMatchObject({ label: 'the line' });
    expect(refillDayActionSchema.parse({ intent: 'undo', lineId: LINE })).toEqual({ intent: 'undo', lineId: LINE });
    expect(refillDayActionSchema.parse({ intent: 'switch', lineId: LINE, version: '2', offerId: OTHER })).toEqual({ intent: 'switch', lineId: LINE, version: 2, offerId: OTHER });
    expect(refillDayActionSchema.parse({ intent: 'renewal', lineId: LINE, version: '2', prescriptionId: OTHER })).toEqual({ intent: 'renewal', lineId: LINE, version: 2, prescriptionId: OTHER });
    // The prescriber of a line is never set by a one-click fix any more: that intent is gone.
    expect(refillDayActionSchema.safeParse({ intent: 'set-prescriber', lineId: LINE, version: '2', prescriberId: OTHER }).success).toBe(false);
    // The one-button forms also post the version; a field the intent does not read is dropped.
    expect(refillDayActionSchema.parse({ intent: 'acknowledge', lineId: LINE, version: '3', rule: 'sig.duration' })).toEqual({ intent: 'acknowledge', lineId: LINE, rule: 'sig.duration' });
    expect(
      refillDayActionSchema.parse({ intent: 'update', lineId: LINE, version: '5', quantity: '3', sig: ' Give 1 ml PO BID x 30 days ', prescriberId: OTHER, shipTo: 'owner', flavor: '', needBy: '2026-12-20' }),
    ).toEqual({ intent: 'update', lineId: LINE, version: 5, quantity: 3, sig: 'Give 1 ml PO BID x 30 days', prescriberId: OTHER, shipTo: 'owner', flavor: null, needBy: '2026-12-20' });
    expect(refillDayActionSchema.parse({ intent: 'add', patientId: LINE, offerId: OTHER, prescriptionId: '', quantity: '2', sig: 'Give 1 ml PO SID', prescriberId: OTHER, shipTo: 'clinic' })).toMatchObject({
      intent: 'add',
      quantity: 2,
      prescriptionId: null,
    });
  });

  it('names the field of bad input, per intent', () => {
    expect(errorsOf(refillDayActionSchema.safeParse({ intent: 'launch' }))).toEqual({ intent: 'Unknown action.' });
    expect(errorsOf(refillDayActionSchema.safeParse({}))).toEqual({ intent: 'Unknown action.' });
    expect(errorsOf(refillDayActionSchema.safeParse({ intent: 'remove', lineId: 'constructor', version: '' }))).toEqual({
      lineId: 'This line is not in the cart any more: reload the page.',
      version: 'Reload the page: the line version is missing.',
    });
    expect(errorsOf(refillDayActionSchema.safeParse({ intent: 'switch', lineId: LINE, version: '1', offerId: 'cheapest' }))).toEqual({ offerId: 'Choose a pharmacy to switch to.' });
    expect(errorsOf(refillDayActionSchema.safeParse({ intent: 'acknowledge', lineId: LINE, rule: ' ' }))).toEqual({ rule: 'Choose the warning to acknowledge.' });
    expect(errorsOf(refillDayActionSchema.safeParse({ intent: 'update', lineId: LINE, version: '1', quantity: '0', sig: '', prescriberId: OTHER, shipTo: 'drone' }))).toEqual({
      quantity: 'At least 1 vial.',
      sig: 'Enter the directions (SIG).',
      shipTo: 'Ship to the clinic or the owner.',
    });
    expect(errorsOf(refillDayActionSchema.safeParse({ intent: 'add', patientId: '', offerId: '', quantity: '1', sig: 'x', prescriberId: OTHER }))).toEqual({
      patientId: 'Pick a patient from the list.',
      offerId: 'Pick a medication from the list.',
    });
  });
});

describe("the builder's add-due-lines schema", () => {
  it('takes one or many chosen lines, in the order posted', () => {
    expect(addDueLinesSchema.parse({ orderLineId: LINE })).toEqual({ orderLineId: [LINE] });
    expect(addDueLinesSchema.parse({ orderLineId: [OTHER, LINE] })).toEqual({ orderLineId: [OTHER, LINE] });
  });

  it('asks for at least one, and names a line that is not an id', () => {
    expect(errorsOf(addDueLinesSchema.safeParse({}))).toEqual({ orderLineId: 'Choose at least one patient to add.' });
    expect(errorsOf(addDueLinesSchema.safeParse({ orderLineId: [LINE, 'x'] }))).toEqual({ 'orderLineId.1': 'This line is not on the due list any more: reload the page.' });
  });
});
