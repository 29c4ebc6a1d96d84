import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

// Data for reports tests and benchmarks: a year of owner refill requests over a clinic's
// seeded order history, and copies of a seeded clinic (every id remapped) to reach 20 clinics.
// Everything is SQL with a seeded random generator, so it is fast and the same on each run.

/**
 * Adds `perDay` owner requests a day over the clinic's seeded year: a share linked to the
 * order lines they became (through a cart line, so request → shipped can be measured), the
 * rest approved, denied, routed to exceptions or still open; acknowledgements mostly within
 * 5 minutes, some decisions past their target.
 */
export async function generateRequestHistory(db: Kysely<Database>, clinicId: string, options: { perDay?: number; seed?: number } = {}): Promise<number> {
  const perDay = options.perDay ?? 30;
  await sql`select setseed(${((options.seed ?? 7) % 1000) / 1000})`.execute(db);
  // Requests that became order lines: each seeded line gets a cart line and a request before it.
  await sql`
    with picked as (
      select ol.id as line_id, gen_random_uuid() as cart_line_id, gen_random_uuid() as request_id, ch.cart_id,
             ol.clinic_id, ol.patient_id, ol.offer_id, ol.quantity, ol.sig, ol.prescriber_id, ol.ship_to, ol.ship_state,
             ol.prescription_id, ol.unit_price_cents, o.created_at - make_interval(hours => 4 + (random() * 60)::int) as asked_at,
             p.name as pet, c.first_name || ' ' || c.last_name as owner, c.phone, c.email, c.id as client_id
      from order_lines ol join orders o on o.id = ol.order_id join checkouts ch on ch.id = o.checkout_id
      join patients p on p.id = ol.patient_id join clients c on c.id = p.client_id
      where ol.clinic_id = ${clinicId} and ol.cart_line_id is null
    ), lines as (
      insert into cart_lines (id, cart_id, clinic_id, patient_id, offer_id, quantity, sig, prescriber_id, ship_to, ship_state, source, prescription_id, unit_price_cents_at_add, created_at, updated_at)
      select cart_line_id, cart_id, clinic_id, patient_id, offer_id, quantity, sig, prescriber_id, ship_to, ship_state, 'request', prescription_id, unit_price_cents, asked_at + interval '1 hour', asked_at + interval '1 hour' from picked
      returning id
    ), linked as (
      update order_lines ol set cart_line_id = picked.cart_line_id from picked where ol.id = picked.line_id and exists (select 1 from lines where lines.id = picked.cart_line_id)
      returning ol.id
    )
    insert into refill_requests (id, clinic_id, reference, channel, raw, owner_name, owner_phone, owner_email, patient_name, medication_text, urgency, client_id, patient_id, prescription_id, queue, status, due_at, acknowledged_at, decided_at, cart_line_id, created_at)
    select request_id, clinic_id, 'RQ-' || substr(replace(request_id::text, '-', ''), 1, 10), ch.channel,
           jsonb_build_object('patientName', pet, 'ownerName', owner, 'via', ch.channel), owner, phone, email, pet, 'as before', 'routine',
           client_id, patient_id, prescription_id, 'tech_standard', 'dispensed', asked_at + interval '4 hours',
           asked_at + make_interval(secs => 20 + (random() * random() * 600)::int),
           asked_at + make_interval(mins => 20 + (random() * random() * 420)::int), cart_line_id, asked_at
    -- Referencing picked keeps the draw per row (an uncorrelated subquery would run once).
    from picked cross join lateral (select (array['web','web','web','sms','sms','pims','reminder','phone'])[1 + floor(random() * 8)::int] as channel where picked.request_id is not null) ch
  `.execute(db);

  // Requests that did not become lines this year: open, denied, exceptions.
  const r = await sql<{ n: number }>`
    with clinic as (select id, timezone from clinics where id = ${clinicId}),
    pets as (
      select p.id as patient_id, p.name as pet, c.id as client_id, c.first_name || ' ' || c.last_name as owner, c.phone, c.email,
             (select rx.id from prescriptions rx where rx.patient_id = p.id limit 1) as prescription_id,
             row_number() over (order by p.id) as rn, count(*) over () as total
      from patients p join clients c on c.id = p.client_id where p.clinic_id = ${clinicId}
    ),
    slots as (
      select d, s, now() - make_interval(days => d) + make_interval(mins => (random() * 600)::int) - interval '10 hours' as asked_at,
             random() as roll, random() as pick
      from generate_series(0, 364) d cross join generate_series(1, ${perDay}) s
    ),
    made as (
      select slots.*, pets.*, gen_random_uuid() as id,
             (array['web','web','web','sms','sms','pims','reminder','phone','api'])[1 + floor(random() * 9)::int] as channel,
             case when roll < 0.5 then 'tech_standard' when roll < 0.62 then 'tech_urgent' when roll < 0.8 then 'vet_review'
                  when roll < 0.88 then 'exception_prescription' when roll < 0.95 then 'exception_exam' else 'front_desk' end as queue
      from slots join pets on pets.rn = 1 + floor(slots.pick * pets.total)::int
    )
    insert into refill_requests (id, clinic_id, reference, channel, raw, owner_name, owner_phone, owner_email, patient_name, medication_text, urgency, client_id, patient_id, prescription_id, queue, status, due_at, acknowledged_at, decided_at, created_at)
    select id, ${clinicId}, 'RQ-' || substr(replace(id::text, '-', ''), 1, 10), channel,
           jsonb_build_object('patientName', pet, 'ownerName', owner, 'via', channel), owner, phone, email, pet, 'refill please', case when queue = 'tech_urgent' then 'today' else 'routine' end,
           client_id, patient_id, prescription_id, queue,
           case when d = 0 and roll > 0.3 then 'open' when queue like 'exception%' then 'denied' when queue = 'front_desk' then 'cancelled' when roll < 0.45 then 'approved' else 'to_dispense' end,
           asked_at + case when queue in ('tech_urgent', 'vet_review') then interval '2 hours' else interval '4 hours' end,
           asked_at + make_interval(secs => 15 + (random() * random() * 900)::int),
           case when d = 0 and roll > 0.3 then null else asked_at + make_interval(mins => 10 + (random() * random() * 330)::int) end,
           asked_at
    from made
    returning 1
  `.execute(db);
  return r.rows.length;
}

