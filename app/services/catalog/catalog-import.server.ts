import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database, DeaSchedule } from '../../../db/schema';
import { parseCsvFeed } from '../../../pharmacies/csv-feed/parse';
import { planImport, type ImportSummary, type PriceFlag } from '../../../pharmacies/import-plan';
import { getAdapter } from '../../../pharmacies/registry';
import type { CatalogFeedItem, RejectedRow } from '../../../pharmacies/types';
import { scheduleForMedicationName } from '../../../validators';
import { isUuid } from '../../../validators/vocabulary';
import { getEnv } from '../../env.server';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { badRequest, DomainError, notFound } from '../platform/errors';
import { enqueue, registerCron, registerTasks } from '../platform/jobs.server';
import { log } from '../platform/logger.server';
import type { Principal } from '../identity/principal';
import { medicationDisplayName } from './sql.server';

/** Prices moving by more than this share (0.2 = 20 %) are flagged in the report, unless an import says otherwise. */
export const DEFAULT_PRICE_MOVE_THRESHOLD = 0.2;
/** Largest CSV accepted (bytes): a 20,000-row list is about 2 MB. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;
/** Offers written per statement; also how often progress is reported. */
const BATCH = 1_000;
const TASK = 'catalog.import';

/** How to import a feed. */
export type ImportOptions = {
  /** A full feed lists the whole catalog: offers it leaves out become unavailable. Default true for CSV; a JSON feed says itself. */
  full?: boolean;
  /** Flag prices moving by more than this share (0–10). Default 0.2. */
  priceMoveThreshold?: number;
};

/** What an import did, stored on the import and shown to the admin. */
export type ImportReport = {
  summary: ImportSummary;
  full: boolean;
  priceMoveThreshold: number;
  /** Every row not imported, with its row number and why. */
  rejected: RejectedRow[];
  /** Prices that moved by more than the threshold (imported anyway), with what the offer is. */
  priceFlags: Array<PriceFlag & { medication: string }>;
  /** Medications the feed named that the catalog did not have yet. */
  createdMedications: Array<{ name: string; strength: string; form: string; controlledSchedule: DeaSchedule | null }>;
  /** CSV only: required columns the header lacks, and columns not read. */
  missingColumns: string[];
  ignoredColumns: string[];
  /** Things imported differently from how the feed said them, in words. */
  warnings: string[];
};

type ImportSource = { kind: 'csv'; text: string; fileName: string | null } | { kind: 'json' };

// ---------------------------------------------------------------------------------------------
// Starting an import

function requireAdmin(principal: Principal): string | null {
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new DomainError('not_found', 'Not found');
  return principal.userId;
}

function checkOptions(options: ImportOptions): { full: boolean | undefined; priceMoveThreshold: number } {
  const threshold = options.priceMoveThreshold ?? DEFAULT_PRICE_MOVE_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 10)) {
    throw badRequest('The price-move threshold must be a share between 0 and 10 (0.2 = 20 %).', { priceMoveThreshold: 'Use a share between 0 and 10.' });
  }
  return { full: options.full, priceMoveThreshold: threshold };
}

