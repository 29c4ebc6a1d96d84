import type { Kysely, Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, Role } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { appUrl, forgetQueuedLinks, queueAccountEmail } from './account-mail.server';
import { hashNewPassword } from './passwords.server';
import type { Principal, UserPrincipal } from './principal';
import { issueToken, LINK_PLACEHOLDER, TOKEN_LIFETIME_MINUTES, tokenHash } from './tokens.server';

// Invitations: the one way a person joins a clinic or a pharmacy. Inviting creates the user
// row (not active, no password) — a veterinarian's prescriber record with it, so the
// prescribers page lists them at once — and emails a signed, single-use link valid for 72 h.
// Opening it, the person chooses their name and password and is signed in. A resend replaces
// the link; acceptance, a resend or a deactivation ends the earlier ones. Pharmacist users use
// the same mechanism with a pharmacy instead of a clinic (docs/onboarding.md).

/** Whom to invite, and where. Exactly one of `clinicId` (clinic roles) and `pharmacyId` (pharmacist). */
export type InvitationTarget = {
  email: string;
  name?: string | undefined;
  role: Role;
  clinicId: string | null;
  pharmacyId: string | null;
};

/** A unique-index violation (PostgreSQL 23505) raised by a concurrent insert of the same email. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

const emailField = (message: string) => new DomainError('conflict', message, { email: message });

/**
 * Invites a person in the caller's transaction: creates the invited user (and a veterinarian's
 * prescriber record), the invitation and its email, and audits it. An address that already has
 * an account gets a specific message on `email`: a member here (active, invited or
 * deactivated), or an account elsewhere.
 */
