/**
 * The consent keywords carriers and Twilio recognise (docs/sms.md): a text that is only one of
 * these words (any case, trailing punctuation ignored) opts the number out, back in, or asks for
 * help. Anything else is a message for the clinic.
 */

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** What a keyword text asks for. */
export type KeywordIntent = { intent: 'opt_out' | 'opt_in' | 'help'; keyword: string };

/** The keyword a text consists of, or null when it is an ordinary message. */
export function readKeyword(body: string): KeywordIntent | null {
  const word = body
    .trim()
    .replace(/[.!?\s]+$/u, '')
    .toUpperCase();
  if (!/^[A-Z]+$/.test(word)) return null;
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return { intent: 'opt_out', keyword: word };
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return { intent: 'opt_in', keyword: word };
  if ((HELP_KEYWORDS as readonly string[]).includes(word)) return { intent: 'help', keyword: word };
  return null;
}