async function createImport(
  db: Kysely<Database>,
  pharmacyId: string,
  source: ImportSource,
  options: ImportOptions,
  createdBy: string | null,
): Promise<string> {
  const row = await db
    .insertInto('catalogImports')
    .values({
      pharmacyId,
      source: source.kind,
      fileName: source.kind === 'csv' ? source.fileName : null,
      input: source.kind === 'csv' ? source.text : null,
      options: json(options),
      createdBy,
      createdAt: now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // One import at a time per pharmacy: a second waits for the first instead of racing it.
  await enqueue(db, TASK, { importId: row.id }, { maxAttempts: 1, queueName: `catalog-import:${pharmacyId}` });
  return row.id;
}

async function pharmacyOrNotFound(db: Kysely<Database>, pharmacyId: string) {
  if (!isUuid(pharmacyId)) throw notFound('Pharmacy');
  const pharmacy = await db
    .selectFrom('pharmacies')
    .select(['id', 'slug', 'name', 'connectionSettings'])
    .where('id', '=', pharmacyId)
    .executeTakeFirst();
  if (!pharmacy) throw notFound('Pharmacy');
  return pharmacy;
}

/** An admin uploads a pharmacy's CSV price/stock list; the import runs as a job. */
export async function startCsvImport(
  principal: Principal,
  input: { pharmacyId: string; fileName?: string | null; text: string } & ImportOptions,
): Promise<{ importId: string }> {
  const db = getDb();
  const userId = requireAdmin(principal);
  const options = checkOptions(input);
  if (input.text.trim() === '') throw badRequest('The file is empty.', { file: 'The file is empty.' });
  if (Buffer.byteLength(input.text) > MAX_CSV_BYTES) throw badRequest('The file is larger than 20 MB.', { file: 'The file is larger than 20 MB.' });
  const pharmacy = await pharmacyOrNotFound(db, input.pharmacyId);
  const importId = await db
    .transaction()
    .execute(async (tx) => {
      const id = await createImport(tx, pharmacy.id, { kind: 'csv', text: input.text, fileName: input.fileName ?? null }, { ...options, full: options.full ?? true }, userId);
      await audit(tx, principal, { action: 'catalog_import.started', subjectType: 'catalog_import', subjectId: id, pharmacyId: pharmacy.id, detail: { source: 'csv', fileName: input.fileName ?? null } });
      return id;
    });
  return { importId };
}

/** An admin asks for a pharmacy's JSON feed now; the job fetches it with the pharmacy's key. */
export async function startFeedFetch(principal: Principal, input: { pharmacyId: string } & Omit<ImportOptions, 'full'>): Promise<{ importId: string }> {
  const db = getDb();
  const userId = requireAdmin(principal);
  const options = checkOptions(input);
  const pharmacy = await pharmacyOrNotFound(db, input.pharmacyId);
  if (!pharmacy.connectionSettings.feedUrl || !pharmacy.connectionSettings.feedKey) {
    throw badRequest(`${pharmacy.name} has no catalog feed URL and key set up.`, { pharmacyId: 'This pharmacy has no catalog feed set up.' });
  }
  const importId = await db
    .transaction()
    .execute(async (tx) => {
      const id = await createImport(tx, pharmacy.id, { kind: 'json' }, { priceMoveThreshold: options.priceMoveThreshold }, userId);
      await audit(tx, principal, { action: 'catalog_import.started', subjectType: 'catalog_import', subjectId: id, pharmacyId: pharmacy.id, detail: { source: 'json' } });
      return id;
    });
  return { importId };
}

/**
 * The folder drop: every `*.csv` in `${DATA_DIR}/feeds/<pharmacy-slug>/` becomes a full import
 * of that pharmacy, and the file moves to `imported/` beside it (in the same transaction as the
 * import row, so a file is picked up once). Files younger than `minAgeMs` may still be being
 * written and wait for the next sweep.
 */
export async function sweepFeedFolder(options: { dataDir?: string; minAgeMs?: number } = {}): Promise<{ importIds: string[] }> {
  const db = getDb();
  const root = path.resolve(options.dataDir ?? getEnv().DATA_DIR, 'feeds');
  const minAgeMs = options.minAgeMs ?? 30_000;
  const slugs = await readdir(root).catch(() => [] as string[]);
  if (slugs.length === 0) return { importIds: [] };
  const pharmacies = await db.selectFrom('pharmacies').select(['id', 'slug']).where('slug', 'in', slugs).execute();
  const importIds: string[] = [];
  for (const pharmacy of pharmacies) {
    const dir = path.join(root, pharmacy.slug);
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
    for (const file of files) {
      const from = path.join(dir, file);
      const info = await stat(from).catch(() => null);
      if (!info?.isFile() || now().getTime() - info.mtimeMs < minAgeMs) continue;
      const text = await readFile(from, 'utf8');
      const done = path.join(dir, 'imported');
      await mkdir(done, { recursive: true });
      const to = path.join(done, `${now().toISOString().replace(/[:.]/g, '-')}-${file}`);
      try {
        const id = await db
          .transaction()
          .execute(async (tx) => {
            const importId = await createImport(tx, pharmacy.id, { kind: 'csv', text, fileName: `feeds/${pharmacy.slug}/${file}` }, { full: true }, null);
            await audit(tx, { actorType: 'system', actorLabel: 'catalog feed folder' }, { action: 'catalog_import.started', subjectType: 'catalog_import', subjectId: importId, pharmacyId: pharmacy.id, detail: { source: 'folder', fileName: file } });
            // Moved before commit: if another sweeper took the file first, this import rolls back.
            await rename(from, to);
            return importId;
          });
        importIds.push(id);
      } catch (error) {
        log().warn({ err: error, file: from, pharmacyId: pharmacy.id }, 'catalog feed file could not be picked up');
      }
    }
  }
  return { importIds };
}

/** Starts a JSON feed import for every active pharmacy with a feed set up (the nightly refresh). */
export async function fetchAllFeeds(): Promise<{ importIds: string[] }> {
  const db = getDb();
  const pharmacies = await db.selectFrom('pharmacies').select(['id', 'connectionSettings']).where('active', '=', true).execute();
  const importIds: string[] = [];
  for (const p of pharmacies) {
    if (!p.connectionSettings.feedUrl || !p.connectionSettings.feedKey) continue;
    importIds.push(await db.transaction().execute((tx) => createImport(tx, p.id, { kind: 'json' }, {}, null)));
  }
  return { importIds };
}

// ---------------------------------------------------------------------------------------------
// Reading imports

/** Pharmacies an admin can import for, with whether a JSON feed is set up. */
export async function listImportPharmacies(principal: Principal) {
  requireAdmin(principal);
  const rows = await getDb().selectFrom('pharmacies').select(['id', 'slug', 'name', 'connectionSettings']).orderBy('name').execute();
  return rows.map((p) => ({ id: p.id, slug: p.slug, name: p.name, hasFeed: Boolean(p.connectionSettings.feedUrl && p.connectionSettings.feedKey) }));
}

const importColumns = [
  'ci.id', 'ci.pharmacyId', 'ph.name as pharmacyName', 'ci.source', 'ci.fileName', 'ci.status', 'ci.totalRows', 'ci.processedRows',
  'ci.error', 'ci.createdAt', 'ci.finishedAt', 'ci.options',
] as const;

/** Recent imports, newest first, with their summary (the full report is on `getImport`). */
export async function listImports(principal: Principal, query: { pharmacyId?: string; limit?: number } = {}) {
  requireAdmin(principal);
  let q = getDb()
    .selectFrom('catalogImports as ci')
    .innerJoin('pharmacies as ph', 'ph.id', 'ci.pharmacyId')
    .select([...importColumns, sql<ImportSummary | null>`ci.report -> 'summary'`.as('summary')])
    .orderBy('ci.createdAt', 'desc')
    .orderBy('ci.id')
    .limit(Math.min(Math.max(query.limit ?? 20, 1), 100));
  if (query.pharmacyId) q = q.where('ci.pharmacyId', '=', query.pharmacyId);
  return q.execute();
}

/** One import with its whole report. */
export async function getImport(principal: Principal, importId: string) {
  requireAdmin(principal);
  if (!isUuid(importId)) throw notFound('Import');
  const row = await getDb()
    .selectFrom('catalogImports as ci')
    .innerJoin('pharmacies as ph', 'ph.id', 'ci.pharmacyId')
    .select([...importColumns, 'ci.report'])
    .where('ci.id', '=', importId)
    .executeTakeFirst();
  if (!row) throw notFound('Import');
  return { ...row, report: row.report as ImportReport | null };
}

// ---------------------------------------------------------------------------------------------
// The import job

type Feed = { full: boolean; items: CatalogFeedItem[]; rejected: RejectedRow[]; missingColumns: string[]; ignoredColumns: string[] };

/**
 * Runs one import: reads the feed (the stored CSV, or the pharmacy's JSON feed over HTTP),
 * plans it against the pharmacy's offers (`planImport`) and applies the plan in one
 * transaction with a statement per batch of rows, reporting progress as it goes. Offers a full
 * feed leaves out become unavailable, never deleted. A bad row is reported, never fatal; a feed
 * that cannot be read at all fails the import with the reason.
 */
export async function runCatalogImport(importId: string): Promise<void> {
  const db = getDb();
  const claimed = await db
    .updateTable('catalogImports')
    .set({ status: 'running' })
    .where('id', '=', importId)
    .where('status', '=', 'queued')
    .returning(['id', 'pharmacyId', 'source', 'input', 'options'])
    .executeTakeFirst();
  if (!claimed) return; // already run (or never existed): nothing to do twice
  try {
    const pharmacy = await db
      .selectFrom('pharmacies')
      .select(['id', 'slug', 'name', 'connectionSettings'])
      .where('id', '=', claimed.pharmacyId)
      .executeTakeFirstOrThrow();
    const threshold = claimed.options.priceMoveThreshold ?? DEFAULT_PRICE_MOVE_THRESHOLD;
    const feed = await readFeed(claimed, pharmacy);
    const total = feed.items.length + feed.rejected.length;
    await db.updateTable('catalogImports').set({ totalRows: total, processedRows: feed.rejected.length }).where('id', '=', importId).execute();
    await applyFeed(importId, pharmacy, feed, threshold);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log().warn({ err: error, importId }, 'catalog import failed');
    await db.updateTable('catalogImports').set({ status: 'failed', error: message.slice(0, 2000), finishedAt: now() }).where('id', '=', importId).execute();
  }
}

async function readFeed(
  row: { source: 'json' | 'csv'; input: string | null; options: ImportOptions },
  pharmacy: { id: string; slug: string; connectionSettings: { feedUrl?: string; feedKey?: string; timeoutMs?: number } },
): Promise<Feed> {
  if (row.source === 'csv') {
    const parsed = parseCsvFeed(row.input ?? '');
    return { full: row.options.full ?? true, ...parsed };
  }
  const settings = pharmacy.connectionSettings;
  const feed = await getAdapter('rest').fetchCatalog!(
    { pharmacyId: pharmacy.id, slug: pharmacy.slug, feedUrl: settings.feedUrl ?? null, apiKey: settings.feedKey ?? null, ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}) },
    { now },
  );
  return { full: feed.full, items: feed.items, rejected: feed.rejected, missingColumns: [], ignoredColumns: [] };
}

