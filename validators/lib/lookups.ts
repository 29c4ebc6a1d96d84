/**
 * Questions several rules ask of the context, answered one way. Each takes `today` from the
 * context: a licence, registration or ship-state licence is active through its expiry date.
 */
import { isNarcoticByName } from '../data/controlled-substances';
import type {
  CartView,
  DeaRegistrationSchedule,
  MedicationContext,
  OfferContext,
  PharmacyContext,
  PrescriberContext,
  UsState,
  ValidationContext,
  ValidationLine,
} from '../types';
import { isActiveOn } from './dates';

/**
 * The states the prescriber must be licensed (and, for controlled drugs, DEA-registered) in:
 * the clinic's, where the vet practises, and for a shipment to the owner also the owner's
 * state, where the patient is treated.
 */
export function prescribingStates(line: ValidationLine, ctx: ValidationContext): UsState[] {
  const states = [ctx.clinic.state];
  if (line.shipTo === 'owner' && line.shipState !== ctx.clinic.state) states.push(line.shipState);
  return states;
}

export function hasActiveLicense(prescriber: PrescriberContext, state: UsState, today: string): boolean {
  return prescriber.licenses.some((l) => l.state === state && isActiveOn(l.expiresOn, today));
}

/**
 * The schedule a DEA registration must list for a medication, or null when it is not
 * controlled. C-II and C-III split into narcotic and non-narcotic classes; when the record
 * does not say and the name does not tell, the narcotic class is required, because a
 * registration with it also shows the prescriber handles the stricter class.
 */
export function requiredDeaSchedule(medication: Pick<MedicationContext, 'name' | 'controlledSchedule' | 'narcotic'>): DeaRegistrationSchedule | null {
  const schedule = medication.controlledSchedule;
  if (schedule === null) return null;
  if (schedule === 'IV' || schedule === 'V') return schedule;
  const narcotic = medication.narcotic ?? isNarcoticByName(medication.name) ?? true;
  if (schedule === 'II') return narcotic ? 'II' : 'IIN';
  return narcotic ? 'III' : 'IIIN';
}

export function hasActiveDea(
  prescriber: PrescriberContext,
  state: UsState,
  schedule: DeaRegistrationSchedule,
  today: string,
): boolean {
  return prescriber.deaRegistrations.some(
    (r) => r.state === state && r.schedules.includes(schedule) && isActiveOn(r.expiresOn, today),
  );
}

export function isVeterinarian(prescriber: PrescriberContext): boolean {
  return prescriber.userRole === 'veterinarian';
}

/**
 * Another veterinarian of the clinic who holds an active licence in every state, and an
 * active DEA registration for `dea` in every state when given. Sorted by name so the same
 * cart always suggests the same person.
 */
export function alternativePrescriber(
  ctx: ValidationContext,
  states: readonly UsState[],
  dea: DeaRegistrationSchedule | null,
  excludeId: string,
): PrescriberContext | null {
  const candidates = Object.values(ctx.prescribers)
    .filter((p) => p.id !== excludeId && isVeterinarian(p))
    .filter((p) => states.every((s) => hasActiveLicense(p, s, ctx.today)))
    .filter((p) => dea === null || states.every((s) => hasActiveDea(p, s, dea, ctx.today)))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return candidates[0] ?? null;
}

export function shipsTo(pharmacy: PharmacyContext, state: UsState, today: string): boolean {
  return pharmacy.shipStates.some((s) => s.state === state && isActiveOn(s.expiresOn, today));
}

/** Vials this cart can have of an offer: on hand less reserved, none once withdrawn. */
export function availableVials(offer: OfferContext): number {
  if (!offer.available) return 0;
  return Math.max(0, offer.stockOnHand - offer.reserved);
}

/**
 * The cheapest other offer of the line's medication that ships to its state and still has
 * room for the line after what the rest of the cart already takes of it. Ties go to the
 * pharmacy name, then the offer id, so the suggestion is stable.
 */
export function alternativeOffer(
  line: ValidationLine,
  ctx: ValidationContext,
  cart: CartView,
): { offer: OfferContext; pharmacy: PharmacyContext } | null {
  const options: { offer: OfferContext; pharmacy: PharmacyContext }[] = [];
  for (const offerId of ctx.offersByMedication[line.medicationId] ?? []) {
    const offer = ctx.offers[offerId];
    if (!offer || offer.id === line.offerId) continue;
    const pharmacy = ctx.pharmacies[offer.pharmacyId];
    if (!pharmacy || !shipsTo(pharmacy, line.shipState, ctx.today)) continue;
    const takenByCart = cart.vialsByOffer.get(offer.id) ?? 0;
    if (availableVials(offer) - takenByCart < line.quantity) continue;
    options.push({ offer, pharmacy });
  }
  options.sort(
    (a, b) =>
      a.offer.unitPriceCents - b.offer.unitPriceCents ||
      a.pharmacy.name.localeCompare(b.pharmacy.name) ||
      a.offer.id.localeCompare(b.offer.id),
  );
  return options[0] ?? null;
}

/** Medication id → its offer ids, for `ValidationContext.offersByMedication`. */
export function indexOffersByMedication(offers: Iterable<OfferContext>): Record<string, string[]> {
  const index: Record<string, string[]> = {};
  for (const offer of offers) (index[offer.medicationId] ??= []).push(offer.id);
  for (const ids of Object.values(index)) ids.sort();
  return index;
}
