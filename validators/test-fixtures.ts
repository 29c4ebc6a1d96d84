/**
 * A small, realistic clinic for rule tests: a California practice with two veterinarians
 * (one with DEA, one without), a technician, three partner pharmacies and a handful of
 * patients and medications. Tests start from it and change only what they are about.
 */
import { summarizeCart } from './lib/cart';
import { indexOffersByMedication } from './lib/lookups';
import type {
  CartView,
  ClinicContext,
  MedicationContext,
  OfferContext,
  ParsedSig,
  PatientContext,
  PharmacyContext,
  PrescriberContext,
  PrescriptionContext,
  RuleCheck,
  RuleFinding,
  ValidationContext,
  ValidationLine,
} from './types';

/** The fixture's today. Dates below are chosen around it. */
export const TODAY = '2025-06-15';

/** A mutable context a test may change before it is frozen into a `ValidationContext`. */
export type ContextDraft = {
  today: string;
  clinic: ClinicContext;
  patients: Record<string, PatientContext>;
  prescribers: Record<string, PrescriberContext>;
  medications: Record<string, MedicationContext>;
  offers: Record<string, OfferContext>;
  pharmacies: Record<string, PharmacyContext>;
  prescriptions: Record<string, PrescriptionContext>;
};

const ALL_DEA = ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] as const;

function draft(): ContextDraft {
  return {
    today: TODAY,
    clinic: { state: 'CA', wellnessWindowMonths: 12, wellnessPolicy: 'warning' },
    patients: {
      bella: { id: 'bella', name: 'Bella', species: 'dog', status: 'active', lastWellnessExamOn: '2025-01-10', weightKg: 12 },
      milo: { id: 'milo', name: 'Milo', species: 'cat', status: 'active', lastWellnessExamOn: '2024-11-02', weightKg: 4.5 },
      pip: { id: 'pip', name: 'Pip', species: 'rabbit', status: 'active', lastWellnessExamOn: '2025-03-01', weightKg: 1.8 },
    },
    prescribers: {
      ortiz: {
        id: 'ortiz',
        name: 'Dr. Ana Ortiz',
        userRole: 'veterinarian',
        licenses: [
          { state: 'CA', number: 'VET 14022', expiresOn: '2026-12-31' },
          { state: 'NV', number: 'NV-5531', expiresOn: '2026-03-31' },
        ],
        deaRegistrations: [
          { state: 'CA', number: 'BO1234563', schedules: [...ALL_DEA], expiresOn: '2027-01-31' },
          { state: 'NV', number: 'BO7654321', schedules: [...ALL_DEA], expiresOn: '2027-01-31' },
        ],
      },
      okafor: {
        id: 'okafor',
        name: 'Dr. Ben Okafor',
        userRole: 'veterinarian',
        licenses: [{ state: 'CA', number: 'VET 17710', expiresOn: '2026-08-31' }],
        deaRegistrations: [],
      },
      tran: { id: 'tran', name: 'Kim Tran', userRole: 'technician', licenses: [], deaRegistrations: [] },
    },
    medications: {
      gabapentin: {
        id: 'gabapentin',
        name: 'Gabapentin 50 mg/ml oral suspension',
        strength: '50 mg/ml',
        form: 'oral suspension',
        controlledSchedule: null,
        compounded: true,
        coldChain: false,
        ingredients: ['gabapentin'],
        vehicle: ['simple syrup', 'glycerin'],
        packageSize: { amount: 30, unit: 'ml' },
      },
      methimazole: {
        id: 'methimazole',
        name: 'Methimazole 5 mg/0.1 ml transdermal gel',
        strength: '5 mg/0.1 ml',
        form: 'transdermal gel',
        controlledSchedule: null,
        compounded: true,
        coldChain: false,
        ingredients: ['methimazole'],
        vehicle: ['PLO gel'],
        packageSize: { amount: 10, unit: 'ml' },
      },
      buprenorphine: {
        id: 'buprenorphine',
        name: 'Buprenorphine 0.3 mg/ml oral transmucosal',
        strength: '0.3 mg/ml',
        form: 'oral transmucosal solution',
        controlledSchedule: 'III',
        compounded: true,
        coldChain: false,
        ingredients: ['buprenorphine HCl'],
        vehicle: ['sterile water'],
        packageSize: { amount: 5, unit: 'ml' },
      },
      tramadol: {
        id: 'tramadol',
        name: 'Tramadol 25 mg capsules',
        strength: '25 mg',
        form: 'capsule',
        controlledSchedule: 'IV',
        compounded: true,
        coldChain: false,
        ingredients: ['tramadol HCl'],
        vehicle: ['microcrystalline cellulose'],
        packageSize: { amount: 30, unit: 'capsule' },
      },
      hydrocodone: {
        id: 'hydrocodone',
        name: 'Hydrocodone 1 mg/ml oral solution',
        strength: '1 mg/ml',
        form: 'oral solution',
        controlledSchedule: 'II',
        compounded: true,
        coldChain: false,
        ingredients: ['hydrocodone bitartrate'],
        vehicle: ['simple syrup'],
        packageSize: { amount: 30, unit: 'ml' },
      },
    },
    offers: {
      'gaba-sunset': { id: 'gaba-sunset', pharmacyId: 'sunset', medicationId: 'gabapentin', unitPriceCents: 1850, stockOnHand: 12, reserved: 2, available: true },
      'gaba-cascade': { id: 'gaba-cascade', pharmacyId: 'cascade', medicationId: 'gabapentin', unitPriceCents: 1990, stockOnHand: 40, reserved: 0, available: true },
      'gaba-desert': { id: 'gaba-desert', pharmacyId: 'desert', medicationId: 'gabapentin', unitPriceCents: 1600, stockOnHand: 90, reserved: 0, available: true },
      'methi-sunset': { id: 'methi-sunset', pharmacyId: 'sunset', medicationId: 'methimazole', unitPriceCents: 3400, stockOnHand: 25, reserved: 0, available: true },
      'bupe-sunset': { id: 'bupe-sunset', pharmacyId: 'sunset', medicationId: 'buprenorphine', unitPriceCents: 2750, stockOnHand: 8, reserved: 0, available: true },
      'tram-cascade': { id: 'tram-cascade', pharmacyId: 'cascade', medicationId: 'tramadol', unitPriceCents: 1425, stockOnHand: 30, reserved: 5, available: true },
      'hydro-sunset': { id: 'hydro-sunset', pharmacyId: 'sunset', medicationId: 'hydrocodone', unitPriceCents: 4100, stockOnHand: 6, reserved: 0, available: true },
    },
    pharmacies: {
      sunset: {
        id: 'sunset',
        name: 'Sunset Compounding',
        shipStates: [
          { state: 'CA', expiresOn: '2026-06-30' },
          { state: 'NV', expiresOn: '2025-12-31' },
        ],
      },
      cascade: {
        id: 'cascade',
        name: 'Cascade Veterinary Pharmacy',
        shipStates: [
          { state: 'CA', expiresOn: '2026-01-31' },
          { state: 'OR', expiresOn: '2026-01-31' },
          { state: 'NV', expiresOn: '2026-01-31' },
        ],
      },
      // Cheapest, but licensed only in the desert states: never a valid switch for California.
      desert: { id: 'desert', name: 'Desert Rx', shipStates: [{ state: 'AZ', expiresOn: '2026-09-30' }, { state: 'NV', expiresOn: '2026-09-30' }] },
    },
    prescriptions: {
      'rx-bupe-milo': {
        id: 'rx-bupe-milo',
        patientId: 'milo',
        medicationId: 'buprenorphine',
        prescriberId: 'ortiz',
        refillsAuthorized: 2,
        refillsUsed: 0,
        writtenOn: '2025-04-01',
        expiresOn: '2025-10-01',
        status: 'active',
      },
      'rx-gaba-bella': {
        id: 'rx-gaba-bella',
        patientId: 'bella',
        medicationId: 'gabapentin',
        prescriberId: 'ortiz',
        refillsAuthorized: 5,
        refillsUsed: 3,
        writtenOn: '2025-01-10',
        expiresOn: '2026-01-10',
        status: 'active',
      },
    },
  };
}

