import type { RuleCheck, SigFixPart } from '../types';

const REQUIRED = ['dose', 'route', 'frequency'] as const;

/** `sig.complete`: a pharmacy rejects a SIG without dose, route and frequency (the top bounce cause). */
export const sigComplete: RuleCheck = (line) => {
  const { parsedSig } = line;
  if (parsedSig.complete) return [];
  // The parser lists what is missing; should it ever say incomplete without a list, fall back
  // to the parts it did not find rather than report nothing.
  const listed: SigFixPart[] = [...parsedSig.missing];
  const missing = listed.length > 0 ? listed : REQUIRED.filter((part) => parsedSig[part] === undefined);
  const parts: SigFixPart[] = missing.length > 0 ? missing : [...REQUIRED];
  const what = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
  return [
    {
      message: line.sig.trim() === '' ? 'The directions (SIG) are empty.' : `The directions (SIG) do not say the ${what}.`,
      hint: 'Add the missing part, e.g. "Give 0.5 ml by mouth twice daily".',
      fix: { kind: 'edit_sig', missing: parts },
    },
  ];
};
