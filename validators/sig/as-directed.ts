/**
 * Directions that hand over to "as directed": bare ("Use as directed"), or after a first part
 * ("… for 7 days, then as directed"). A pharmacy labels only what is written, so the part after
 * "then" is left to the owner's memory; entry forms flag it while the SIG is typed.
 */
export type AsDirected = 'bare' | 'then';

const AS_DIRECTED = /\bas\s+(?:directed|instructed|prescribed)\b(?:\s+by\s+(?:your\s+|the\s+)?(?:vet(?:erinarian)?|doctor|dr\.?))?[\s.!]*$/i;
const THEN = /\b(?:then|thereafter|after\s+that|and\s+then)\s*[,:;-]?\s*$/i;

/** Whether (and how) `sig` ends in "as directed"; null when it spells out its directions. */
export function asDirected(sig: string): AsDirected | null {
  const text = sig.normalize('NFKC').trim();
  const match = AS_DIRECTED.exec(text);
  if (!match) return null;
  const before = text.slice(0, match.index).replace(/[\s,;:.-]+$/, '');
  const words = before.split(/\s+/).filter(Boolean);
  // "Use as directed", "Give as directed", "Apply as directed": nothing but a verb before it.
  if (words.length <= 1) return 'bare';
  return THEN.test(`${before} `) ? 'then' : null;
}

/** The warning an entry form shows for such directions. */
export function asDirectedWarning(kind: AsDirected): string {
  return kind === 'bare'
    ? '“As directed” alone tells the pharmacy and the owner nothing: write the dose, route and how often.'
    : 'The directions end in “then as directed”: write what comes after, or the label stops there.';
}
