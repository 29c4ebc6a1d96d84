import { describe, expect, it } from 'vitest';
import { parseSmsText } from './sms';

describe('parseSmsText', () => {
  it('reads the pet, the medication and days left', () => {
    expect(parseSmsText('need more methimazole for Luna, 3 days left')).toEqual({ patientName: 'Luna', medication: 'methimazole', daysLeft: 3, urgency: 'routine' });
    expect(parseSmsText('Hi, need more Apoquel for Max, out today. Thanks!')).toMatchObject({ patientName: 'Max', medication: 'Apoquel', daysLeft: 0, urgency: 'today' });
    expect(parseSmsText("Bella's felimazole refill pls - 2 doses left")).toMatchObject({ patientName: 'Bella', medication: 'felimazole', dosesLeft: 2 });
    expect(parseSmsText('refill gabapentin for my dog Rocky, one day left')).toMatchObject({ medication: 'gabapentin', daysLeft: 1, urgency: 'soon' });
  });
  it('never throws on garbage', () => {
    for (const s of ['', '!!!', '\u0000'.repeat(10), 'x'.repeat(5000), "'); DROP TABLE x;--"]) expect(() => parseSmsText(s)).not.toThrow();
  });
});
