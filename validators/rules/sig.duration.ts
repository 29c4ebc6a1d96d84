import type { RuleCheck } from '../types';

/**
 * `sig.duration`: without a duration the pharmacy and the refill reminders cannot tell a
 * 10-day course from a long-term medication; the vet confirms which it is.
 */
export const sigDuration: RuleCheck = (line) => {
  if (line.parsedSig.durationDays !== undefined) return [];
  return [
    {
      message: 'The directions (SIG) give no duration.',
      hint: 'Add "for 14 days" or "long-term", or acknowledge if this is ongoing therapy.',
      fix: { kind: 'edit_sig', missing: ['duration'] },
    },
  ];
};
