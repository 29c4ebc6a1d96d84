import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from './client';
import { hashApiKey, hashPassword, stableUuid } from './credentials';
import { json } from './json';
import type { Database } from './schema';
import { addDays } from '../validators/vocabulary';
import {
  ALL_STATES,
  CAT_BREEDS,
  CITIES,
  DOG_BREEDS,
  FIRST_NAMES,
  FLAVORS,
  LAST_NAMES,
  MEDICATIONS,
  PET_NAMES,
  PHARMACIES,
  STREETS,
  type SeedMedication,
} from './seed-data';

/** The password of every demo login. */
export const DEMO_PASSWORD = 'vialcart-demo';
/** Both demo clinics (Riverside, CA and Lakeside, NV) keep Pacific time. */
export const DEMO_TIMEZONE = 'America/Los_Angeles';

/** Demo logins printed by `npm start` and listed in the README. */
export const DEMO_LOGINS = [
  { email: 'tech@riverside.example', role: 'technician', where: 'Riverside Veterinary Hospital' },
  { email: 'vet@riverside.example', role: 'veterinarian (DEA C-II–V, CA + NV)', where: 'Riverside Veterinary Hospital' },
  { email: 'manager@riverside.example', role: 'manager', where: 'Riverside Veterinary Hospital' },
  { email: 'frontdesk@riverside.example', role: 'front desk', where: 'Riverside Veterinary Hospital' },
  { email: 'manager@lakeside.example', role: 'manager', where: 'Lakeside Animal Clinic (second tenant)' },
  { email: 'pharmacist@pacific.example', role: 'pharmacist', where: 'Pacific Coast Compounding' },
  { email: 'admin@vialcart.example', role: 'admin', where: 'vialcart' },
] as const;

/** Demo API keys (the seed stores only their hashes). */
export const DEMO_API_KEYS = {
  riverside: 'demo_riverside_api_key',
  lakeside: 'demo_lakeside_api_key',
  pharmacy: (slug: string) => `demo_pharmacy_${slug}_key`,
};

/**
 * Riverside's Twilio number and the auth token its (demo) texts are signed with. The token is
 * published demo data, so it is stored readable ("plain:" in the sealed-secret format of
 * app/services/platform/secrets.server.ts); tokens a clinic enters are sealed.
 */
export const DEMO_SMS = { riverside: { phoneNumber: '+19165550100', authToken: 'demo_twilio_auth_token' } };

/** Stable ids of the demo's main rows, for tests and docs. */
export const DEMO_IDS = {
  riverside: stableUuid('clinic:riverside'),
  lakeside: stableUuid('clinic:lakeside'),
  pharmacy: (slug: string) => stableUuid(`pharmacy:${slug}`),
  user: (email: string) => stableUuid(`user:${email}`),
};

// mulberry32: a tiny seeded PRNG, so the demo is the same on every machine.
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(toIso + 'T00:00:00Z') - Date.parse(fromIso + 'T00:00:00Z')) / 86_400_000);
}

async function insertMany<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  conflict: string[] = ['id'],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    // The dynamic table name defeats Kysely's row typing; rows are typed by the caller.
    await (db as Kysely<any>)
      .insertInto(table)
      .values(chunk as any[])
      .onConflict((oc: any) => oc.columns(conflict).doNothing())
      .execute();
  }
}

type ClinicSpec = {
  key: 'riverside' | 'lakeside';
  name: string;
  state: string;
  city: string;
  zip: string;
  owners: number;
  activePatients: number;
  inactivePatients: number;
  deceasedPatients: number;
};

const CLINICS: ClinicSpec[] = [
  { key: 'riverside', name: 'Riverside Veterinary Hospital', state: 'CA', city: 'Sacramento', zip: '95818', owners: 300, activePatients: 450, inactivePatients: 18, deceasedPatients: 12 },
  { key: 'lakeside', name: 'Lakeside Animal Clinic', state: 'NV', city: 'Reno', zip: '89509', owners: 30, activePatients: 40, inactivePatients: 2, deceasedPatients: 1 },
];

type Vet = { email: string; name: string; licenses: { state: string; expiresIn: number }[]; dea?: { state: string; number: string; schedules: string[] } };