async function applyFeed(importId: string, pharmacy: { id: string; name: string }, feed: Feed, threshold: number): Promise<void> {
  const db = getDb();
  const at = now();
  let processed = feed.rejected.length;
  const progress = async (rows: number) => {
    processed += rows;
    // Outside the import's transaction, so the admin's page sees it move.
    await db.updateTable('catalogImports').set({ processedRows: processed }).where('id', '=', importId).execute();
  };

  await db
    .transaction()
    .execute(async (tx) => {
      // Serialise imports of one pharmacy whatever queue they came through.
      await tx.selectFrom('pharmacies').select('id').where('id', '=', pharmacy.id).forUpdate().execute();
      const existing = await tx
        .selectFrom('offers as o')
        .innerJoin('medications as m', 'm.id', 'o.medicationId')
        .select(['o.sku', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.turnaroundDays', 'o.shipStates', 'o.available', medicationDisplayName().as('medication')])
        .where('o.pharmacyId', '=', pharmacy.id)
        .execute();
      const warnings: string[] = [];
      let full = feed.full;
      if (full && feed.items.length === 0 && existing.some((o) => o.available)) {
        // A "full" feed with nothing usable in it is a broken file, not an empty catalog.
        full = false;
        warnings.push('The feed has no importable rows, so no offer was marked unavailable.');
      }
      const plan = planImport(
        existing.map((o) => ({ sku: o.sku, unitPriceCents: o.unitPriceCents, stock: o.stockOnHand, turnaroundDays: o.turnaroundDays, shipStates: o.shipStates, available: o.available })),
        { full, items: feed.items, rejected: feed.rejected },
        { priceMoveThreshold: threshold },
      );
      const stored = new Map(existing.map((o) => [o.sku, o]));

      const { ids: medicationIds, created } = await resolveMedications(tx, plan.insert);
      for (let i = 0; i < plan.insert.length; i += BATCH) {
        const batch = plan.insert.slice(i, i + BATCH);
        await insertOffers(tx, pharmacy.id, batch, medicationIds, at);
        await progress(batch.length);
      }
      for (let i = 0; i < plan.change.length; i += BATCH) {
        const batch = plan.change.slice(i, i + BATCH).map((c) => c.item);
        for (const item of batch) {
          const reserved = stored.get(item.sku)?.reserved ?? 0;
          if (item.stock < reserved) warnings.push(`${item.sku}: the feed's stock of ${item.stock} is below the ${reserved} vials reserved by checkouts; kept at ${reserved} (none available).`);
        }
        await updateOffers(tx, pharmacy.id, batch, at);
        await progress(batch.length);
      }
      if (plan.unchanged.length > 0) await progress(plan.unchanged.length);
      if (plan.markUnavailable.length > 0) {
        await tx
          .updateTable('offers')
          .set({ available: false, updatedAt: at })
          .where('pharmacyId', '=', pharmacy.id)
          .where('sku', 'in', plan.markUnavailable)
          .execute();
      }

      const report: ImportReport = {
        summary: plan.summary,
        full,
        priceMoveThreshold: threshold,
        rejected: plan.rejected,
        priceFlags: plan.priceFlags.map((f) => ({ ...f, medication: stored.get(f.sku)?.medication ?? '' })),
        createdMedications: created,
        missingColumns: feed.missingColumns,
        ignoredColumns: feed.ignoredColumns,
        warnings,
      };
      await tx
        .updateTable('catalogImports')
        .set({ status: 'succeeded', report: json(report), processedRows: processed, finishedAt: now() })
        .where('id', '=', importId)
        .execute();
      await audit(tx, { actorType: 'system', actorLabel: 'catalog import' }, { action: 'catalog_import.finished', subjectType: 'catalog_import', subjectId: importId, pharmacyId: pharmacy.id, detail: { ...plan.summary } });
    });
}

const medKey = (name: string, strength: string, form: string) => `${name.toLowerCase()}\u0000${strength.toLowerCase()}\u0000${form.toLowerCase()}`;

/**
 * The medication of each new offer, by name + strength + form (case ignored); medications the
 * catalog lacks are created, controlled per the DEA schedule reference (or the feed, when the
 * reference does not know the name).
 */
async function resolveMedications(tx: Kysely<Database>, items: readonly CatalogFeedItem[]) {
  const ids = new Map<string, string>();
  const created: ImportReport['createdMedications'] = [];
  if (items.length === 0) return { ids, created };
  const wanted = new Map<string, CatalogFeedItem>();
  for (const item of items) {
    const key = medKey(item.medicationName, item.strength, item.form);
    if (!wanted.has(key)) wanted.set(key, item);
  }
  const list = [...wanted.values()];
  const find = async () => {
    const rows = await sql<{ id: string; name: string; strength: string; form: string }>`
      select m.id, m.name, m.strength, m.form from medications m
      join unnest(${list.map((i) => i.medicationName.toLowerCase())}::text[], ${list.map((i) => i.strength.toLowerCase())}::text[], ${list.map((i) => i.form.toLowerCase())}::text[]) as w(name, strength, form)
        on lower(m.name) = w.name and lower(m.strength) = w.strength and lower(m.form) = w.form
      order by m.created_at, m.id`.execute(tx);
    for (const r of rows.rows) {
      const key = medKey(r.name, r.strength, r.form);
      if (!ids.has(key)) ids.set(key, r.id);
    }
  };
  await find();
  const missing = [...wanted.entries()].filter(([key]) => !ids.has(key)).map(([, item]) => item);
  if (missing.length > 0) {
    const rows = missing.map((item) => ({
      name: item.medicationName.trim(),
      strength: item.strength.trim(),
      form: item.form.trim(),
      controlledSchedule: scheduleForMedicationName(item.medicationName) ?? item.controlledSchedule,
      compounded: item.compounded,
      coldChain: item.coldChain,
      speciesUse: item.speciesUse,
    }));
    for (let i = 0; i < rows.length; i += BATCH) {
      await tx.insertInto('medications').values(rows.slice(i, i + BATCH)).onConflict((oc) => oc.columns(['name', 'strength', 'form']).doNothing()).execute();
    }
    created.push(...rows.map(({ name, strength, form, controlledSchedule }) => ({ name, strength, form, controlledSchedule })));
    await find();
  }
  return { ids, created };
}

/** A batch of feed items as one jsonb parameter, read back with jsonb_to_recordset. */
function rowsJson(items: readonly CatalogFeedItem[], medicationIds?: Map<string, string>): string {
  return json(
    items.map((i) => ({
      sku: i.sku,
      medication_id: medicationIds?.get(medKey(i.medicationName, i.strength, i.form)) ?? null,
      package_description: i.packageDescription,
      unit_price_cents: i.unitPriceCents,
      stock: i.stock,
      turnaround_days: i.turnaroundDays,
      ship_states: i.shipStates === null ? null : [...new Set(i.shipStates)].sort(),
      flavors: i.flavors,
    })),
  );
}

const RECORD = sql`(sku text, medication_id uuid, package_description text, unit_price_cents int, stock int, turnaround_days int, ship_states jsonb, flavors jsonb)`;
const SHIP_STATES = sql`case when jsonb_typeof(v.ship_states) = 'array' then array(select jsonb_array_elements_text(v.ship_states)) end`;
const FLAVORS = sql`array(select jsonb_array_elements_text(v.flavors))`;

async function insertOffers(tx: Kysely<Database>, pharmacyId: string, items: readonly CatalogFeedItem[], medicationIds: Map<string, string>, at: Date) {
  await sql`
    insert into offers (pharmacy_id, medication_id, sku, package_description, unit_price_cents, stock_on_hand, turnaround_days, ship_states, flavors, available, price_updated_at, updated_at)
    select ${pharmacyId}::uuid, v.medication_id, v.sku, v.package_description, v.unit_price_cents, v.stock, v.turnaround_days, ${SHIP_STATES}, ${FLAVORS}, true, ${at}, ${at}
    from jsonb_to_recordset(${rowsJson(items, medicationIds)}::jsonb) as v${RECORD}
    on conflict (pharmacy_id, sku) do nothing`.execute(tx);
}

async function updateOffers(tx: Kysely<Database>, pharmacyId: string, items: readonly CatalogFeedItem[], at: Date) {
  // Stock never drops below what checkouts hold (the table's check); the report says so.
  await sql`
    update offers o set
      unit_price_cents = v.unit_price_cents,
      price_updated_at = case when o.unit_price_cents <> v.unit_price_cents then ${at} else o.price_updated_at end,
      stock_on_hand = greatest(v.stock, o.reserved),
      turnaround_days = v.turnaround_days,
      ship_states = ${SHIP_STATES},
      package_description = v.package_description,
      flavors = ${FLAVORS},
      available = true,
      updated_at = ${at}
    from jsonb_to_recordset(${rowsJson(items)}::jsonb) as v${RECORD}
    where o.pharmacy_id = ${pharmacyId}::uuid and o.sku = v.sku`.execute(tx);
}

// ---------------------------------------------------------------------------------------------
// Jobs

/** Registers the import job, the folder sweep (every 5 minutes) and the nightly feed refresh. */
export function registerCatalogImportTasks(): void {
  registerTasks({
    [TASK]: async (payload: { importId: string }) => runCatalogImport(payload.importId),
    'catalog.sweep-feeds': async () => {
      await sweepFeedFolder();
    },
    'catalog.fetch-feeds': async () => {
      await fetchAllFeeds();
    },
  });
  registerCron('catalog-sweep-feeds', '*/5 * * * *', 'catalog.sweep-feeds');
  registerCron('catalog-fetch-feeds', '0 5 * * *', 'catalog.fetch-feeds');
}
