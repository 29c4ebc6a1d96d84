import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { hashPassword, verifyPassword } from '../../../db/credentials';
import { DomainError } from '../platform/errors';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../schemas/identity';

// Password strength is judged by zxcvbn-ts with its common and English dictionaries
// (docs/decisions/013-password-strength.md): a password must be at least MIN_PASSWORD_LENGTH
// long and score 3 of 4 ("safely unguessable"), with the person's own name, email and clinic
// counted as known words.

/** The least zxcvbn score accepted (0–4). */
export const MIN_PASSWORD_SCORE = 3;

let checker: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  // The dictionaries take a moment to load: once per process, on first use.
  checker ??= new ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
  });
  return checker;
}

/** Words of a person's own details that make a password guessable. */
function personalWords(context: string[]): string[] {
  const words = new Set<string>(['vialcart', 'password']);
  for (const value of context) {
    for (const part of value.toLowerCase().split(/[^a-z0-9]+/)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

/**
 * Why a password is too weak, or null when it is strong enough. `context`: the person's name,
 * email and organisation, which a password must not lean on.
 */
export function passwordWeakness(password: string, context: string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const result = zxcvbn().check(password, personalWords(context));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = result.feedback.warning ? `${result.feedback.warning.replace(/\.$/, '')}.` : 'This password is too easy to guess.';
  const tip = result.feedback.suggestions[0] ?? 'A few unrelated words together make a strong password.';
  return `${why} ${tip}`;
}

/** Hashes a new password after checking its strength; a weak one is a 400 on `field`. */
export async function hashNewPassword(password: string, context: string[], field = 'password'): Promise<string> {
  const weakness = passwordWeakness(password, context);
  if (weakness) throw new DomainError('bad_request', weakness, { [field]: weakness });
  return hashPassword(password);
}

// A hash of nothing anyone knows, checked when there is no account to check against, so a
// wrong email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks a password against a stored hash; with no hash, does the same work and answers false. */
export async function checkPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (passwordHash) return verifyPassword(passwordHash, password);
  dummyHash ??= hashPassword(`no account ${Math.random()}`);
  await verifyPassword(await dummyHash, password);
  return false;
}