const STAFF: Record<ClinicSpec['key'], { vets: Vet[]; others: { email: string; name: string; role: 'technician' | 'manager' | 'front_desk' }[] }> = {
  riverside: {
    vets: [
      { email: 'vet@riverside.example', name: 'Dr. Maria Alvarez', licenses: [{ state: 'CA', expiresIn: 600 }, { state: 'NV', expiresIn: 400 }], dea: { state: 'CA', number: 'BA1234563', schedules: ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] } },
      { email: 'jchen@riverside.example', name: 'Dr. James Chen', licenses: [{ state: 'CA', expiresIn: 300 }], dea: { state: 'CA', number: 'BC2345672', schedules: ['III', 'IIIN', 'IV', 'V'] } },
      { email: 'ppatel@riverside.example', name: 'Dr. Priya Patel', licenses: [{ state: 'CA', expiresIn: -20 }] },
    ],
    others: [
      { email: 'tech@riverside.example', name: 'Tina Morales', role: 'technician' },
      { email: 'dkim@riverside.example', name: 'Derek Kim', role: 'technician' },
      { email: 'sokafor@riverside.example', name: 'Sade Okafor', role: 'technician' },
      { email: 'bwright@riverside.example', name: 'Ben Wright', role: 'technician' },
      { email: 'manager@riverside.example', name: 'Helen Park', role: 'manager' },
      { email: 'frontdesk@riverside.example', name: 'Rosa Delgado', role: 'front_desk' },
    ],
  },
  lakeside: {
    vets: [
      { email: 'vet@lakeside.example', name: 'Dr. Sam Rivers', licenses: [{ state: 'NV', expiresIn: 500 }], dea: { state: 'NV', number: 'AR3456781', schedules: ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] } },
      { email: 'aortiz@lakeside.example', name: 'Dr. Ana Ortiz', licenses: [{ state: 'NV', expiresIn: 200 }] },
    ],
    others: [
      { email: 'tech@lakeside.example', name: 'Lee Tran', role: 'technician' },
      { email: 'manager@lakeside.example', name: 'Grace Holt', role: 'manager' },
    ],
  },
};

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Weight and exam histories for the demo's patients: two to four weighings over the last two
 * years ending at the patient's current weight, and one to three yearly wellness exams ending
 * at its last one. A generator of their own keeps every other demo row as it was.
 */
function seedRecordHistory(spec: ClinicSpec, clinicId: string, patients: Insertable<Database['patients']>[], today: string) {
  const rnd = prng(spec.key === 'riverside' ? 9_101 : 9_202);
  const staff = STAFF[spec.key];
  const recorders = [...staff.others.filter((o) => o.role === 'technician'), ...staff.vets].map((p) => ({
    recordedBy: DEMO_IDS.user(p.email),
    recordedByLabel: `${p.name} (${'role' in p ? p.role : 'veterinarian'})`,
  }));
  const weights: Insertable<Database['patientWeights']>[] = [];
  const exams: Insertable<Database['patientExams']>[] = [];
  patients.forEach((p, i) => {
    const born = p.birthDate ?? addDays(today, -3650);
    const latestKg = Number(p.weightKg);
    const count = rnd.int(2, 4);
    let on = addDays(today, -rnd.int(3, 200));
    if (on < born) on = born;
    p.weightMeasuredOn = on;
    for (let k = 0; k < count && on >= born; k++) {
      const kg = k === 0 ? latestKg : Math.round(latestKg * (1 + (rnd.next() - 0.5) * 0.16) * 1000) / 1000;
      const inPounds = k > 0 && rnd.chance(0.3);
      weights.push({
        id: stableUuid(`weight:${spec.key}:${i}:${k}`), clinicId, patientId: p.id!, kg,
        enteredValue: inPounds ? Math.round((kg / 0.45359237) * 10) / 10 : kg, enteredUnit: inPounds ? 'lb' : 'kg',
        measuredOn: on, ...rnd.pick(recorders),
      });
      on = addDays(on, -rnd.int(90, 240));
    }
    if (p.lastWellnessExamOn) {
      let exam: string = p.lastWellnessExamOn;
      for (let k = 0, n = rnd.int(1, 3); k < n && exam >= born; k++) {
        exams.push({ id: stableUuid(`exam:${spec.key}:${i}:${k}`), clinicId, patientId: p.id!, kind: 'wellness', examinedOn: exam, ...rnd.pick(recorders) });
        exam = addDays(exam, -rnd.int(340, 400));
      }
    }
  });
  return { weights, exams };
}

/**
 * Seeds the demo data: deterministic (same PRNG seed, stable ids) and idempotent (every
 * insert skips rows that exist), so running it twice leaves the same data. `today` anchors
 * the year of history; it defaults to the real date.
 */
