/**
 * How many SMS segments a text takes, pure, with Twilio's own calculator
 * (sms-segments-calculator, docs/decisions/010-sms-through-twilio.md): GSM-7 fits 160
 * characters in one segment and 153 per segment when split; a single character outside GSM-7
 * makes the whole text UCS-2, 70 and 67. Carriers bill per segment.
 */
import { SegmentedMessage } from 'sms-segments-calculator';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** The segments and encoding of `body`, and the characters that forced UCS-2 (to reword them). */
export function countSegments(body: string): { segments: number; encoding: SmsEncoding; nonGsmCharacters: string[] } {
  const message = new SegmentedMessage(body);
  return { segments: message.segmentsCount, encoding: message.encodingName, nonGsmCharacters: message.getNonGsmCharacters() };
}
