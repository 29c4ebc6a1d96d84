import type { Kysely } from 'kysely';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import { actorOf, type Principal } from '../identity/principal';

/** One entry of the append-only audit trail. */
export type AuditEntry = {
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
  clinicId?: string | null;
  pharmacyId?: string | null;
};

/** Appends audit events inside the caller's transaction, so they commit with the change they describe. */
export async function audit(
  db: Kysely<Database>,
  actor: Principal | { actorType: 'owner' | 'pharmacy' | 'system'; actorId?: string | null; actorLabel: string },
  entries: AuditEntry | AuditEntry[],
  at?: Date,
): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  const who = 'kind' in actor ? actorOf(actor) : { actorType: actor.actorType, actorId: actor.actorId ?? null, actorLabel: actor.actorLabel };
  await db
    .insertInto('auditEvents')
    .values(
      list.map((e) => ({
        clinicId: e.clinicId ?? null,
        pharmacyId: e.pharmacyId ?? null,
        actorType: who.actorType,
        actorId: who.actorId,
        actorLabel: who.actorLabel,
        action: e.action,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        detail: json(e.detail ?? {}),
        ...(at ? { at } : {}),
      })),
    )
    .execute();
}
