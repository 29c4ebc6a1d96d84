import { sql, type Kysely } from 'kysely';
import { DEMO_IDS } from '../../db/seed';
import type { Database } from '../../db/schema';
import { addDays } from '../../validators/vocabulary';

/** One demo prescription with what routing looks at, to build refill requests the seed can answer. */
export type RxCase = {
  patientId: string;
  petName: string;
  species: string;
  patientStatus: string;
  lastWellnessExamOn: string | null;
  clientId: string;
  ownerName: string;
  phone: string;
  email: string;
  petsOfOwner: number;
  prescriptionId: string;
  medicationName: string;
  compounded: boolean;
  controlledSchedule: string | null;
  status: string;
  expiresOn: string;
  refillsAuthorized: number;
  refillsUsed: number;
  lastDoseChangeOn: string | null;
  standingOrder: boolean;
};

/** The kinds of request the routing table distinguishes. */
export type CaseKind = 'routine' | 'controlled' | 'compounded' | 'dose_change' | 'expired' | 'no_refills' | 'exam_overdue';

/**
 * Every prescription of the clinic's active patients whose pet name is unique in its household
 * and whose medication name is unique among the pet's prescriptions, so a request naming them
 * has exactly one right answer.
 */
export async function loadRxCases(db: Kysely<Database>, clinicId: string = DEMO_IDS.riverside): Promise<RxCase[]> {
  const r = await sql<RxCase>`
    select p.id as patient_id, p.name as pet_name, p.species, p.status as patient_status, p.last_wellness_exam_on,
      c.id as client_id, c.first_name || ' ' || c.last_name as owner_name, c.phone, c.email,
      (select count(*)::int from patients p3 where p3.client_id = c.id) as pets_of_owner,
      rx.id as prescription_id, m.name as medication_name, m.compounded, m.controlled_schedule, rx.status, rx.expires_on,
      rx.refills_authorized, rx.refills_used, rx.last_dose_change_on, rx.standing_order
    from prescriptions rx
    join patients p on p.id = rx.patient_id
    join clients c on c.id = p.client_id
    join medications m on m.id = rx.medication_id
    where rx.clinic_id = ${clinicId} and c.phone is not null
      and (select count(*) from patients p2 where p2.client_id = c.id and lower(p2.name) = lower(p.name)) = 1
      and (select count(*) from prescriptions rx2 join medications m2 on m2.id = rx2.medication_id where rx2.patient_id = p.id and m2.name = m.name) = 1
    order by p.id, rx.id`.execute(db);
  return r.rows;
}

/** Whether a case is of a kind, judged on `today` with a margin of days so the boundary never decides. */
export function isKind(c: RxCase, kind: CaseKind, today: string): boolean {
  const usable = c.status === 'active' && c.expiresOn >= addDays(today, 3) && c.refillsUsed < c.refillsAuthorized;
  const examOk = c.lastWellnessExamOn !== null && c.lastWellnessExamOn >= addDays(today, -330);
  const examOverdue = c.lastWellnessExamOn !== null && c.lastWellnessExamOn < addDays(today, -400);
  const noDoseChange = c.lastDoseChangeOn === null || c.lastDoseChangeOn < addDays(today, -40);
  const commercial = !c.compounded && c.controlledSchedule === null;
  const active = c.patientStatus === 'active';
  switch (kind) {
    case 'routine':
      return active && usable && examOk && noDoseChange && commercial;
    case 'controlled':
      return active && usable && examOk && c.controlledSchedule !== null;
    case 'compounded':
      return active && usable && examOk && noDoseChange && c.compounded && c.controlledSchedule === null;
    case 'dose_change':
      return active && usable && examOk && c.controlledSchedule === null && c.lastDoseChangeOn !== null && c.lastDoseChangeOn >= addDays(today, -20);
    case 'expired':
      return active && c.expiresOn < addDays(today, -3);
    case 'no_refills':
      return active && c.status === 'active' && c.expiresOn >= addDays(today, 3) && c.refillsUsed >= c.refillsAuthorized;
    case 'exam_overdue':
      return active && usable && examOverdue && noDoseChange;
  }
}

/** Picks `n` cases of a kind, skipping patients already used (each request a different pet). */
export function pick(cases: RxCase[], kind: CaseKind, today: string, used: Set<string>, n = 1, extra: (c: RxCase) => boolean = () => true): RxCase[] {
  const out: RxCase[] = [];
  for (const c of cases) {
    if (out.length === n) break;
    if (used.has(c.patientId) || !isKind(c, kind, today) || !extra(c)) continue;
    used.add(c.patientId);
    out.push(c);
  }
  if (out.length < n) throw new Error(`the demo seed has only ${out.length} ${kind} case(s), ${n} needed`);
  return out;
}

/** A refill request body (API.md) for a case. */
export function requestBody(c: RxCase, extra: Record<string, unknown> = {}) {
  return { ownerName: c.ownerName, ownerPhone: c.phone, patientName: c.petName, medication: c.medicationName.toLowerCase(), ...extra };
}
