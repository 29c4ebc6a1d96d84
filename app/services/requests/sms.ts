/** Reading an owner's refill text message, pure: pet, medicine, days or doses left, urgency. */
import type { Urgency } from './routing';

const NUMBER_WORDS: Record<string, number> = {
  no: 0, zero: 0, none: 0, a: 1, an: 1, one: 1, two: 2, couple: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};

/** What a free-text refill message says, as far as it can be read. */
export type SmsReading = {
  patientName: string;
  medication: string;
  /** "3 days left" */
  daysLeft?: number;
  /** "4 pills left" */
  dosesLeft?: number;
  urgency: Urgency;
};

/**
 * Reads texts such as "need more methimazole for Luna, 3 days left", "Luna's felimazole
 * refill pls - out tomorrow", "refill apoquel for Max and Bella". Names that are unclear stay
 * as written; matching later also scans the whole text for the owner's pets and prescriptions.
 */
export function parseSmsText(body: string): SmsReading {
  const text = body.replace(/\s+/g, ' ').trim().slice(0, 1000);
  const lower = text.toLowerCase();
  let daysLeft: number | undefined;
  let dosesLeft: number | undefined;
  const count = /\b(\d{1,3}|no|zero|none|a|an|one|two|couple|three|four|five|six|seven|eight|nine|ten)\s+(?:of\s+)?(?:more\s+)?(days?|doses?|pills?|tablets?|tabs?|caps?|capsules?|clicks?|chews?|treats?|ml)\b(?:\s+(?:left|remaining|to go))?/i.exec(lower);
  if (count) {
    const n = /^\d+$/.test(count[1]!) ? Number(count[1]) : NUMBER_WORDS[count[1]!]!;
    if (/^days?$/.test(count[2]!)) daysLeft = n;
    else dosesLeft = n;
  }
  if (daysLeft === undefined && /\b(ran out|run out|out of|all out|none left|last dose|empty|out today)\b/.test(lower)) daysLeft = 0;
  if (daysLeft === undefined && /\b(tomorrow|out tmrw|out tomorrow)\b/.test(lower)) daysLeft = 1;
  let urgency: Urgency = 'routine';
  if (/\b(urgent|asap|emergency|today)\b/.test(lower) || daysLeft === 0) urgency = 'today';
  else if (daysLeft !== undefined && daysLeft <= 2) urgency = 'soon';

  // "for Luna", "for Luna and Max"; "Luna's …"
  let patientName = '';
  const forName = /\bfor\s+([A-Z][\p{L}'-]*(?:\s+[A-Z][\p{L}'-]*)?)/u.exec(text) ?? /\bfor\s+([\p{L}'-]+)/iu.exec(text);
  const possessive = /\b([A-Z][\p{L}-]+)'s\b/u.exec(text);
  if (forName && !/^(my|the|her|his|our|him)$/i.test(forName[1]!)) patientName = forName[1]!;
  else if (possessive) patientName = possessive[1]!;

  // The medicine: what follows "more / refill (of|on) / need", up to "for" or punctuation.
  let medication = '';
  const med =
    /\b(?:more|refills?(?:\s+(?:of|on|for))?|need|needs|reorder|renew)\s+(?:some\s+|more\s+|her\s+|his\s+|the\s+|my\s+)?([\p{L}][\p{L}0-9 ./-]*?)(?=\s+(?:for|please|pls|thanks|asap|refill)\b|[,.!?;:]|\s+-|$)/iu.exec(text);
  if (med && !/^(pls|plz|please|thanks|thx|asap|today|now)\b/i.test(med[1]!.trim())) medication = med[1]!.trim();
  if (possessive && !medication) {
    const after = new RegExp(`${possessive[1]}'s\\s+([\\p{L}][\\p{L}0-9 -]*?)(?=\\s+(?:refill|please|pls)\\b|[,.!?;:]|\\s+-|$)`, 'u').exec(text);
    if (after) medication = after[1]!.trim();
  }
  return {
    patientName: patientName.slice(0, 100),
    medication: medication.replace(/^(refill|more)\s+/i, '').slice(0, 200),
    ...(daysLeft !== undefined ? { daysLeft } : {}),
    ...(dosesLeft !== undefined ? { dosesLeft } : {}),
    urgency,
  };
}