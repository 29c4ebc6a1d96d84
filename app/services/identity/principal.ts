import type { Role } from '../../../db/schema';
import { DomainError } from '../platform/errors';

/** A signed-in person. */
export type UserPrincipal = {
  kind: 'user';
  userId: string;
  name: string;
  email: string;
  role: Role;
  clinicId: string | null;
  pharmacyId: string | null;
};

/** Who is acting: a person, a clinic's API key or a pharmacy's API key. Every service takes one. */
export type Principal =
  | UserPrincipal
  | { kind: 'clinic_key'; keyId: string; clinicId: string }
  | { kind: 'pharmacy_key'; keyId: string; pharmacyId: string };

/** The clinic a principal acts for; a principal without one gets a not-found, never data. */
export function clinicScope(principal: Principal): string {
  if (principal.kind === 'pharmacy_key' || !principal.clinicId) {
    throw new DomainError('not_found', 'Not found');
  }
  return principal.clinicId;
}

/** The pharmacy a principal acts for. */
export function pharmacyScope(principal: Principal): string {
  if (principal.kind === 'clinic_key' || !('pharmacyId' in principal) || !principal.pharmacyId) {
    throw new DomainError('not_found', 'Not found');
  }
  return principal.pharmacyId;
}

/** How the audit trail names a principal. */
export function actorOf(principal: Principal): { actorType: 'user' | 'api_key'; actorId: string; actorLabel: string } {
  if (principal.kind === 'user') {
    return { actorType: 'user', actorId: principal.userId, actorLabel: `${principal.name} (${principal.role})` };
  }
  return { actorType: 'api_key', actorId: principal.keyId, actorLabel: `API key ${principal.keyId.slice(0, 8)}` };
}

/** The user id of a principal, or null for API keys. */
export function userIdOf(principal: Principal): string | null {
  return principal.kind === 'user' ? principal.userId : null;
}
