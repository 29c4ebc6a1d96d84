import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { json } from '../../db/json';
import { DEMO_IDS } from '../../db/seed';
import {
  getImport,
  runCatalogImport,
  registerCatalogImportTasks,
  startCsvImport,
  startFeedFetch,
  sweepFeedFolder,
  type ImportReport,
} from '../../app/services/catalog/catalog-import.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import type { Principal } from '../../app/services/identity/principal';
import { sendJson, startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server';
import { capturedLogs } from '../support/logs';

const admin: Principal = {
  kind: 'user', userId: DEMO_IDS.user('admin@vialcart.example'), name: 'vialcart Admin', email: 'admin@vialcart.example', role: 'admin', clinicId: null, pharmacyId: null,
};
const pacific = DEMO_IDS.pharmacy('pacific');
const sierra = DEMO_IDS.pharmacy('sierra');

beforeAll(() => registerCatalogImportTasks());

type OfferRow = { sku: string; medicationName: string; strength: string; form: string; packageDescription: string; unitPriceCents: number; stockOnHand: number; turnaroundDays: number };

async function offersOf(pharmacyId: string) {
  return getDb()
    .selectFrom('offers as o')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .select(['o.id', 'o.sku', 'm.name as medicationName', 'm.strength', 'm.form', 'o.packageDescription', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.turnaroundDays', 'o.shipStates', 'o.available', 'o.updatedAt', 'o.priceUpdatedAt', 'o.flavors'])
    .where('o.pharmacyId', '=', pharmacyId)
    .orderBy('o.sku')
    .execute();
}

const HEADER = 'SKU,Medication,Strength,Form,Package,Unit price,Stock,Turnaround days';
const csvCell = (v: string | number) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v));
const dollars = (cents: number) => (cents / 100).toFixed(2);
const csvRow = (o: OfferRow) =>
  [o.sku, o.medicationName, o.strength, o.form, o.packageDescription, dollars(o.unitPriceCents), o.stockOnHand, o.turnaroundDays].map(csvCell).join(',');

async function importCsv(text: string, options: { full?: boolean; priceMoveThreshold?: number; pharmacyId?: string } = {}) {
  const { importId } = await startCsvImport(admin, { pharmacyId: options.pharmacyId ?? pacific, fileName: 'pacific.csv', text, ...options });
  await drainJobs();
  const result = await getImport(admin, importId);
  expect(result.status).toBe('succeeded');
  return result as typeof result & { report: ImportReport };
}

describe('CSV catalog import', () => {
  it('imports the good rows, reports every bad row by number, marks vanished offers unavailable and flags big price moves', async () => {
    const before = await offersOf(pacific);
    const [vanished, bigMove, smallMove, ...rest] = before;
    const lines = [
      HEADER,
      csvRow({ ...bigMove!, unitPriceCents: Math.round(bigMove!.unitPriceCents * 1.5) }), // row 2
      csvRow({ ...smallMove!, unitPriceCents: smallMove!.unitPriceCents + 5 }), // row 3
      'PAC-BAD1,Gabapentin,50 mg/mL,oral suspension,30 mL bottle,-4.00,10,2', // row 4: negative price
      ',Gabapentin,50 mg/mL,oral suspension,30 mL bottle,4.00,10,2', // row 5: no SKU
      'PAC-BAD2,Gabapentin,50 mg/mL,oral suspension,30 mL bottle,4.00,ten,2', // row 6: stock not a number
      'PAC-BAD3,Gabapentin,50 mg/mL', // row 7: too few fields
      ...rest.map(csvRow), // rows 8…
      'PAC-NEW1,Ketamine,100 mg/mL,oral transmucosal gel,5 mL syringe,38.50,12,3',
      'PAC-NEW2,Methimazole,5 mg/mL,ORAL SUSPENSION,60 mL bottle,52.00,40,2',
      `${bigMove!.sku},Duplicate,1 mg,tablet,30 tablets,1.00,1,1`, // a SKU listed twice
    ];
    const result = await importCsv(lines.join('\r\n') + '\r\n');
    const { report } = result;
    const lastRow = lines.length; // header is row 1

    expect(report.summary).toMatchObject({ inserted: 2, changed: 2, unchanged: rest.length, rejected: 5, unavailable: 1, flagged: 1 });
    expect(report.rejected.map((r) => r.row)).toEqual([4, 5, 6, 7, lastRow]);
    expect(report.rejected.find((r) => r.row === 4)).toMatchObject({ field: 'Unit price', reason: 'Unit price: must not be negative' });
    expect(report.rejected.find((r) => r.row === 5)!.reason).toMatch(/SKU: is missing/);
    expect(report.rejected.find((r) => r.row === 6)!.reason).toMatch(/Stock: must be a whole number/);
    expect(report.rejected.find((r) => r.row === 7)!.reason).toMatch(/has 3 fields where the header has 8/);
    expect(report.rejected.find((r) => r.row === lastRow)!.reason).toMatch(/already appears in row 2/);
    expect(result).toMatchObject({ totalRows: lastRow - 1, processedRows: lastRow - 1 });

    expect(report.priceFlags).toEqual([
      { sku: bigMove!.sku, oldCents: bigMove!.unitPriceCents, newCents: Math.round(bigMove!.unitPriceCents * 1.5), share: 0.5, medication: `${bigMove!.medicationName} ${bigMove!.strength} ${bigMove!.form}` },
    ]);

    const after = new Map((await offersOf(pacific)).map((o) => [o.sku, o]));
    // Never deleted: the vanished offer is still there, unavailable, with its data.
    expect(after.get(vanished!.sku)).toMatchObject({ id: vanished!.id, available: false, unitPriceCents: vanished!.unitPriceCents });
    expect(after.get(bigMove!.sku)!.unitPriceCents).toBe(Math.round(bigMove!.unitPriceCents * 1.5));
    expect(after.get(smallMove!.sku)!.unitPriceCents).toBe(smallMove!.unitPriceCents + 5);
    expect(after.has('PAC-BAD1')).toBe(false);

    // A medication the catalog lacked is created, controlled per the DEA reference; a known one is matched whatever its case.
    expect(report.createdMedications).toEqual([{ name: 'Ketamine', strength: '100 mg/mL', form: 'oral transmucosal gel', controlledSchedule: 'III' }]);
    const ketamine = await getDb().selectFrom('medications').select(['id', 'controlledSchedule']).where('name', '=', 'Ketamine').executeTakeFirstOrThrow();
    expect(ketamine.controlledSchedule).toBe('III');
    const methimazole = await getDb().selectFrom('offers as o').innerJoin('medications as m', 'm.id', 'o.medicationId').select(['m.form']).where('o.sku', '=', 'PAC-NEW2').executeTakeFirstOrThrow();
    expect(methimazole.form).toBe('oral suspension');
    expect(await getDb().selectFrom('medications').select('id').where('name', '=', 'Methimazole').where('form', '=', 'ORAL SUSPENSION').executeTakeFirst()).toBeUndefined();

    // Re-importing the same feed changes nothing, not even a timestamp.
    const snapshot = await offersOf(pacific);
    const medications = await getDb().selectFrom('medications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const again = await importCsv(lines.join('\r\n') + '\r\n');
    expect(again.report.summary).toMatchObject({ inserted: 0, changed: 0, unavailable: 0, flagged: 0, rejected: 5, unchanged: rest.length + 4 });
    expect(await offersOf(pacific)).toEqual(snapshot);
    expect(await getDb().selectFrom('medications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual(medications);

    // Listed again, the vanished offer comes back.
    const back = await importCsv([HEADER, csvRow(vanished!)].join('\n'), { full: false });
    expect(back.report.summary).toMatchObject({ changed: 1, unavailable: 0 });
    expect((await offersOf(pacific)).find((o) => o.sku === vanished!.sku)!.available).toBe(true);
  });

  it('flags price moves over the threshold the import asks for, keeps reserved stock and leaves unlisted offers of a partial feed alone', async () => {
    const before = await offersOf(sierra);
    const [a, b] = before;
    await getDb().updateTable('offers').set({ stockOnHand: 30, reserved: 20 }).where('id', '=', b!.id).execute();
    const result = await importCsv(
      [HEADER, csvRow({ ...a!, unitPriceCents: Math.round(a!.unitPriceCents * 1.1) }), csvRow({ ...b!, stockOnHand: 5 })].join('\n'),
      { pharmacyId: sierra, full: false, priceMoveThreshold: 0.05 },
    );
    expect(result.report.summary).toMatchObject({ changed: 2, unavailable: 0, flagged: 1 });
    expect(result.report.priceFlags[0]).toMatchObject({ sku: a!.sku, share: expect.closeTo(0.1, 2) });
    expect(result.report.warnings).toEqual([`${b!.sku}: the feed's stock of 5 is below the 20 vials reserved by checkouts; kept at 20 (none available).`]);
    const after = await offersOf(sierra);
    expect(after.find((o) => o.sku === b!.sku)).toMatchObject({ stockOnHand: 20, reserved: 20 });
    expect(after.filter((o) => o.available).length).toBe(before.filter((o) => o.available).length);
  });

  it('does not empty a catalog from a file with no usable rows', async () => {
    const result = await importCsv('Product,Price\nGabapentin,4.00\n', { pharmacyId: DEMO_IDS.pharmacy('greatlakes') });
    expect(result.report.summary).toMatchObject({ accepted: 0, rejected: 1, unavailable: 0 });
    expect(result.report.missingColumns).toEqual(expect.arrayContaining(['sku', 'strength', 'form']));
    expect(result.report.warnings[0]).toMatch(/no offer was marked unavailable/);
    expect((await offersOf(DEMO_IDS.pharmacy('greatlakes'))).every((o) => o.available)).toBe(true);
  });

  it('is for admins only', async () => {
    const tech: Principal = { ...admin, role: 'technician', clinicId: DEMO_IDS.riverside };
    await expect(startCsvImport(tech, { pharmacyId: pacific, text: HEADER })).rejects.toMatchObject({ code: 'not_found' });
    await expect(startCsvImport(admin, { pharmacyId: pacific, text: '  ' })).rejects.toMatchObject({ code: 'bad_request', fields: { file: 'The file is empty.' } });
    await expect(startCsvImport(admin, { pharmacyId: pacific, text: HEADER, priceMoveThreshold: -1 })).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('JSON feed import', () => {
  let server: LocalHttpServer | undefined;
  afterEach(async () => server?.close());

  const lonestar = DEMO_IDS.pharmacy('lonestar');
  const KEY = 'feed-key-lonestar-0123456789';

  it('fetches the feed with the pharmacy’s key and imports it, reporting bad items by position', async () => {
    const existing = await offersOf(lonestar);
    const items = existing.slice(1).map((o) => ({
      sku: o.sku, medicationName: o.medicationName, strength: o.strength, form: o.form, packageDescription: o.packageDescription,
      unitPriceCents: o.unitPriceCents, stock: o.stockOnHand, turnaroundDays: o.turnaroundDays, shipStates: o.shipStates, flavors: o.flavors,
    }));
    items.push({ ...items[0]!, sku: 'LON-BAD', unitPriceCents: 12.5 } as never);
    server = await startLocalHttpServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${KEY}`) return sendJson(res, 401, { error: 'bad key' });
      sendJson(res, 200, { schema: 'vialcart.catalog.v1', pharmacySlug: 'lonestar', generatedAt: '2026-11-22T06:00:00Z', full: true, items });
    });
    await getDb().updateTable('pharmacies').set({ connectionSettings: json({ feedUrl: `${server.url}/catalog.json`, feedKey: KEY }) }).where('id', '=', lonestar).execute();

    const { importId } = await startFeedFetch(admin, { pharmacyId: lonestar });
    await drainJobs();
    const result = await getImport(admin, importId);
    expect(server.received[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(result.status).toBe('succeeded');
    const report = result.report!;
    expect(report.summary).toMatchObject({ accepted: items.length - 1, inserted: 0, changed: 0, rejected: 1, unavailable: 1 });
    expect(report.rejected).toEqual([{ row: items.length, field: 'unitPriceCents', reason: expect.stringMatching(/^unitPriceCents: /) }]);
    expect((await offersOf(lonestar)).find((o) => o.sku === existing[0]!.sku)!.available).toBe(false);
  });

  it('fails the import, naming why, when the feed refuses the key', async () => {
    server = await startLocalHttpServer((_req, res) => sendJson(res, 401, { error: 'bad key' }));
    await getDb().updateTable('pharmacies').set({ connectionSettings: json({ feedUrl: `${server.url}/catalog.json`, feedKey: 'wrong' }) }).where('id', '=', lonestar).execute();
    const before = await offersOf(lonestar);
    const { importId } = await startFeedFetch(admin, { pharmacyId: lonestar });
    await drainJobs();
    const result = await getImport(admin, importId);
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/HTTP 401/) });
    expect(await offersOf(lonestar)).toEqual(before);
    expect(capturedLogs()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'catalog import failed', importId, task: 'catalog.import' }));
    // Running the job again does nothing twice.
    await runCatalogImport(importId);
    expect((await getImport(admin, importId)).status).toBe('failed');
  });

  it('refuses to fetch for a pharmacy without a feed', async () => {
    await expect(startFeedFetch(admin, { pharmacyId: sierra })).rejects.toMatchObject({ code: 'bad_request', fields: { pharmacyId: expect.any(String) } });
  });
});

describe('folder drop', () => {
  it('imports each CSV dropped in feeds/<slug>/ once and moves it to imported/', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vialcart-feeds-'));
    const dir = path.join(dataDir, 'feeds', 'greatlakes');
    mkdirSync(dir, { recursive: true });
    mkdirSync(path.join(dataDir, 'feeds', 'no-such-pharmacy'));
    const offers = await offersOf(DEMO_IDS.pharmacy('greatlakes'));
    writeFileSync(path.join(dir, 'prices.csv'), [HEADER, ...offers.map((o) => csvRow({ ...o, stockOnHand: o.stockOnHand + 1 }))].join('\n'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a feed');

    const { importIds } = await sweepFeedFolder({ dataDir, minAgeMs: 0 });
    expect(importIds).toHaveLength(1);
    expect(existsSync(path.join(dir, 'prices.csv'))).toBe(false);
    expect(readdirSync(path.join(dir, 'imported'))).toEqual([expect.stringMatching(/-prices\.csv$/)]);
    expect((await sweepFeedFolder({ dataDir, minAgeMs: 0 })).importIds).toEqual([]);

    await drainJobs();
    const result = await getImport(admin, importIds[0]!);
    expect(result).toMatchObject({ status: 'succeeded', source: 'csv', fileName: 'feeds/greatlakes/prices.csv' });
    expect(result.report!.summary).toMatchObject({ changed: offers.length, rejected: 0 });
  });
});
