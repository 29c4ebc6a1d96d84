/**
 * Owners' consent to texts, per phone number and clinic: an append-only log (sms_consents) of
 * opt-ins (the public form's "Text me updates", START) and opt-outs (STOP and its synonyms).
 * The latest entry for a number decides; an opted-out number gets nothing, whatever else says so.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { now } from '../platform/clock.server';

/** One consent event as recorded. */
export type ConsentEntry = {
  clinicId: string;
  phone: string;
  action: 'opt_in' | 'opt_out';
  source: 'web_form' | 'keyword' | 'staff' | 'api';
  keyword?: string | null;
  /** The exact words shown to the owner when they agreed (web form), or the keyword texted. */
  consentText?: string | null;
  clientId?: string | null;
  refillRequestId?: string | null;
  messageSid?: string | null;
};

/** Records a consent event inside the caller's transaction. */
export async function recordConsent(db: Kysely<Database>, entry: ConsentEntry): Promise<void> {
  await db
    .insertInto('smsConsents')
    .values({
      clinicId: entry.clinicId,
      phone: entry.phone,
      action: entry.action,
      source: entry.source,
      keyword: entry.keyword ?? null,
      consentText: entry.consentText ?? null,
      clientId: entry.clientId ?? null,
      refillRequestId: entry.refillRequestId ?? null,
      messageSid: entry.messageSid ?? null,
      createdAt: now(),
    })
    .execute();
}

/** The latest consent event of a number at a clinic, or null when it never gave or withdrew any. */
export async function latestConsent(db: Kysely<Database>, clinicId: string, phone: string) {
  return db
    .selectFrom('smsConsents')
    .select(['action', 'source', 'keyword', 'consentText', 'createdAt'])
    .where('clinicId', '=', clinicId)
    .where('phone', '=', phone)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Whether the number has opted out of the clinic's texts (STOP and not START since). */
export async function smsOptedOut(db: Kysely<Database>, clinicId: string, phone: string): Promise<boolean> {
  return (await latestConsent(db, clinicId, phone))?.action === 'opt_out';
}
