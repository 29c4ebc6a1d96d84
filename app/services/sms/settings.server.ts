/**
 * A clinic's texting settings as a manager edits them on /settings/sms: its Twilio number and
 * sender, its own account (auth token or API key, sealed and never shown back beyond the last
 * four characters), quiet hours; and what the page shows about them (webhook URLs, whose
 * account sends, recent opt-outs).
 */
import { allowed } from '../identity/permissions';
import { getDb } from '../../../db/client';
import type { SmsSettingsInput } from '../../schemas/sms';
import { getEnv } from '../../env.server';
import { audit } from '../audit/audit.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { openSecret, sealSecret, secretHint } from '../platform/secrets.server';
import { readSmsSetup } from './setup.server';

function requireManager(principal: Principal): void {
  if (!allowed(principal, 'settings.manage')) throw new DomainError('forbidden', 'Only a manager changes the texting settings.');
}

/** The settings page's view: no secret in full, ever. */
export async function getSmsSettings(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const [row, setup, clinic, optOuts, counts] = await Promise.all([
    db.selectFrom('clinicSmsSettings').selectAll().where('clinicId', '=', clinicId).executeTakeFirst(),
    readSmsSetup(db, clinicId),
    db.selectFrom('clinics').select(['timezone', 'name']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    db
      .selectFrom('smsConsents')
      .select(['phone', 'action', 'source', 'keyword', 'createdAt'])
      .where('clinicId', '=', clinicId)
      .orderBy('id', 'desc')
      .limit(10)
      .execute(),
    db
      .selectFrom('notifications')
      .select((eb) => ['deliveryStatus', eb.fn.countAll<number>().as('n')])
      .where('clinicId', '=', clinicId)
      .where('channel', '=', 'sms')
      .groupBy('deliveryStatus')
      .execute(),
  ]);
  const appUrl = getEnv().APP_URL;
  return {
    clinicName: clinic.name,
    timezone: clinic.timezone,
    phoneNumber: row?.phoneNumber ?? null,
    messagingServiceSid: row?.messagingServiceSid ?? null,
    accountSid: row?.accountSid ?? null,
    apiKeySid: row?.apiKeySid ?? null,
    authTokenHint: row?.authTokenSealed ? (openSecret(row.authTokenSealed) === null ? 'unreadable: enter it again' : row.authTokenHint) : null,
    apiKeySecretHint: row?.apiKeySecretSealed ? (openSecret(row.apiKeySecretSealed) === null ? 'unreadable: enter it again' : row.apiKeySecretHint) : null,
    quietStart: setup.quietHours.start,
    quietEnd: setup.quietHours.end,
    sending: (setup.credentials && setup.sender ? (setup.account === 'clinic' ? 'clinic' : 'platform') : 'outbox') as 'clinic' | 'platform' | 'outbox',
    incomingUrl: new URL('/webhooks/sms/twilio', appUrl).toString(),
    statusCallbackUrl: new URL('/webhooks/sms/twilio/status', appUrl).toString(),
    consents: optOuts.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    delivery: Object.fromEntries(counts.map((c) => [c.deliveryStatus ?? 'not handed over', Number(c.n)])) as Record<string, number>,
  };
}

/** Saves the settings (managers only); an empty secret field keeps the stored secret. Audited without secrets. */
export async function updateSmsSettings(principal: Principal, input: SmsSettingsInput) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  await getDb()
    .transaction()
    .execute(async (tx) => {
      if (input.phoneNumber) {
        const taken = await tx.selectFrom('clinicSmsSettings').select('clinicId').where('phoneNumber', '=', input.phoneNumber).where('clinicId', '!=', clinicId).executeTakeFirst();
        if (taken) throw new DomainError('conflict', 'Another clinic already uses this number.', { phoneNumber: 'Another clinic already uses this number.' });
      }
      const before = await tx.selectFrom('clinicSmsSettings').selectAll().where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
      const token = input.authToken ? { authTokenSealed: sealSecret(input.authToken), authTokenHint: secretHint(input.authToken) } : input.clearAuthToken ? { authTokenSealed: null, authTokenHint: null } : {};
      const keySecret = input.apiKeySecret ? { apiKeySecretSealed: sealSecret(input.apiKeySecret), apiKeySecretHint: secretHint(input.apiKeySecret) } : input.apiKeySid ? {} : { apiKeySecretSealed: null, apiKeySecretHint: null };
      if (input.apiKeySid && !input.apiKeySecret && !before?.apiKeySecretSealed) {
        throw new DomainError('bad_request', 'An API key needs its secret.', { apiKeySecret: 'Enter the API key’s secret.' });
      }
      const hasToken = 'authTokenSealed' in token ? token.authTokenSealed !== null : !!before?.authTokenSealed;
      if (input.accountSid && !hasToken) {
        throw new DomainError('bad_request', 'Twilio signs its webhooks with the account’s auth token: enter it.', { authToken: 'Enter the account’s auth token.' });
      }
      const values = {
        phoneNumber: input.phoneNumber,
        messagingServiceSid: input.messagingServiceSid,
        accountSid: input.accountSid,
        apiKeySid: input.apiKeySid,
        quietStart: input.quietStart,
        quietEnd: input.quietEnd,
        ...token,
        ...keySecret,
        updatedBy: userIdOf(principal),
        updatedAt: now(),
      };
      await tx
        .insertInto('clinicSmsSettings')
        .values({ clinicId, ...values })
        .onConflict((oc) => oc.column('clinicId').doUpdateSet(values))
        .execute();
      await audit(tx, principal, {
        clinicId,
        subjectType: 'clinic',
        subjectId: clinicId,
        action: 'clinic.sms_settings_changed',
        detail: {
          before: before ? { phoneNumber: before.phoneNumber, messagingServiceSid: before.messagingServiceSid, accountSid: before.accountSid, apiKeySid: before.apiKeySid, quietStart: before.quietStart, quietEnd: before.quietEnd } : null,
          after: { phoneNumber: input.phoneNumber, messagingServiceSid: input.messagingServiceSid, accountSid: input.accountSid, apiKeySid: input.apiKeySid, quietStart: input.quietStart, quietEnd: input.quietEnd },
          authTokenChanged: 'authTokenSealed' in token,
          apiKeySecretChanged: 'apiKeySecretSealed' in keySecret,
        },
      });
    });
  return getSmsSettings(principal);
}
