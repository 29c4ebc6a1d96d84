/**
 * A clinic API key acting in a named user's name (`actingUserId`): the acts the role table
 * reserves for a person (paying, signing off, acknowledging) are then judged by that user's
 * role, and the audit trail names the user and the key (docs/roles.md).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { badRequest } from '../platform/errors';
import { actorOf, clinicScope, type Principal } from './principal';

/**
 * The principal that acts: a signed-in person as is (an `actingUserId` is ignored), a clinic
 * key with an `actingUserId` as that active user of its clinic, a key without one as itself.
 * Another clinic's user, or no user, is a 400 on `actingUserId`.
 */
export async function actingPrincipal(db: Kysely<Database> | Transaction<Database>, principal: Principal, actingUserId?: string | null): Promise<Principal> {
  if (principal.kind !== 'clinic_key' || !actingUserId) return principal;
  const clinicId = clinicScope(principal);
  const user = isUuid(actingUserId)
    ? await db.selectFrom('users').select(['id', 'name', 'email', 'role']).where('id', '=', actingUserId).where('clinicId', '=', clinicId).where('active', '=', true).executeTakeFirst()
    : undefined;
  if (!user) throw badRequest('The acting user is not an active user of this clinic.', { actingUserId: 'not an active user of this clinic' });
  return { kind: 'user', userId: user.id, name: `${user.name} via ${actorOf(principal).actorLabel}`, email: user.email, role: user.role, clinicId, pharmacyId: null };
}
