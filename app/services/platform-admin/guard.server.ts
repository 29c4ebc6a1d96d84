import type { Principal } from '../identity/principal';
import { DomainError } from '../platform/errors';

/** Refuses anyone but a vialcart administrator (role `admin`): 403 naming what they tried to manage. */
export function requireAdmin(principal: Principal, what: string): void {
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new DomainError('forbidden', `Only a vialcart administrator manages ${what}.`);
}

/** A unique-index violation (PostgreSQL 23505) of `constraint`, raised by a concurrent insert of the same value. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return !!e && e.code === '23505' && e.constraint === constraint;
}
