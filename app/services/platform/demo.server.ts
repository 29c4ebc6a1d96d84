import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { DEMO_IDS } from '../../../db/seed';
import { createRefillRequest, type IntakeInput } from '../requests/index.server';

type Candidate = {
  ownerName: string;
  phone: string | null;
  email: string | null;
  petName: string;
  medication: string;
  compounded: boolean;
  controlled: boolean;
  expired: boolean;
  examOverdue: boolean;
};

/**
 * Demo activity for a freshly seeded `npm start`: owners' refill requests sent through the
 * real intake (matching, eligibility, routing, timers, acknowledgements), so the queues, the
 * dashboard and the mailbox have something in them. Tests do not use it: their templates hold
 * only the deterministic seed.
 */
export async function seedDemoRequests(): Promise<number> {
  const db = getDb();
  const rows = await sql<Candidate>`
    select c.first_name || ' ' || c.last_name as owner_name, c.phone, c.email, p.name as pet_name, m.name as medication,
           m.compounded, m.controlled_schedule is not null as controlled,
           (rx.expires_on < current_date or rx.refills_used >= rx.refills_authorized) as expired,
           (p.last_wellness_exam_on < current_date - interval '12 months') as exam_overdue
    from prescriptions rx
    join patients p on p.id = rx.patient_id and p.status = 'active'
    join clients c on c.id = p.client_id
    join medications m on m.id = rx.medication_id
    where rx.clinic_id = ${DEMO_IDS.riverside}
      -- one prescription per pet and a pet name unique in its household, so matching is unambiguous
      and (select count(*) from prescriptions r2 where r2.patient_id = p.id) = 1
      and (select count(*) from patients q where q.client_id = p.client_id and q.name = p.name) = 1
    order by rx.id`.execute(db);
  const all = rows.rows;
  const pick = (test: (c: Candidate) => boolean, n: number) => all.filter(test).slice(0, n);
  // Compounded and controlled refills go to veterinarian review; commercial ones to the technicians.
  const compounded = pick((c) => c.compounded && !c.controlled && !c.expired && !c.examOverdue, 4);
  const commercial = pick((c) => !c.compounded && !c.expired && !c.examOverdue, 4);
  const controlled = pick((c) => c.controlled && !c.expired && !c.examOverdue, 2);
  const expired = pick((c) => c.expired && !c.controlled, 2);
  const exam = pick((c) => c.examOverdue && !c.expired && !c.controlled, 1);

  const inputs: IntakeInput[] = [];
  const web = (c: Candidate, extra: Partial<IntakeInput> = {}): IntakeInput => ({
    channel: 'web',
    ownerName: c.ownerName,
    ownerPhone: c.phone,
    ownerEmail: c.email,
    patientName: c.petName,
    medication: c.medication,
    urgency: 'routine',
    raw: { demo: true, ownerName: c.ownerName, patientName: c.petName, medication: c.medication },
    ...extra,
  });
  compounded.forEach((c, i) => inputs.push(web(c, i === 0 ? { channel: 'sms', text: `need more ${c.medication.toLowerCase()} for ${c.petName}, 5 days left`, daysLeft: 5 } : {})));
  commercial.forEach((c, i) => inputs.push(web(c, i < 2 ? { urgency: 'today', dosesLeft: 1 } : {})));
  for (const c of [...controlled, ...expired, ...exam]) inputs.push(web(c));
  inputs.push({
    channel: 'web',
    ownerName: 'Pat Newcomer',
    ownerPhone: '+19165559876',
    patientName: 'Biscuit',
    medication: 'Gabapentin',
    urgency: 'routine',
    raw: { demo: true, note: 'owner not on file' },
  });

  let created = 0;
  for (const input of inputs) {
    await createRefillRequest({ actorType: 'owner', actorLabel: `${input.ownerName} (demo)` }, DEMO_IDS.riverside, input);
    created += 1;
  }
  return created;
}