/** The fixture context, after `change` (if given) has edited a fresh copy of it. */
export function makeContext(change?: (ctx: ContextDraft) => void): ValidationContext {
  const ctx = draft();
  change?.(ctx);
  return { ...ctx, offersByMedication: indexOffersByMedication(Object.values(ctx.offers)) };
}

/** A complete SIG ("0.5 ml PO BID x 30 days"), with any part replaced. */
export function makeSig(overrides: Partial<ParsedSig> = {}): ParsedSig {
  return {
    complete: true,
    missing: [],
    dose: { amount: 0.5, unit: 'ml' },
    route: 'oral',
    frequency: { count: 2, period: 1, periodUnit: 'd' },
    timesPerDay: 2,
    asNeeded: false,
    durationDays: 30,
    ...overrides,
  };
}

/** A valid line: Bella's gabapentin from Sunset, 2 vials, shipped to the clinic, by Dr. Ortiz. */
export function makeLine(overrides: Partial<ValidationLine> = {}): ValidationLine {
  return {
    id: 'line-1',
    patientId: 'bella',
    offerId: 'gaba-sunset',
    medicationId: 'gabapentin',
    pharmacyId: 'sunset',
    quantity: 2,
    sig: 'Give 0.5 ml by mouth twice daily for 30 days',
    parsedSig: makeSig(),
    prescriberId: 'ortiz',
    shipTo: 'clinic',
    shipState: 'CA',
    source: 'manual',
    unitPriceCentsWhenAdded: 1850,
    acknowledgedRules: [],
    ...overrides,
  };
}

/** The cart view of `lines` around position `index`, as the pipeline builds it. */
export function cartOf(lines: readonly ValidationLine[], index = 0): CartView {
  return { ...summarizeCart(lines), index };
}

/** Runs one rule on `lines[index]` of a cart made of `lines`. */
export function run(check: RuleCheck, ctx: ValidationContext, lines: readonly ValidationLine[], index = 0): RuleFinding[] {
  const line = lines[index];
  if (!line) throw new RangeError(`no line at ${index}`);
  return check(line, ctx, cartOf(lines, index));
}
