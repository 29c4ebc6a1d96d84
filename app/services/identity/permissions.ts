/**
 * The role table: which clinic roles may take which action, in one place (docs/roles.md is
 * checked against it by a unit test). Pure and free of server code, so pages import it to hide
 * the controls a user may not use; the services enforce it with `requirePermission`.
 *
 * API keys: a clinic key acts as a technician (it may do what a technician may), except for
 * the acts that must be a named person's — paying, signing off a line, acknowledging a
 * warning: there the request names an `actingUserId` of the clinic, and that user's role
 * decides (`KEY_NEEDS_ACTING_USER`).
 */
import type { Role } from '../../../validators/vocabulary';
import { DomainError } from '../platform/errors';
import type { Principal } from './principal';

/** The actions the table rules on. */
export const ACTIONS = [
  'cart.edit',
  'cart.checkout',
  'finding.acknowledge',
  'line.signoff',
  'request.approve.standing_order',
  'request.approve.vet_review',
  'request.approve.controlled',
  'request.deny',
  'request.deny.vet_review',
  'request.request_exam',
  'request.request_exam.vet_review',
  'prescription.write',
  'templates.edit',
  'settings.manage',
  'staff.manage',
  'keys.manage',
  'records.import',
  'catalog.import',
  'records.merge',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Who holds the right: a clinic role, or a clinic API key acting on its own. */
export type Holder = Role | 'api_key';

/** The role table itself. `controlled` approvals also need a DEA registration covering the schedule, checked by the service. */
export const PERMISSIONS: Readonly<Record<Action, { roles: readonly Holder[]; what: string; note?: string }>> = {
  'cart.edit': { roles: ['technician', 'veterinarian', 'manager', 'front_desk', 'api_key'], what: 'add, edit and remove cart lines' },
  'cart.checkout': { roles: ['technician', 'veterinarian', 'manager'], what: 'pay for the cart (checkout)', note: 'a key names an actingUserId whose role may pay' },
  'finding.acknowledge': { roles: ['technician', 'veterinarian', 'manager'], what: 'acknowledge a warning on a line', note: 'a key names an actingUserId whose role may' },
  'line.signoff': { roles: ['veterinarian'], what: 'sign off a cart line (its content)', note: 'controlled lines: a DEA registration covering the schedule; a key names a veterinarian as actingUserId' },
  'request.approve.standing_order': { roles: ['technician', 'veterinarian', 'api_key'], what: 'approve a non-controlled refill under a standing order' },
  'request.approve.vet_review': { roles: ['veterinarian'], what: 'approve a refill waiting for veterinarian review (or an exception)' },
  'request.approve.controlled': { roles: ['veterinarian'], what: 'approve a controlled refill', note: 'with an active DEA registration covering its schedule' },
  'request.deny': { roles: ['technician', 'veterinarian', 'api_key'], what: 'deny a refill request (any queue but veterinarian review)' },
  'request.deny.vet_review': { roles: ['veterinarian'], what: 'deny a refill request waiting for veterinarian review' },
  'request.request_exam': { roles: ['technician', 'veterinarian', 'api_key'], what: 'ask for an exam instead of a refill (any queue but veterinarian review)' },
  'request.request_exam.vet_review': { roles: ['veterinarian'], what: 'ask for an exam on a request waiting for veterinarian review' },
  'prescription.write': { roles: ['veterinarian'], what: 'write or renew a prescription' },
  'templates.edit': { roles: ['manager', 'admin'], what: "edit the clinic's message templates" },
  'settings.manage': { roles: ['manager', 'admin'], what: "change the clinic's settings (queues, timers, texting)" },
  'staff.manage': { roles: ['manager', 'admin'], what: 'invite, change and deactivate staff' },
  'keys.manage': { roles: ['manager', 'admin'], what: 'create and revoke API keys' },
  'records.import': { roles: ['manager', 'admin'], what: 'import clinic records' },
  'catalog.import': { roles: ['admin'], what: "import a pharmacy's catalog (platform admin)" },
  'records.merge': { roles: ['manager', 'admin'], what: 'merge duplicate owner or patient records' },
};

/** Acts a clinic key may take only in a named user's name. */
export const KEY_NEEDS_ACTING_USER: ReadonlySet<Action> = new Set(['cart.checkout', 'line.signoff', 'finding.acknowledge']);

/** Whether `holder` may take `action` by the table. */
export function can(holder: Holder, action: Action): boolean {
  return PERMISSIONS[action].roles.includes(holder);
}

/** The action a decision on a request is, by its queue: veterinarian review has its own row. */
export function requestAction(decision: 'deny' | 'request_exam', queue: string): Action {
  const base = decision === 'deny' ? 'request.deny' : 'request.request_exam';
  return queue === 'vet_review' ? (`${base}.vet_review` as Action) : base;
}

/** The roles allowed, in words, for a refusal message: "a technician or veterinarian". */
export function whoMay(action: Action): string {
  const names = PERMISSIONS[action].roles.filter((r) => r !== 'api_key').map((r) => r.replace('_', ' '));
  if (names.length <= 1) return `a ${names[0] ?? 'nobody'}`;
  return `a ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Who a principal is in the table: its role, or `api_key` for a clinic key acting alone. */
export function holderOf(principal: Principal): Holder | null {
  if (principal.kind === 'user') return principal.role;
  return principal.kind === 'clinic_key' ? 'api_key' : null;
}

/** Whether the principal may take the action (pages hide the controls of a `false`). */
export function allowed(principal: Principal, action: Action): boolean {
  const holder = holderOf(principal);
  return holder !== null && can(holder, action);
}

/**
 * Throws `forbidden` unless the principal may take the action. A key acting alone on an act
 * that must be a person's is told to name an `actingUserId`.
 */
export function requirePermission(principal: Principal, action: Action): void {
  if (allowed(principal, action)) return;
  const rule = PERMISSIONS[action];
  if (principal.kind === 'clinic_key' && KEY_NEEDS_ACTING_USER.has(action)) {
    throw new DomainError('forbidden', `An API key cannot ${rule.what} on its own: name an actingUserId of the clinic, ${whoMay(action)}.`);
  }
  throw new DomainError('forbidden', `Only ${whoMay(action)} may ${rule.what}.`);
}

/** The columns of the documented table: the clinic roles, the platform admin, and a key acting alone. */
export const TABLE_HOLDERS: readonly Holder[] = ['technician', 'veterinarian', 'manager', 'front_desk', 'admin', 'api_key'];

/** The role table as markdown, one row per action (docs/roles.md holds exactly this; a unit test checks it). */
export function roleTableMarkdown(): string {
  const head = `| action | what | ${TABLE_HOLDERS.map((h) => (h === 'api_key' ? 'API key alone' : h.replace('_', ' '))).join(' | ')} | note |`;
  const rule = `|${'---|'.repeat(TABLE_HOLDERS.length + 3)}`;
  const rows = ACTIONS.map((a) => {
    const p = PERMISSIONS[a];
    return `| \`${a}\` | ${p.what} | ${TABLE_HOLDERS.map((h) => (can(h, a) ? 'yes' : '—')).join(' | ')} | ${p.note ?? ''} |`;
  });
  return [head, rule, ...rows].join('\n');
}
