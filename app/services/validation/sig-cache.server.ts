/**
 * Parsed SIGs, remembered across validations of the same process (a cart is revalidated after
 * every change with nearly all its SIGs unchanged).
 */
import type { ParsedSig } from '../../../validators';
import { parseSig } from '../../../validators/sig';

/** How many parsed SIGs the process keeps, at most twice over: a few busy clinics' carts. */
const SIG_CACHE_SIZE = 10_000;
let recentSigs = new Map<string, ParsedSig>();
let olderSigs = new Map<string, ParsedSig>();

/**
 * `parseSig`, remembered: a cart is revalidated after every change with nearly all its SIGs
 * unchanged, and `parseSig` is deterministic (its property test holds it to that), so each
 * distinct text is parsed once while it stays in use. Two generations instead of a strict LRU:
 * a hit costs one lookup, and texts unused for a whole generation are dropped together.
 * The product's dosage form is part of the key: it can change the reading (an injectable's
 * "give 0.4 ml q6h" names no route, an oral suspension's is by mouth; docs/sig-parser.md).
 */
export function parsedSigOf(text: string, form: string | undefined): ParsedSig {
  const key = form === undefined ? text : `${form}\u0000${text}`;
  let parsed = recentSigs.get(key);
  if (parsed) return parsed;
  parsed = olderSigs.get(key) ?? deepFreeze(parseSig(text, form === undefined ? undefined : { form }));
  if (recentSigs.size >= SIG_CACHE_SIZE) {
    olderSigs = recentSigs;
    recentSigs = new Map();
  }
  recentSigs.set(key, parsed);
  return parsed;
}

/** Frozen, because every line with the same text shares the one parsed object. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Forgets every remembered SIG (benchmarks measure a cold start with it). */
export function clearSigCache(): void {
  recentSigs = new Map();
  olderSigs = new Map();
}
