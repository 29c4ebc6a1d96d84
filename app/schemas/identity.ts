import { z } from 'zod';
import { CLINIC_ROLES } from '../../validators/vocabulary';

// The account forms (first-run setup, invitations, password reset and change, staff, API
// keys), shared by react-hook-form in the browser and the actions. The password's strength is
// judged on the server (app/services/identity/passwords.server.ts); the browser checks length.

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
/** The longest password accepted (argon2 would take any; this bounds the work). */
export const MAX_PASSWORD_LENGTH = 200;

const email = z.string().trim().min(1, 'Enter an email address.').max(254, 'Use at most 254 characters.').pipe(z.email('Enter a valid email address.'));
const personName = z.string().trim().min(1, 'Enter a name.').max(120, 'Use at most 120 characters.');
const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`);

/** A new password typed twice. */
const passwordFields = { password: newPassword, confirmPassword: z.string().max(MAX_PASSWORD_LENGTH) };
const samePasswords: [(v: { password: string; confirmPassword: string }) => boolean, { path: string[]; message: string }] = [
  (v) => v.password === v.confirmPassword,
  { path: ['confirmPassword'], message: 'The two passwords differ.' },
];

/** `/setup`: the first administrator. */
export const setupSchema = z.object({ token: z.string().max(200), name: personName, email, ...passwordFields }).refine(...samePasswords);
export type SetupForm = z.input<typeof setupSchema>;

/** `/invite/:token`: the invited person chooses their name and password. */
export const acceptInvitationSchema = z.object({ name: personName, ...passwordFields }).refine(...samePasswords);
export type AcceptInvitationForm = z.input<typeof acceptInvitationSchema>;

/** `/forgot-password`. */
export const forgotPasswordSchema = z.object({ email });

/** `/reset-password/:token`. */
export const resetPasswordSchema = z.object(passwordFields).refine(...samePasswords);

/** `/account`: change one's password (the current one is required). */
export const changePasswordSchema = z
  .object({
    intent: z.literal('change_password'),
    currentPassword: z.string().min(1, 'Enter your current password.').max(MAX_PASSWORD_LENGTH),
    ...passwordFields,
  })
  .refine(...samePasswords);

/** `/account`: every intent. */
export const accountIntentSchema = z.discriminatedUnion('intent', [
  changePasswordSchema,
  z.object({ intent: z.literal('sign_out_others') }),
]);

const userId = z.uuid('Choose a person.');
const clinicRole = z.enum(CLINIC_ROLES, { error: 'Choose a role.' });

/** `/settings/staff`: invite someone. */
export const inviteStaffSchema = z.object({
  intent: z.literal('invite'),
  email,
  name: z.string().trim().max(120, 'Use at most 120 characters.').optional().transform((v) => v || undefined),
  role: clinicRole,
});
export type InviteStaffForm = z.input<typeof inviteStaffSchema>;

/** `/settings/staff`: every intent. */
export const staffIntentSchema = z.discriminatedUnion('intent', [
  inviteStaffSchema,
  z.object({ intent: z.literal('change_role'), userId, role: clinicRole }),
  z.object({ intent: z.literal('deactivate'), userId }),
  z.object({ intent: z.literal('reactivate'), userId }),
  z.object({ intent: z.literal('resend'), userId }),
]);

/** What an API key may do. */
export const API_KEY_SCOPES = ['read', 'write'] as const;

/** Create an API key (clinic or pharmacy). */
export const createApiKeySchema = z.object({
  intent: z.literal('create'),
  name: z.string().trim().min(1, 'Name the key after what uses it.').max(80, 'Use at most 80 characters.'),
  scope: z.enum(API_KEY_SCOPES, { error: 'Choose read or write.' }),
});
export type CreateApiKeyForm = z.input<typeof createApiKeySchema>;

/** The API keys pages: every intent. */
export const apiKeyIntentSchema = z.discriminatedUnion('intent', [
  createApiKeySchema,
  z.object({ intent: z.literal('revoke'), keyId: z.uuid('Choose a key.') }),
  /** A new secret; the old one keeps working for `overlapHours` (docs/onboarding.md, "Secrets and rotation"). */
  z.object({
    intent: z.literal('rotate'),
    keyId: z.uuid('Choose a key.'),
    overlapHours: z.coerce.number({ error: 'Enter the overlap in hours.' }).int('Whole hours.').min(0, 'At least 0 hours.').max(168, 'At most 168 hours (a week).').default(24),
  }),
]);