const REMAPPED = new Set(['id', 'clinic_id', 'client_id', 'patient_id', 'prescriber_id', 'prescription_id', 'order_id', 'checkout_id', 'cart_id', 'cart_line_id', 'user_id', 'created_by', 'decided_by', 'assigned_to', 'escalation_user_id', 'vet_signoff_by']);
const SUFFIXED: Record<string, string[]> = { clinics: ['slug', 'intake_secret', 'name'], users: ['email'], checkouts: ['idempotency_key'], refill_requests: ['reference'] };
const CLONED = ['clinics', 'users', 'prescribers', 'clients', 'patients', 'prescriptions', 'carts', 'cart_lines', 'checkouts', 'orders', 'order_lines', 'order_events', 'refill_requests'] as const;

/**
 * Copies a clinic with everything of it the reports and reminders read, every id remapped by
 * `md5(id || ':' || copy)`; answers the new clinic's id.
 */
export async function cloneClinic(db: Kysely<Database>, sourceClinicId: string, copy: number): Promise<string> {
  const tag = `c${copy}`;
  for (const table of CLONED) {
    // Rows come back camelCased (the client's CamelCasePlugin).
    const cols = await sql<{ columnName: string; dataType: string; isGenerated: string; identity: string }>`
      select column_name, data_type, is_generated, is_identity as identity from information_schema.columns
      where table_schema = 'public' and table_name = ${table} order by ordinal_position`.execute(db);
    const usable = cols.rows.filter((c) => c.isGenerated !== 'ALWAYS' && c.identity !== 'YES');
    const names = usable.map((c) => c.columnName);
    const values = usable.map((c) => {
      const name = c.columnName;
      if (REMAPPED.has(name) && c.dataType === 'uuid') return `md5(t.${name}::text || ':${tag}')::uuid`;
      if (SUFFIXED[table]?.includes(name)) return name === 'email' ? `'${tag}-' || t.email` : name === 'slug' ? `t.slug || '-${tag}'` : `t.${name} || ' ${tag}'`;
      return `t.${name}`;
    });
    const where =
      table === 'clinics' ? `t.id = '${sourceClinicId}'` : table === 'order_events' ? `t.order_id in (select id from orders where clinic_id = '${sourceClinicId}')` : `t.clinic_id = '${sourceClinicId}'`;
    // Clinics point at their escalation user, users at their clinic: defer by inserting the clinic without it first.
    const stmt = `insert into ${table} (${names.join(', ')}) select ${values.map((v, i) => (table === 'clinics' && names[i] === 'escalation_user_id' ? 'null' : v)).join(', ')} from ${table} t where ${where}`;
    await sql.raw(stmt).execute(db);
  }
  const id = (await sql<{ id: string }>`select md5(${sourceClinicId}::text || ':' || ${tag})::uuid as id`.execute(db)).rows[0]!.id;
  return id;
}
