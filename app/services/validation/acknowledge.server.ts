/**
 * Acknowledging a warning on a cart line: stored once per line and rule, audited with who.
 */
import { getDb } from '../../../db/client';
import { RULE_IDS, type Finding, type RuleId } from '../../../validators';
import { audit } from '../audit/audit.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { actingPrincipal } from '../identity/acting-user.server';
import { requirePermission } from '../identity/permissions';
import { validateClinicCartIn, type Acknowledgement, type ClinicCartValidation } from './carts.server';
import { isUuid } from '../../../validators/vocabulary';

/**
 * A named user acknowledges a warning on a line of the clinic's current cart: stored once per
 * line and rule, audited with who, and the cart's fresh validation returned. Errors cannot be
 * acknowledged (422); an API key is not a named user (422); a warning the line no longer has
 * answers 409, since the cart changed since it was shown.
 */
export async function acknowledgeWarning(
  caller: Principal,
  input: { lineId: string; rule: string; actingUserId?: string | undefined },
): Promise<ClinicCartValidation> {
  const clinicId = clinicScope(caller);
  const principal = await actingPrincipal(getDb(), caller, input.actingUserId);
  if (principal.kind !== 'user') {
    throw new DomainError('unprocessable', 'A warning is acknowledged by a named user: sign in, or name an actingUserId of the clinic.');
  }
  requirePermission(principal, 'finding.acknowledge');
  if (!(RULE_IDS as readonly string[]).includes(input.rule)) {
    throw badRequest('Unknown rule.', { rule: `must be one of ${RULE_IDS.join(', ')}` });
  }
  const rule = input.rule as RuleId;
  if (!isUuid(input.lineId)) throw notFound('Cart line');
  return getDb().transaction().execute(async (tx) => {
    const line = await tx
      .selectFrom('cartLines as l')
      .innerJoin('carts as c', 'c.id', 'l.cartId')
      .select(['l.id', 'l.cartId'])
      .where('l.id', '=', input.lineId)
      .where('l.clinicId', '=', clinicId)
      .where('l.removedAt', 'is', null)
      .where('c.status', 'in', ['open', 'checking_out'])
      .executeTakeFirst();
    if (!line) throw notFound('Cart line');
    const validation = await validateClinicCartIn(tx, principal, { cartId: line.cartId });
    const findings = (validation.byLineId[line.id] ?? []).filter((f) => f.rule === rule);
    if (findings.length === 0) {
      throw conflict(`This line has no "${rule}" finding now; the cart changed since it was shown.`);
    }
    const warning = findings.find((f) => f.severity === 'warning');
    if (findings[0]!.severity === 'error') {
      throw new DomainError('unprocessable', `"${rule}" is an error here, not a warning: fix it, it cannot be acknowledged.`);
    }
    // Information (a dose no reference covers) blocks nothing and takes no acknowledgement.
    if (!warning) throw new DomainError('unprocessable', `"${rule}" is information here, not a warning: there is nothing to acknowledge.`);
    if (warning.acknowledged) return validation;
    const stored = await tx
      .insertInto('acknowledgements')
      .values({ cartLineId: line.id, clinicId, rule, userId: principal.userId })
      .onConflict((oc) => oc.columns(['cartLineId', 'rule']).doNothing())
      .returning('createdAt')
      .executeTakeFirst();
    await audit(tx, principal, {
      action: 'cart_line.warning_acknowledged',
      subjectType: 'cart_line',
      subjectId: line.id,
      clinicId,
      detail: { cartId: line.cartId, rule, messages: findings.map((f) => f.message) },
    });
    return markAcknowledged(validation, line.id, rule, {
      rule,
      userId: principal.userId,
      userName: principal.name,
      at: (stored?.createdAt ?? new Date()).toISOString(),
    });
  });
}

/** The validation with one more acknowledged warning, without loading the cart again. */
function markAcknowledged(validation: ClinicCartValidation, lineId: string, rule: RuleId, ack: Acknowledgement): ClinicCartValidation {
  let newlyAcknowledged = 0;
  const lines = validation.lines.map((line) => {
    if (line.lineId !== lineId) return line;
    const findings = line.findings.map((f) => {
      if (f.rule !== rule || f.acknowledged) return f;
      newlyAcknowledged++;
      return { ...f, acknowledged: true };
    });
    return { ...line, findings, acknowledgements: [...line.acknowledgements, ack] };
  });
  const byLineId: Record<string, Finding[]> = {};
  for (const line of lines) byLineId[line.lineId] = line.findings;
  return { ...validation, lines, byLineId, warningCount: validation.warningCount - newlyAcknowledged };
}
