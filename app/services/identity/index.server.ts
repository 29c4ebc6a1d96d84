/**
 * The identity room: who people are, how they get in, and what they may reach. What it owns,
 * file by file:
 *
 * - `principal.ts`             the acting principal (a person or an API key) and the tenant scopes
 * - `auth.server.ts`           signing in, the page guard (`requireUser`) and the API-key guard
 *                              (`requireApiKey`: revocation, suspension, read/write scope)
 * - `sessions.server.ts`       sessions in PostgreSQL behind a signed cookie; ending them
 * - `passwords.server.ts`      password strength (zxcvbn-ts) and checks with equal timing
 * - `tokens.server.ts`         signed single-use link tokens (hashed at rest), sealed outbox links
 * - `setup.server.ts`          first run: the setup token and the first administrator
 * - `invitations.server.ts`    invitations to a clinic or a pharmacy (one mechanism for both)
 * - `staff.server.ts`          a clinic's staff as its manager runs them (/settings/staff)
 * - `password-reset.server.ts` "Forgot password?" and reset links
 * - `account.server.ts`        one's own account: password change, sessions, sign out elsewhere
 * - `api-keys.server.ts`       clinic and pharmacy API keys (create, list, rotate with an overlap, revoke)
 * - `account-mail.server.ts`   account emails through the notifications outbox
 * - `rate-limit.server.ts`     the shared fixed-window counters
 *
 * Clinic administration by the platform admin (create, edit, suspend) is in
 * `../platform-admin/`, which invites a clinic's managers through `inviteUser` here.
 * Token lifetimes and how each secret is stored: docs/onboarding.md.
 */
export { requireApiKey, requireUser, getUser, authenticate, createUserSession, logout, homeFor, REFUSAL_MESSAGES, scopeFor } from './auth.server';
export { currentSessionId } from './sessions.server';
export { accountSessions, changePassword, signOutOtherSessions } from './account.server';
export { adminExists, completeSetup, prepareSetup, setupTokenValid, SETUP_LINK_PROBLEM } from './setup.server';
export { acceptInvitation, inviteUser, readInvitation, resendInvitation, INVITATION_PROBLEMS, type InvitationState } from './invitations.server';
export { changeStaffRole, deactivateStaff, inviteStaff, listStaff, reactivateStaff, resendStaffInvitation, type StaffMember } from './staff.server';
export { readPasswordReset, requestPasswordReset, resetPassword, registerPasswordResetTasks, RESET_PROBLEMS, RESET_REQUESTED_MESSAGE } from './password-reset.server';
export { createApiKey, KEY_OVERLAP_HOURS, listApiKeys, revokeApiKey, rotateApiKey, type ApiKeyView } from './api-keys.server';
export { listAccountEmails } from './account-mail.server';
export { passwordWeakness } from './passwords.server';
