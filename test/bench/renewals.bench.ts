import { performance } from 'node:perf_hooks';
import { setDb, type DB } from '../../db/client';
import { stableUuid } from '../../db/credentials';
import { DEMO_IDS, seedDemo } from '../../db/seed';
import type { UserPrincipal } from '../../app/services/identity/principal';
import { getOpenCart } from '../../app/services/cart/index.server';
import { clinicToday } from '../../app/services/records/clinics.server';
import { renewBatch, requestRenewals } from '../../app/services/records/index.server';
import { addDays } from '../../validators/vocabulary';
import { benchDatabase, r2, summarize } from './support';
import type { Bench, BenchResult } from './types';

// The demo clinic (Riverside) with 50 prescriptions out of refills, each filled by a line of
// the open refill-day cart and asked for renewal, all in Dr. Alvarez's batch. Measured: the
// veterinarian renewing the 50 in one action — 50 new prescriptions checked by the writing
// rules and audited, the old ones superseded, the requests settled and the cart's lines moved
// to the renewals.

const BATCH = 50;
const RUNS = 15;
const WARMUP = 3;

const user = (email: string, name: string, role: UserPrincipal['role']): UserPrincipal => ({ kind: 'user', userId: DEMO_IDS.user(email), name, email, role, clinicId: DEMO_IDS.riverside, pharmacyId: null });
const tech = user('tech@riverside.example', 'Tina Morales', 'technician');
const vet = user('vet@riverside.example', 'Dr. Maria Alvarez', 'veterinarian');
const ALVAREZ = stableUuid('prescriber:vet@riverside.example');

/** 50 lapsed prescriptions with a cart line each, asked for renewal; answers the batch and its request ids. */
async function prepare(db: DB, patients: string[], offer: { id: string; medicationId: string; unitPriceCents: number }, today: string) {
  // The previous run's requests (all renewed) and lines make way, so every run sees the same cart.
  await db.deleteFrom('renewalRequests').where('clinicId', '=', DEMO_IDS.riverside).execute();
  await db.deleteFrom('cartLines').where('clinicId', '=', DEMO_IDS.riverside).execute();
  const cart = await getOpenCart(tech);
  const rxs = await db
    .insertInto('prescriptions')
    .values(patients.map((patientId) => ({ clinicId: DEMO_IDS.riverside, patientId, prescriberId: ALVAREZ, medicationId: offer.medicationId, sig: 'Give 0.5 ml by mouth BID for 30 days', quantity: 1, refillsAuthorized: 3, refillsUsed: 3, writtenOn: addDays(today, -200), expiresOn: addDays(today, 160) })))
    .returning(['id', 'patientId'])
    .execute();
  const lines = await db
    .insertInto('cartLines')
    .values(rxs.map((rx, i) => ({ cartId: cart.id, clinicId: DEMO_IDS.riverside, position: i, patientId: rx.patientId, offerId: offer.id, quantity: 1, sig: 'Give 0.5 ml by mouth BID for 30 days', prescriberId: ALVAREZ, prescriptionId: rx.id, shipTo: 'clinic' as const, shipState: 'CA', source: 'manual' as const, unitPriceCentsAtAdd: offer.unitPriceCents })))
    .returning(['id', 'prescriptionId'])
    .execute();
  const asked = await requestRenewals(tech, lines.map((l) => ({ prescriptionId: l.prescriptionId!, cartLineId: l.id })));
  const batchIds = [...new Set(asked.map((a) => a.batchId))];
  if (batchIds.length !== 1) throw new Error(`expected one batch, got ${batchIds.length}`);
  return { batchId: batchIds[0]!, requestIds: asked.map((a) => a.id) };
}

const bench: Bench = {
  title: `Renewals (a veterinarian renews a batch of ${BATCH} prescriptions in one action)`,
  async run() {
    const { db, close } = await benchDatabase('renewals');
    setDb(db);
    try {
      await seedDemo(db);
      const today = await clinicToday(db, DEMO_IDS.riverside);
      const offer = await db
        .selectFrom('offers as o')
        .innerJoin('medications as m', 'm.id', 'o.medicationId')
        .select(['o.id', 'o.medicationId', 'o.unitPriceCents'])
        .where('o.pharmacyId', '=', DEMO_IDS.pharmacy('pacific'))
        .where('m.controlledSchedule', 'is', null)
        .orderBy('m.name')
        .executeTakeFirstOrThrow();
      const patients = await db
        .selectFrom('patients')
        .select('id')
        .where('clinicId', '=', DEMO_IDS.riverside)
        .where('status', '=', 'active')
        .orderBy('id')
        .limit(BATCH)
        .execute();
      const samples: number[] = [];
      for (let run = 0; run < WARMUP + RUNS; run++) {
        const { batchId, requestIds } = await prepare(db, patients.map((p) => p.id), offer, today);
        const t = performance.now();
        const { renewed } = await renewBatch(vet, batchId, { requestIds });
        const ms = performance.now() - t;
        if (renewed.length !== BATCH) throw new Error(`renewed ${renewed.length} of ${BATCH}`);
        if (run >= WARMUP) samples.push(ms);
      }
      const s = summarize(samples);
      const moved = await db.selectFrom('cartLines as l').innerJoin('prescriptions as rx', 'rx.id', 'l.prescriptionId').select((eb) => eb.fn.countAll<string>().as('n')).where('l.clinicId', '=', DEMO_IDS.riverside).where('rx.status', '=', 'active').executeTakeFirstOrThrow();
      const results: BenchResult[] = [
        { name: `renew ${BATCH} prescriptions in one action p50`, value: r2(s.p50), unit: 'ms', note: `${RUNS} runs after ${WARMUP} warm-up; each a fresh batch` },
        { name: `renew ${BATCH} prescriptions in one action p95`, value: r2(s.p95), unit: 'ms', target: '≤ 300 ms', ok: s.p95 <= 300, note: `writing rules, ${BATCH} inserts + audit, old ones superseded, requests settled, ${moved.n} cart lines moved to the renewals` },
      ];
      return results;
    } finally {
      await close();
    }
  },
};

export default bench;