export async function inviteUser(tx: Transaction<Database>, inviter: Principal, target: InvitationTarget): Promise<{ userId: string; invitationId: string }> {
  if ((target.clinicId === null) === (target.pharmacyId === null)) throw new Error('an invitation is to exactly one clinic or pharmacy');
  const email = target.email.trim().toLowerCase();
  const existing = await tx
    .selectFrom('users')
    .select(['id', 'role', 'active', 'deactivatedAt', 'clinicId', 'pharmacyId'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .executeTakeFirst();
  if (existing) {
    const here = existing.clinicId === target.clinicId && existing.pharmacyId === target.pharmacyId;
    if (!here) throw emailField('This email already has a vialcart account at another clinic or pharmacy. Invite a different address.');
    if (existing.active) throw emailField('This person already has an account here.');
    if (existing.deactivatedAt) throw emailField('This person was deactivated here: reactivate them instead of inviting again.');
    throw emailField('This person is already invited: resend their invitation instead.');
  }
  const name = target.name?.trim() || email.split('@')[0]!;
  let userId: string;
  try {
    const row = await tx
      .insertInto('users')
      .values({ email, name, role: target.role, clinicId: target.clinicId, pharmacyId: target.pharmacyId, active: false, passwordHash: null, createdAt: now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    userId = row.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw emailField('This email already has a vialcart account. Invite a different address.');
    throw error;
  }
  if (target.role === 'veterinarian' && target.clinicId) await ensurePrescriber(tx, { userId, clinicId: target.clinicId, name });
  const invitationId = await sendInvitation(tx, inviter, { userId, email, name, role: target.role, clinicId: target.clinicId, pharmacyId: target.pharmacyId });
  await audit(tx, inviter, {
    clinicId: target.clinicId,
    pharmacyId: target.pharmacyId,
    action: 'user.invited',
    subjectType: 'user',
    subjectId: userId,
    detail: { email, role: target.role },
  });
  return { userId, invitationId };
}

/** Makes sure a veterinarian has their prescriber record at their clinic (the prescribers table). */
export async function ensurePrescriber(db: Kysely<Database>, who: { userId: string; clinicId: string; name: string }): Promise<string> {
  const found = await db.selectFrom('prescribers').select('id').where('userId', '=', who.userId).executeTakeFirst();
  if (found) return found.id;
  const row = await db.insertInto('prescribers').values({ clinicId: who.clinicId, userId: who.userId, name: who.name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

async function organisationName(db: Kysely<Database>, where: { clinicId: string | null; pharmacyId: string | null }): Promise<string> {
  if (where.clinicId) return (await db.selectFrom('clinics').select('name').where('id', '=', where.clinicId).executeTakeFirstOrThrow()).name;
  if (where.pharmacyId) return (await db.selectFrom('pharmacies').select('name').where('id', '=', where.pharmacyId).executeTakeFirstOrThrow()).name;
  return 'vialcart';
}

const ROLE_WORDS: Partial<Record<Role, string>> = { technician: 'a technician', veterinarian: 'a veterinarian', manager: 'a manager', front_desk: 'front desk staff', pharmacist: 'a pharmacist' };

/** Issues a new link for an invited user (ending the earlier ones) and queues its email. */
async function sendInvitation(
  tx: Transaction<Database>,
  inviter: Principal,
  who: { userId: string; email: string; name: string; role: Role; clinicId: string | null; pharmacyId: string | null },
): Promise<string> {
  const at = now();
  await tx.updateTable('invitations').set({ revokedAt: at }).where('userId', '=', who.userId).where('acceptedAt', 'is', null).where('revokedAt', 'is', null).execute();
  await forgetQueuedLinks(tx, who.userId, 'account.invitation');
  const { token, hash } = issueToken('invitation');
  const expiresAt = new Date(at.getTime() + TOKEN_LIFETIME_MINUTES.invitation * 60_000);
  const row = await tx
    .insertInto('invitations')
    .values({ userId: who.userId, tokenHash: hash, invitedBy: inviter.kind === 'user' ? inviter.userId : null, expiresAt, createdAt: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  const organisation = await organisationName(tx, who);
  const from = inviter.kind === 'user' ? inviter.name : organisation;
  await queueAccountEmail(tx, {
    template: 'account.invitation',
    to: who.email,
    userId: who.userId,
    clinicId: who.clinicId,
    pharmacyId: who.pharmacyId,
    subject: `You are invited to ${organisation} on vialcart`,
    body: [
      `Hello ${who.name},`,
      '',
      `${from} invited you to join ${organisation} on vialcart as ${ROLE_WORDS[who.role] ?? who.role}.`,
      '',
      'Choose your password here (the link works once, for 72 hours):',
      LINK_PLACEHOLDER,
      '',
      'If you did not expect this, ignore this email: nothing happens without the link.',
    ].join('\n'),
    link: appUrl(`/invite/${token}`),
  });
  return row.id;
}

/**
 * Sends an invited user a new link (the earlier one stops working) and audits it. Only for a
 * user still invited: active or deactivated users get a conflict.
 */
export async function resendInvitation(tx: Transaction<Database>, inviter: Principal, userId: string): Promise<void> {
  const user = await tx.selectFrom('users').select(['id', 'email', 'name', 'role', 'clinicId', 'pharmacyId', 'active', 'deactivatedAt', 'passwordHash']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
  if (user.active || user.deactivatedAt || user.passwordHash) throw new DomainError('conflict', 'Only a person who has not accepted their invitation yet can get a new one.');
  await sendInvitation(tx, inviter, { ...user, userId: user.id });
  await audit(tx, inviter, { clinicId: user.clinicId, pharmacyId: user.pharmacyId, action: 'user.invitation_resent', subjectType: 'user', subjectId: user.id, detail: { email: user.email } });
}

/** Ends a user's pending invitation links (deactivation). */
export async function revokeInvitations(tx: Kysely<Database>, userId: string): Promise<void> {
  await tx.updateTable('invitations').set({ revokedAt: now() }).where('userId', '=', userId).where('acceptedAt', 'is', null).where('revokedAt', 'is', null).execute();
  await forgetQueuedLinks(tx, userId, 'account.invitation');
}

/** What an invitation link leads to. */
export type InvitationState =
  | { status: 'valid'; email: string; name: string; role: Role; organisation: string; expiresAt: string }
  | { status: 'invalid' | 'expired' | 'used' | 'replaced' };

/** What the invitation page says for a link that does not work. */
export const INVITATION_PROBLEMS: Record<Exclude<InvitationState['status'], 'valid'>, string> = {
  invalid: 'This invitation link is not valid. Check that you opened the whole link from the email, or ask for a new invitation.',
  expired: 'This invitation has expired (links work for 72 hours). Ask your manager to send a new one.',
  used: 'This invitation was already used. Sign in, or use “Forgot password?” on the sign-in page.',
  replaced: 'This invitation link was replaced by a newer one, or withdrawn. Use the latest email, or ask your manager.',
};

async function findInvitation(db: Kysely<Database>, token: string | undefined, lock: boolean) {
  const hash = tokenHash('invitation', token);
  if (!hash) return null;
  return db
    .selectFrom('invitations as i')
    .innerJoin('users as u', 'u.id', 'i.userId')
    .select(['i.id', 'i.expiresAt', 'i.acceptedAt', 'i.revokedAt', 'u.id as userId', 'u.email', 'u.name', 'u.role', 'u.clinicId', 'u.pharmacyId', 'u.active', 'u.deactivatedAt'])
    .where('i.tokenHash', '=', hash)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
}

function stateOf(row: Awaited<ReturnType<typeof findInvitation>>): Exclude<InvitationState['status'], 'valid'> | null {
  if (!row) return 'invalid';
  if (row.acceptedAt || row.active) return 'used';
  if (row.revokedAt || row.deactivatedAt) return 'replaced';
  if (row.expiresAt.getTime() <= now().getTime()) return 'expired';
  return null;
}

/** Reads an invitation link without using it (the page shows whom it is for). */
export async function readInvitation(token: string | undefined): Promise<InvitationState> {
  const db = getDb();
  const row = await findInvitation(db, token, false);
  const problem = stateOf(row);
  if (problem || !row) return { status: problem ?? 'invalid' };
  return { status: 'valid', email: row.email, name: row.name, role: row.role, organisation: await organisationName(db, row), expiresAt: row.expiresAt.toISOString() };
}

/**
 * Accepts an invitation: sets the person's name and password (strength checked against their
 * details), activates them, uses the link up, and answers who is now signed in. A link that
 * does not work is a `bad_request` with the page's message on `token`.
 */
export async function acceptInvitation(token: string | undefined, input: { name: string; password: string }): Promise<UserPrincipal> {
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const row = await findInvitation(tx, token, true);
      const problem = stateOf(row);
      if (problem || !row) {
        const message = INVITATION_PROBLEMS[problem ?? 'invalid'];
        throw new DomainError('bad_request', message, { token: message });
      }
      const organisation = await organisationName(tx, row);
      const passwordHash = await hashNewPassword(input.password, [input.name, row.email, organisation]);
      const at = now();
      const name = input.name.trim();
      await tx.updateTable('users').set({ name, passwordHash, active: true, deactivatedAt: null, lastLoginAt: at }).where('id', '=', row.userId).execute();
      await tx.updateTable('invitations').set({ acceptedAt: at }).where('id', '=', row.id).execute();
      await tx.updateTable('invitations').set({ revokedAt: at }).where('userId', '=', row.userId).where('id', '<>', row.id).where('acceptedAt', 'is', null).where('revokedAt', 'is', null).execute();
      await forgetQueuedLinks(tx, row.userId, 'account.invitation');
      await tx.updateTable('prescribers').set({ name }).where('userId', '=', row.userId).execute();
      const user: UserPrincipal = { kind: 'user', userId: row.userId, name, email: row.email, role: row.role, clinicId: row.clinicId, pharmacyId: row.pharmacyId };
      await audit(tx, user, { clinicId: row.clinicId, pharmacyId: row.pharmacyId, action: 'user.invitation_accepted', subjectType: 'user', subjectId: row.userId, detail: { email: row.email, role: row.role } });
      return user;
    });
}
