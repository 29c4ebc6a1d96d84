/**
 * The line-validation pipeline: the registry of rules (id → check + severity) and the two
 * entry points. Pure: callers load a `ValidationContext` and get plain findings back.
 */
import { summarizeCart } from './lib/cart';
import { controlledNeedsVet } from './rules/controlled.needs_vet';
import { lineDuplicate } from './rules/line.duplicate';
import { offerPriceChanged } from './rules/offer.price_changed';
import { patientActive } from './rules/patient.active';
import { patientWellness } from './rules/patient.wellness';
import { pharmacyShipState } from './rules/pharmacy.ship_state';
import { pharmacyStock } from './rules/pharmacy.stock';
import { prescriberDea } from './rules/prescriber.dea';
import { prescriberLicenseState } from './rules/prescriber.license_state';
import { prescriptionValid } from './rules/prescription.valid';
import { sigComplete } from './rules/sig.complete';
import { sigDaysSupply } from './rules/sig.days_supply';
import { sigDuration } from './rules/sig.duration';
import { speciesSafety } from './rules/species.safety';
import { doseRange } from './rules/dose.range';
import type { CartView, Finding, FindingSeverity, RuleCheck, RuleId, Severity, ValidationContext, ValidationLine } from './types';
import { RULE_IDS } from './types';

export type * from './types';
export { RULE_IDS } from './types';
export { indexOffersByMedication } from './lib/lookups';
export { scheduleForMedicationName } from './data/controlled-substances';

/** A registered rule: its check and its severity, fixed or read from the clinic's settings. */
export type RegisteredRule = {
  check: RuleCheck;
  severity: Severity | ((ctx: ValidationContext) => Severity);
};

/** Every rule, keyed by the id API.md names. Severity is decided here, never in a rule. */
export const RULES: { readonly [id in RuleId]: RegisteredRule } = {
  'sig.complete': { check: sigComplete, severity: 'error' },
  'sig.duration': { check: sigDuration, severity: 'warning' },
  'sig.days_supply': { check: sigDaysSupply, severity: 'warning' },
  'prescriber.license_state': { check: prescriberLicenseState, severity: 'error' },
  'prescriber.dea': { check: prescriberDea, severity: 'error' },
  'controlled.needs_vet': { check: controlledNeedsVet, severity: 'error' },
  'pharmacy.ship_state': { check: pharmacyShipState, severity: 'error' },
  'pharmacy.stock': { check: pharmacyStock, severity: 'error' },
  'patient.active': { check: patientActive, severity: 'error' },
  'prescription.valid': { check: prescriptionValid, severity: 'error' },
  'patient.wellness': { check: patientWellness, severity: (ctx) => ctx.clinic.wellnessPolicy },
  'species.safety': { check: speciesSafety, severity: 'error' },
  // Each finding names its own severity (error, warning or info): docs/validation.md.
  'dose.range': { check: doseRange, severity: 'warning' },
  'line.duplicate': { check: lineDuplicate, severity: 'warning' },
  'offer.price_changed': { check: offerPriceChanged, severity: 'warning' },
};

/** The severity a rule has for this clinic. */
export function severityOf(id: RuleId, ctx: ValidationContext): Severity {
  const { severity } = RULES[id];
  return typeof severity === 'function' ? severity(ctx) : severity;
}

/** Findings of one line, for the cart or the API. */
export type LineValidation = {
  /** The line's position in the cart (0-based). */
  index: number;
  lineId?: string;
  /** Errors first, then warnings, then info; within each, in `RULE_IDS` order, then as the rule reported them. */
  findings: Finding[];
};

/** The outcome of validating a whole cart. */
export type CartValidation = {
  lines: LineValidation[];
  /** Errors: checkout stays disabled while this is above zero. */
  blockingCount: number;
  /** Warnings not yet acknowledged. */
  warningCount: number;
};

const SEVERITY_ORDER: Readonly<Record<FindingSeverity, number>> = { error: 0, warning: 1, info: 2 };

function findingsFor(line: ValidationLine, ctx: ValidationContext, cart: CartView): Finding[] {
  const findings: Finding[] = [];
  for (const id of RULE_IDS) {
    const registered = severityOf(id, ctx);
    for (const { severity: own, ...found } of RULES[id].check(line, ctx, cart)) {
      const severity = own ?? registered;
      findings.push({
        rule: id,
        severity,
        ...found,
        lineIndex: cart.index,
        ...(line.id !== undefined ? { lineId: line.id } : {}),
        // Errors cannot be acknowledged away, info needs nothing; only warnings take a user's acknowledgement.
        acknowledged: severity === 'warning' && line.acknowledgedRules.includes(id),
      });
    }
  }
  // A stable sort keeps the rule order inside each severity.
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/**
 * Validates every line of a cart against every rule. Cart-wide totals (stock per offer,
 * duplicates, refills per prescription) are computed once, so the cost is linear in lines.
 */
export function validateCart(lines: readonly ValidationLine[], ctx: ValidationContext): CartValidation {
  const summary = summarizeCart(lines);
  let blockingCount = 0;
  let warningCount = 0;
  const result = lines.map((line, index): LineValidation => {
    const findings = findingsFor(line, ctx, { ...summary, index });
    for (const f of findings) {
      if (f.severity === 'error') blockingCount++;
      else if (f.severity === 'warning' && !f.acknowledged) warningCount++;
    }
    return { index, ...(line.id !== undefined ? { lineId: line.id } : {}), findings };
  });
  return { lines: result, blockingCount, warningCount };
}

/**
 * Validates one line. Pass the whole cart and the line's position to include the cart-wide
 * rules (stock, duplicates, refills); without them the line is checked as a cart of one.
 */
export function validateLine(
  line: ValidationLine,
  ctx: ValidationContext,
  cart: { lines: readonly ValidationLine[]; index: number } = { lines: [line], index: 0 },
): Finding[] {
  if (cart.lines[cart.index] !== line) throw new RangeError(`cart.lines[${cart.index}] is not the line being validated`);
  return findingsFor(line, ctx, { ...summarizeCart(cart.lines), index: cart.index });
}
