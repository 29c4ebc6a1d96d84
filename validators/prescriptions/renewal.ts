/**
 * Who is asked to renew a prescription (docs/records.md, "Renewal requests"): the veterinarian
 * who wrote it, while they can still write it again — a current licence in every state the
 * line needs and, for a controlled drug, a DEA registration covering its schedule there —
 * otherwise another veterinarian of the clinic who can, chosen by name so the same request
 * always goes to the same person. Never a technician's choice of someone else's name on the
 * old prescription: the veterinarian asked writes the renewal under their own name.
 */
import { hasActiveDea, hasActiveLicense, isVeterinarian } from '../lib/lookups';
import type { DeaRegistrationSchedule, Fix, IsoDate, PrescriberContext, UsState, ValidationContext, ValidationLine } from '../types';

/** Whether `prescriber` may write the prescription again today. */
export function canWrite(prescriber: PrescriberContext, states: readonly UsState[], dea: DeaRegistrationSchedule | null, today: IsoDate): boolean {
  return (
    isVeterinarian(prescriber) &&
    states.every((s) => hasActiveLicense(prescriber, s, today)) &&
    (dea === null || states.every((s) => hasActiveDea(prescriber, s, dea, today)))
  );
}

/**
 * The veterinarian to ask: the writer (`writerId`) when they can write it again, otherwise
 * the first by name of the others who can; null when nobody at the clinic can.
 */
export function renewalPrescriber(
  prescribers: Iterable<PrescriberContext>,
  opts: { writerId: string; states: readonly UsState[]; dea: DeaRegistrationSchedule | null; today: IsoDate },
): PrescriberContext | null {
  const able = [...prescribers].filter((p) => canWrite(p, opts.states, opts.dea, opts.today));
  return able.find((p) => p.id === opts.writerId) ?? able.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))[0] ?? null;
}

/**
 * The "Ask for renewal" fix of a line that fills a prescription, asking the veterinarian
 * `renewalPrescriber` picks for the line's states (and DEA class); undefined for a line
 * without a prescription, or when no veterinarian of the clinic can renew it.
 */
export function renewalFix(
  line: ValidationLine,
  ctx: ValidationContext,
  opts: { states: readonly UsState[]; dea: DeaRegistrationSchedule | null },
): Extract<Fix, { kind: 'request_renewal' }> | undefined {
  if (line.prescriptionId === undefined) return undefined;
  const rx = ctx.prescriptions[line.prescriptionId];
  const writerId = rx?.prescriberId ?? line.prescriberId;
  const vet = renewalPrescriber(Object.values(ctx.prescribers), { writerId, states: opts.states, dea: opts.dea, today: ctx.today });
  return vet ? { kind: 'request_renewal', prescriptionId: line.prescriptionId, prescriberId: vet.id, name: vet.name } : undefined;
}
