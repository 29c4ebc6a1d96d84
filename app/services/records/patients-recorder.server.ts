/** Who recorded a weight or an exam: the signed-in person, the API key's named user, or the key itself. */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { actorOf, userIdOf, type Principal } from '../identity/principal';
import { badRequest } from '../platform/errors';

/** The recorder's user id (null for a key acting alone) and the label the histories show. */
export async function recorderOf(db: Kysely<Database>, principal: Principal, clinicId: string, actingUserId?: string | null) {
  if (principal.kind !== 'user' && actingUserId) {
    const user = isUuid(actingUserId)
      ? await db.selectFrom('users').select(['id', 'name', 'role']).where('id', '=', actingUserId).where('clinicId', '=', clinicId).where('active', '=', true).executeTakeFirst()
      : undefined;
    if (!user) throw badRequest('The acting user is not a user of this clinic.', { actingUserId: 'not a user of this clinic' });
    return { recordedBy: user.id, recordedByLabel: `${user.name} (${user.role}, via ${actorOf(principal).actorLabel})` };
  }
  return { recordedBy: userIdOf(principal), recordedByLabel: actorOf(principal).actorLabel };
}