export async function seedDemo(db: DB, options: { today?: string } = {}): Promise<{ inserted: boolean }> {
  const existing = await db.selectFrom('clinics').select('id').where('id', '=', DEMO_IDS.riverside).executeTakeFirst();
  if (existing) return { inserted: false };
  const today = options.today ?? todayIso();
  const rnd = prng(20261121);
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await db.transaction().execute(async (tx) => {
    // Pharmacies, their ship-to licenses, users and API keys.
    const pharmacyRows = PHARMACIES.map((p) => ({
      id: DEMO_IDS.pharmacy(p.slug),
      slug: p.slug,
      name: p.name,
      residentState: p.state,
      city: p.city,
      addressLine1: `${rnd.int(100, 999)} Commerce Way`,
      postalCode: '00000',
      connectionKind: 'portal' as const,
      connectionSettings: json({}),
      webhookSecret: `whsec_demo_${p.slug}`,
      shippingCents: p.shipping,
      coldChainFeeCents: p.coldChain,
      turnaroundDays: p.turnaround,
    }));
    await insertMany(tx, 'pharmacies', pharmacyRows);
    const licenses = PHARMACIES.flatMap((p) =>
      (p.ships === 'ALL' ? ALL_STATES : p.ships).map((state, i) => ({
        pharmacyId: DEMO_IDS.pharmacy(p.slug),
        state,
        licenseNumber: `${p.slug.slice(0, 2).toUpperCase()}-${state}-${1000 + i}`,
        // Pacific's Washington license lapsed last month: the validator must notice.
        expiresOn: p.slug === 'pacific' && state === 'WA' ? addDays(today, -30) : addDays(today, 365 + i * 3),
      })),
    );
    await insertMany(tx, 'pharmacyShipLicenses', licenses, ['pharmacy_id', 'state']);
    await insertMany(
      tx,
      'users',
      [
        ...PHARMACIES.map((p) => ({
          id: DEMO_IDS.user(`pharmacist@${p.slug}.example`),
          email: `pharmacist@${p.slug}.example`,
          name: `${p.name.split(' ')[0]} Pharmacist`,
          passwordHash,
          role: 'pharmacist' as const,
          pharmacyId: DEMO_IDS.pharmacy(p.slug),
        })),
        { id: DEMO_IDS.user('admin@vialcart.example'), email: 'admin@vialcart.example', name: 'vialcart Admin', passwordHash, role: 'admin' as const },
      ],
    );
    await insertMany(
      tx,
      'apiKeys',
      PHARMACIES.map((p) => ({
        id: stableUuid(`apikey:pharmacy:${p.slug}`),
        name: 'Demo key',
        keyHash: hashApiKey(DEMO_API_KEYS.pharmacy(p.slug)),
        keyPrefix: DEMO_API_KEYS.pharmacy(p.slug).slice(0, 12),
        pharmacyId: DEMO_IDS.pharmacy(p.slug),
      })),
    );

    // Medications and the catalog of offers.
    const medIds = MEDICATIONS.map((m) => stableUuid(`med:${m.name}:${m.strength}:${m.form}`));
    await insertMany(
      tx,
      'medications',
      MEDICATIONS.map((m, i) => ({
        id: medIds[i]!,
        name: m.name,
        strength: m.strength,
        form: m.form,
        controlledSchedule: m.schedule ?? null,
        compounded: m.compounded,
        coldChain: m.coldChain ?? false,
        speciesUse: m.species,
        ingredients: m.ingredients ?? [],
        synonyms: m.synonyms ?? [],
        doseUnit: m.doseUnit,
      })),
    );
    type OfferSeed = { id: string; pharmacySlug: string; medIndex: number; unitPriceCents: number };
    const offers: OfferSeed[] = [];
    const offerRows: Insertable<Database['offers']>[] = [];
    MEDICATIONS.forEach((m, mi) => {
      if (!m.compounded || m.ingredients?.includes('xylitol')) return;
      PHARMACIES.forEach((p, pi) => {
        // Everyone carries the refill-day staples; the rest is patchy, as in real catalogs.
        const staple = mi < 4 || m.name === 'Buprenorphine';
        if (!staple && !rnd.chance(0.72)) return;
        const id = stableUuid(`offer:${p.slug}:${mi}`);
        const unitPriceCents = Math.round((m.base * p.factor * (0.9 + rnd.next() * 0.25)) / 5) * 5;
        const roll = rnd.next();
        const stock = roll < 0.06 ? 0 : roll < 0.16 ? rnd.int(1, 5) : rnd.int(20, 240);
        offers.push({ id, pharmacySlug: p.slug, medIndex: mi, unitPriceCents });
        offerRows.push({
          id,
          pharmacyId: DEMO_IDS.pharmacy(p.slug),
          medicationId: medIds[mi]!,
          sku: `${p.slug.slice(0, 3).toUpperCase()}-${String(1000 + mi * 7 + pi)}`,
          packageDescription: m.package,
          unitPriceCents,
          stockOnHand: stock,
          turnaroundDays: p.turnaround + (m.coldChain ? 1 : 0),
          shipStates: null,
          flavors: m.oral ? FLAVORS.filter(() => rnd.chance(0.45)).slice(0, 4) : [],
        });
      });
    });
    await insertMany(tx, 'offers', offerRows);

    for (const spec of CLINICS) {
      await seedClinic(tx, spec, { today, rnd, passwordHash, medIds, offers });
    }
  });
  return { inserted: true };
}

async function seedClinic(
  tx: Kysely<Database>,
  spec: ClinicSpec,
  shared: {
    today: string;
    rnd: ReturnType<typeof prng>;
    passwordHash: string;
    medIds: string[];
    offers: { id: string; pharmacySlug: string; medIndex: number; unitPriceCents: number }[];
  },
): Promise<void> {
  const { today, rnd, passwordHash, medIds, offers } = shared;
  const clinicId = DEMO_IDS[spec.key];
  const staff = STAFF[spec.key];
  await insertMany(tx, 'clinics', [
    {
      id: clinicId,
      slug: spec.key,
      name: spec.name,
      addressLine1: spec.key === 'riverside' ? '2800 Riverside Blvd' : '1450 Lakeside Dr',
      city: spec.city,
      state: spec.state,
      postalCode: spec.zip,
      phone: spec.key === 'riverside' ? '+19165550100' : '+17755550100',
      email: `hello@${spec.key}.example`,
      timezone: DEMO_TIMEZONE,
      bookingUrl: `https://${spec.key}.example/book`,
      intakeSecret: `demo_${spec.key}_intake_secret`,
    },
  ]);
  await insertMany(tx, 'users', [
    ...staff.vets.map((v) => ({ id: DEMO_IDS.user(v.email), email: v.email, name: v.name, passwordHash, role: 'veterinarian' as const, clinicId })),
    ...staff.others.map((o) => ({ id: DEMO_IDS.user(o.email), email: o.email, name: o.name, passwordHash, role: o.role, clinicId })),
  ]);
  if (spec.key === 'riverside') {
    const sms = DEMO_SMS.riverside;
    await insertMany(tx, 'clinicSmsSettings', [{ clinicId, phoneNumber: sms.phoneNumber, authTokenSealed: `plain:${sms.authToken}`, authTokenHint: `…${sms.authToken.slice(-4)}` }], ['clinic_id']);
  }
  const manager = staff.others.find((o) => o.role === 'manager')!;
  await tx.updateTable('clinics').set({ escalationUserId: DEMO_IDS.user(manager.email) }).where('id', '=', clinicId).execute();
  await insertMany(tx, 'apiKeys', [
    { id: stableUuid(`apikey:clinic:${spec.key}`), name: 'Demo key', keyHash: hashApiKey(DEMO_API_KEYS[spec.key]), keyPrefix: DEMO_API_KEYS[spec.key].slice(0, 12), clinicId },
  ]);

  const prescriberIds = staff.vets.map((v) => stableUuid(`prescriber:${v.email}`));
  await insertMany(tx, 'prescribers', staff.vets.map((v, i) => ({ id: prescriberIds[i]!, clinicId, userId: DEMO_IDS.user(v.email), name: v.name })));
  await insertMany(
    tx,
    'prescriberLicenses',
    staff.vets.flatMap((v, i) =>
      v.licenses.map((l) => ({
        id: stableUuid(`license:${v.email}:${l.state}`),
        prescriberId: prescriberIds[i]!,
        state: l.state,
        number: `VET${l.state}${10000 + i * 137}`,
        expiresOn: addDays(today, l.expiresIn),
      })),
    ),
  );
  await insertMany(
    tx,
    'deaRegistrations',
    staff.vets.flatMap((v, i) =>
      v.dea ? [{ id: stableUuid(`dea:${v.email}`), prescriberId: prescriberIds[i]!, state: v.dea.state, number: v.dea.number, schedules: v.dea.schedules, expiresOn: addDays(today, 700) }] : [],
    ),
  );

  // Owners (clients) and their pets.
  const localCities = CITIES.filter((c) => c.state === spec.state);
  const clientRows: Insertable<Database['clients']>[] = [];
  for (let i = 0; i < spec.owners; i++) {
    const first = rnd.pick(FIRST_NAMES);
    const last = rnd.pick(LAST_NAMES);
    // One owner in ten lives across a state line (the owner-shipment license checks need them).
    const place = spec.key === 'riverside' && i % 10 === 7 ? rnd.pick(CITIES.filter((c) => c.state !== 'CA')) : rnd.pick(localCities.length ? localCities : CITIES);
    clientRows.push({
      id: stableUuid(`client:${spec.key}:${i}`),
      clinicId,
      firstName: first,
      lastName: last,
      phone: `+1${place.area}555${String(1000 + i).padStart(4, '0')}`,
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      addressLine1: `${rnd.int(100, 9999)} ${rnd.pick(STREETS)}`,
      city: place.city,
      state: place.state,
      postalCode: place.zip,
      smsOptIn: rnd.chance(0.6),
      preferredChannel: rnd.chance(0.7) ? 'email' : 'sms',
      pimsId: `C${spec.key === 'riverside' ? 1 : 2}${String(i).padStart(5, '0')}`,
    });
  }
  await insertMany(tx, 'clients', clientRows);

  const totalPatients = spec.activePatients + spec.inactivePatients + spec.deceasedPatients;
  type PatientSeed = { id: string; clientIndex: number; species: string; status: string; weightKg: number; name: string };
  const patients: PatientSeed[] = [];
  const patientRows: Insertable<Database['patients']>[] = [];
  for (let i = 0; i < totalPatients; i++) {
    const clientIndex = i < spec.owners ? i : rnd.int(0, spec.owners - 1);
    const roll = rnd.next();
    const species = i === 17 ? 'horse' : roll < 0.52 ? 'dog' : roll < 0.94 ? 'cat' : roll < 0.97 ? 'rabbit' : 'ferret';
    const status = i >= spec.activePatients + spec.inactivePatients ? 'deceased' : i >= spec.activePatients ? 'inactive' : 'active';
    const weightKg =
      species === 'dog' ? rnd.int(40, 450) / 10 : species === 'cat' ? rnd.int(28, 75) / 10 : species === 'horse' ? rnd.int(4200, 5600) / 10 : rnd.int(8, 25) / 10;
    const name = rnd.pick(PET_NAMES);
    const id = stableUuid(`patient:${spec.key}:${i}`);
    patients.push({ id, clientIndex, species, status, weightKg, name });
    patientRows.push({
      id,
      clinicId,
      clientId: clientRows[clientIndex]!.id!,
      name,
      species: species as 'dog',
      breed: species === 'dog' ? rnd.pick(DOG_BREEDS) : species === 'cat' ? rnd.pick(CAT_BREEDS) : species === 'horse' ? 'Quarter Horse' : null,
      sex: rnd.pick(['male_neutered', 'female_spayed', 'male', 'female'] as const),
      birthDate: addDays(today, -rnd.int(365, 365 * 16)),
      weightKg,
      status: status as 'active',
      // About a third are overdue for their yearly wellness exam.
      lastWellnessExamOn: addDays(today, -rnd.int(5, 540)),
      pimsId: `P${spec.key === 'riverside' ? 1 : 2}${String(i).padStart(5, '0')}`,
    });
  }
  const history = seedRecordHistory(spec, clinicId, patientRows, today);
  await insertMany(tx, 'patients', patientRows);
  await insertMany(tx, 'patientWeights', history.weights);
  await insertMany(tx, 'patientExams', history.exams);

  // Prescriptions and a year of fills.
  const clinicOffers = (mi: number) => offers.filter((o) => o.medIndex === mi);
  const pharmacySlugsShippingHere = new Set(PHARMACIES.filter((p) => p.ships === 'ALL' || (p.ships as readonly string[]).includes(spec.state)).map((p) => p.slug as string));
  const prescriptionRows: Insertable<Database['prescriptions']>[] = [];
  type Fill = { prescriptionIndex: number; date: string; offer: (typeof offers)[number]; quantity: number };
  const fills: Fill[] = [];
  const medsFor = (species: string) => {
    const own = MEDICATIONS.map((m, i) => ({ m, i })).filter(({ m }) => m.species.includes(species));
    return own.length ? own : MEDICATIONS.map((m, i) => ({ m, i })).filter(({ m }) => ['Cisapride', 'Famotidine', 'Metronidazole', 'Prednisolone'].includes(m.name) && m.form.includes('suspension'));
  };
  const prescribedBy = (m: SeedMedication) => {
    if (m.schedule === 'II') return 0;
    if (m.schedule) return rnd.chance(0.5) ? 0 : Math.min(1, staff.vets.length - 1);
    return rnd.int(0, staff.vets.length - 1);
  };
  patients.forEach((p, pi) => {
    if (p.status === 'deceased' && rnd.chance(0.5)) return;
    const count = rnd.chance(0.32) ? 2 : 1;
    const choices = medsFor(p.species);
    for (let k = 0; k < count; k++) {
      const { m, i: mi } = rnd.pick(choices);
      const vet = prescribedBy(m);
      const expired = rnd.chance(0.08);
      const writtenOn = expired ? addDays(today, -rnd.int(390, 430)) : addDays(today, -rnd.int(12, 330));
      const lifetime = m.schedule ? 180 : 365;
      const expiresOn = addDays(writtenOn, lifetime);
      const refillsAuthorized = m.schedule === 'II' ? 0 : m.schedule ? rnd.int(1, 5) : rnd.int(2, 11);
      const possibleFills = Math.floor(daysBetween(writtenOn, expired ? expiresOn : today) / m.daysSupply) + 1;
      const fillCount = Math.max(1, Math.min(refillsAuthorized + 1, possibleFills));
      const index = prescriptionRows.length;
      prescriptionRows.push({
        id: stableUuid(`rx:${spec.key}:${pi}:${k}`),
        clinicId,
        patientId: p.id,
        prescriberId: prescriberIds[vet]!,
        medicationId: medIds[mi]!,
        sig: m.sig,
        quantity: 1,
        refillsAuthorized,
        refillsUsed: fillCount - 1,
        writtenOn,
        expiresOn,
        status: expiresOn < today ? 'expired' : 'active',
        lastDoseChangeOn: rnd.chance(0.08) ? addDays(today, -rnd.int(1, 25)) : null,
        standingOrder: !m.schedule && !m.compounded && rnd.chance(0.5),
      });
      if (!m.compounded) continue;
      const candidates = clinicOffers(mi).filter((o) => pharmacySlugsShippingHere.has(o.pharmacySlug));
      if (candidates.length === 0) continue;
      const offer = rnd.pick(candidates);
      for (let f = 0; f < fillCount; f++) {
        const date = addDays(writtenOn, f * m.daysSupply);
        if (date > today) break;
        fills.push({ prescriptionIndex: index, date, offer, quantity: 1 });
      }
    }
  });
  await insertMany(tx, 'prescriptions', prescriptionRows);

  // Fills are grouped into weekly refill days: one checkout per week, one order per pharmacy.
  const weekOf = (iso: string) => addDays(iso, -((new Date(iso + 'T00:00:00Z').getUTCDay() + 5) % 7));
  const byWeek = new Map<string, Fill[]>();
  for (const f of fills) {
    const w = weekOf(f.date);
    byWeek.set(w, [...(byWeek.get(w) ?? []), f]);
  }
  const carriers = [
    { carrier: 'UPS', tracking: () => `1Z${rnd.int(100000, 999999)}${rnd.int(10000000, 99999999)}` },
    { carrier: 'FedEx', tracking: () => `${rnd.int(100000, 999999)}${rnd.int(100000, 999999)}` },
    { carrier: 'USPS', tracking: () => `9400${rnd.int(10000000, 99999999)}${rnd.int(10000000, 99999999)}${rnd.int(10, 99)}` },
  ];
  const cartRows: Insertable<Database['carts']>[] = [];
  const checkoutRows: Insertable<Database['checkouts']>[] = [];
  const paymentRows: Insertable<Database['payments']>[] = [];
  const movementRows: Insertable<Database['paymentMovements']>[] = [];
  const orderRows: Insertable<Database['orders']>[] = [];
  const lineRows: Insertable<Database['orderLines']>[] = [];
  const eventRows: Insertable<Database['orderEvents']>[] = [];
  const auditRows: Insertable<Database['auditEvents']>[] = [];
  const techId = DEMO_IDS.user(staff.others.find((o) => o.role === 'technician')!.email);
  let invoice = 0;
  for (const [week, weekFills] of [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const checkoutId = stableUuid(`checkout:${spec.key}:${week}`);
    const cartId = stableUuid(`cart:${spec.key}:${week}`);
    const paidAt = `${week}T17:00:00Z`;
    const age = daysBetween(week, today);
    cartRows.push({ id: cartId, clinicId, name: `Refill day ${week}`, status: 'checked_out', version: 2, createdBy: techId, createdAt: `${week}T15:00:00Z`, updatedAt: paidAt });
    const byPharmacy = new Map<string, Fill[]>();
    for (const f of weekFills) byPharmacy.set(f.offer.pharmacySlug, [...(byPharmacy.get(f.offer.pharmacySlug) ?? []), f]);
    let amount = 0;
    for (const [slug, pharmacyFills] of byPharmacy) {
      const pharmacy = PHARMACIES.find((p) => p.slug === slug)!;
      const orderId = stableUuid(`order:${spec.key}:${week}:${slug}`);
      const subtotal = pharmacyFills.reduce((s, f) => s + f.offer.unitPriceCents * f.quantity, 0);
      const coldChain = pharmacyFills.some((f) => MEDICATIONS[f.offer.medIndex]!.coldChain) ? pharmacy.coldChain : 0;
      const fixed = pharmacy.shipping + coldChain;
      const total = subtotal + fixed;
      amount += total;
      // Fixed fees spread over vials by largest remainder, as the pricing module does.
      const vials = pharmacyFills.reduce((s, f) => s + f.quantity, 0);
      const base = Math.floor(fixed / vials);
      let remainder = fixed - base * vials;
      const status = age > 10 ? 'delivered' : age > 6 ? 'shipped' : age > 3 ? 'compounding' : 'accepted';
      const pick = carriers[rnd.int(0, carriers.length - 1)]!;
      const shipped = status === 'shipped' || status === 'delivered';
      orderRows.push({
        id: orderId,
        clinicId,
        checkoutId,
        pharmacyId: DEMO_IDS.pharmacy(slug),
        status,
        subtotalCents: subtotal,
        shippingCents: pharmacy.shipping,
        feesCents: coldChain,
        platformFeeCents: 0,
        totalCents: total,
        carrier: shipped ? pick.carrier : null,
        trackingNumber: shipped ? pick.tracking() : null,
        expectedDelivery: addDays(week, pharmacy.turnaround + 3),
        deliveredToPharmacyAt: paidAt,
        createdAt: paidAt,
        updatedAt: paidAt,
      });
      const steps = ['submitted', 'accepted', 'compounding', 'shipped', 'delivered'];
      const reached = steps.slice(0, steps.indexOf(status) + 1);
      reached.forEach((type, si) => {
        eventRows.push({
          id: stableUuid(`event:${orderId}:${type}`),
          orderId,
          eventId: type === 'submitted' ? null : `seed-${orderId.slice(0, 8)}-${type}`,
          type,
          fromStatus: si === 0 ? 'pending_delivery' : reached[si - 1]!,
          toStatus: type,
          carrier: type === 'shipped' ? pick.carrier : null,
          actor: type === 'submitted' ? 'system' : `pharmacy:${slug}`,
          at: `${addDays(week, si)}T${String(10 + si).padStart(2, '0')}:00:00Z`,
        });
        auditRows.push({
          clinicId,
          pharmacyId: DEMO_IDS.pharmacy(slug),
          actorType: type === 'submitted' ? 'system' : 'pharmacy',
          actorId: type === 'submitted' ? null : DEMO_IDS.pharmacy(slug),
          actorLabel: type === 'submitted' ? 'vialcart' : pharmacy.name,
          action: `order.${type}`,
          subjectType: 'order',
          subjectId: orderId,
          detail: json({ checkoutId }),
          at: `${addDays(week, si)}T${String(10 + si).padStart(2, '0')}:00:00Z`,
        });
      });
      pharmacyFills.forEach((f, fi) => {
        const rx = prescriptionRows[f.prescriptionIndex]!;
        const med = MEDICATIONS[f.offer.medIndex]!;
        const patient = patients.find((p) => p.id === rx.patientId)!;
        const client = clientRows[patient.clientIndex]!;
        const vet = staff.vets[prescriberIds.indexOf(rx.prescriberId)]!;
        const share = base + (remainder > 0 ? 1 : 0);
        if (remainder > 0) remainder -= 1;
        const lineTotal = f.offer.unitPriceCents * f.quantity + share;
        const lineId = stableUuid(`orderline:${orderId}:${fi}`);
        lineRows.push({
          id: lineId,
          orderId,
          clinicId,
          patientId: patient.id,
          prescriptionId: rx.id!,
          offerId: f.offer.id,
          medicationId: medIds[f.offer.medIndex]!,
          prescriberId: rx.prescriberId,
          quantity: f.quantity,
          sig: rx.sig,
          sigParsed: json({ text: rx.sig }),
          shipTo: 'clinic',
          shipState: spec.state,
          unitPriceCents: f.offer.unitPriceCents,
          lineTotalCents: lineTotal,
          landedCostCents: Math.round(lineTotal / f.quantity),
          snapshot: json({
            patient: { name: patient.name, species: patient.species, weightKg: patient.weightKg, owner: `${client.firstName} ${client.lastName}` },
            medication: { name: med.name, strength: med.strength, form: med.form, controlledSchedule: med.schedule ?? null, package: med.package },
            prescriber: { name: vet.name, license: vet.licenses[0]?.state, dea: vet.dea?.number ?? null },
            shipTo: { kind: 'clinic', state: spec.state },
          }),
          filledOn: f.date,
          daysSupply: med.daysSupply,
          createdAt: paidAt,
        });
        auditRows.push({
          clinicId,
          actorType: 'user',
          actorId: DEMO_IDS.user(vet.email),
          actorLabel: vet.name,
          action: 'prescription.authorized',
          subjectType: 'order_line',
          subjectId: lineId,
          detail: json({ prescriptionId: rx.id, writtenOn: rx.writtenOn, refill: f.date !== rx.writtenOn }),
          at: `${week}T15:30:00Z`,
        });
      });
    }
    invoice += 1;
    checkoutRows.push({ id: checkoutId, clinicId, cartId, cartVersion: 2, status: 'split', provider: 'invoice', idempotencyKey: `seed:${spec.key}:${week}`, amountCents: amount, createdBy: techId, createdAt: paidAt, paidAt });
    paymentRows.push({
      id: stableUuid(`payment:${spec.key}:${week}`),
      clinicId,
      checkoutId,
      provider: 'invoice',
      status: 'succeeded',
      amountCents: amount,
      invoiceNumber: `${spec.key === 'riverside' ? 'RVH' : 'LAC'}-${week.slice(0, 4)}-${String(invoice).padStart(4, '0')}`,
      dueOn: addDays(week, 30),
      createdAt: paidAt,
      confirmedAt: paidAt,
    });
    // The money ledger's charge of the invoice (the demo's platform fee is 0: no fee movements).
    movementRows.push({
      paymentId: stableUuid(`payment:${spec.key}:${week}`),
      checkoutId,
      clinicId,
      orderId: null,
      kind: 'charge',
      provider: 'invoice',
      amountCents: amount,
      idempotencyKey: `charge:${checkoutId}`,
      status: 'succeeded',
      note: 'invoice issued',
      createdAt: paidAt,
      updatedAt: paidAt,
    });
    auditRows.push({ clinicId, actorType: 'user', actorId: techId, actorLabel: 'Refill day checkout', action: 'payment.confirmed', subjectType: 'checkout', subjectId: checkoutId, detail: json({ amountCents: amount, provider: 'invoice' }), at: paidAt });
  }
  await insertMany(tx, 'carts', cartRows);
  await insertMany(tx, 'checkouts', checkoutRows);
  await insertMany(tx, 'payments', paymentRows);
  await insertMany(tx, 'orders', orderRows);
  await insertMany(tx, 'paymentMovements', movementRows, ['idempotencyKey']);
  await insertMany(tx, 'orderLines', lineRows);
  await insertMany(tx, 'orderEvents', eventRows);
  await insertMany(tx, 'auditEvents', auditRows, ['id']);
}

/** Counts of the demo's main tables (tests compare two seedings). */
export async function demoFingerprint(db: DB): Promise<Record<string, number>> {
  const tables = ['clinics', 'users', 'pharmacies', 'medications', 'offers', 'clients', 'patients', 'patient_weights', 'patient_exams', 'prescriptions', 'orders', 'order_lines', 'audit_events'];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db);
    out[t] = r.rows[0]!.n;
  }
  return out;
}
