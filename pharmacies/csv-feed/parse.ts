/**
 * A pharmacy's price/stock list as CSV (uploaded by an admin or dropped in a folder) → catalog
 * feed items. The records come from `read.ts` (csv-parse); this file knows the columns.
 */
import { feedItemAcceptor } from '../feed-items';
import type { CatalogFeedItem, RejectedRow } from '../types';
import { readCsv, readCsvStream, type CsvRecord } from './read';

export { readCsv, readCsvStream, type CsvRecord } from './read';

// ---------------------------------------------------------------------------------------------
// Columns

type Field = keyof CatalogFeedItem;
type Converted = { value: unknown } | { error: string };
type Column = { field: Field; convert: (raw: string) => Converted };

const asText = (raw: string): Converted => ({ value: raw.trim() === '' ? undefined : raw });

function asWhole(raw: string): Converted {
  const s = raw.trim();
  if (s === '') return { value: undefined };
  if (/^\d+$/.test(s) || /^\d{1,3}(,\d{3})+$/.test(s)) return { value: Number(s.replaceAll(',', '')) };
  if (/^-\d/.test(s)) return { error: 'must not be negative' };
  return { error: `must be a whole number, got ${JSON.stringify(s)}` };
}

/** Dollars as people type them ("12.5", "$1,204.00") → cents, by string arithmetic so no float rounds. */
function asDollars(raw: string): Converted {
  const s = raw.trim();
  if (s === '') return { value: undefined };
  const match = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!match) {
    return { error: /^-|^\$\s*-/.test(s) ? 'must not be negative' : `must be a price in dollars like 12.50, got ${JSON.stringify(s)}` };
  }
  const dollars = Number(match[1]!.replaceAll(',', ''));
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return { value: dollars * 100 + Number(fraction) };
}

function asBoolean(raw: string): Converted {
  const s = raw.trim().toLowerCase();
  if (s === '') return { value: undefined };
  if (['yes', 'y', 'true', '1', 'x'].includes(s)) return { value: true };
  if (['no', 'n', 'false', '0'].includes(s)) return { value: false };
  return { error: `must be yes or no, got ${JSON.stringify(raw.trim())}` };
}

const listOf =
  (separators: RegExp, normalise: (s: string) => string = (s) => s) =>
  (raw: string): Converted => {
    const parts = raw.split(separators).map((s) => normalise(s.trim())).filter((s) => s !== '');
    return { value: parts.length === 0 ? undefined : parts };
  };

const ROMAN: Record<string, string> = { '2': 'II', '3': 'III', '4': 'IV', '5': 'V', II: 'II', III: 'III', IV: 'IV', V: 'V' };

/** "C-II", "CII", "2", "schedule iv", "none", "" → the roman numeral or null. */
function asSchedule(raw: string): Converted {
  const s = raw.trim().toUpperCase();
  if (['', 'NONE', 'N/A', 'NA', '-', 'NO', 'NON-CONTROLLED'].includes(s)) return { value: null };
  const bare = s.replace(/^(SCHEDULE|CS|C)[\s-]*/, '');
  const roman = ROMAN[bare];
  return roman ? { value: roman } : { error: `must be a DEA schedule II–V or empty, got ${JSON.stringify(raw.trim())}` };
}

/** Header names (lower case, non-alphanumerics as `_`) each column is recognised by. */
const COLUMNS: Record<string, Column> = {};
/** The name a rejected row uses for a field whose column the header lacks: the first one listed. */
const CANONICAL = new Map<string, string>();
function column(names: string[], field: Field, convert: Column['convert']): void {
  for (const name of names) COLUMNS[name] = { field, convert };
  if (!CANONICAL.has(field)) CANONICAL.set(field, names[0]!);
}
column(['sku', 'item_code', 'product_code'], 'sku', asText);
column(['medication', 'medication_name', 'product', 'product_name', 'name', 'drug'], 'medicationName', asText);
column(['strength'], 'strength', asText);
column(['form', 'dosage_form'], 'form', asText);
column(['package', 'package_description', 'package_size', 'size'], 'packageDescription', asText);
column(['vials_per_package', 'pack_size', 'package_quantity'], 'vialsPerPackage', asWhole);
column(['unit_price', 'price', 'price_per_vial'], 'unitPriceCents', asDollars);
column(['unit_price_cents', 'price_cents'], 'unitPriceCents', asWhole);
column(['stock', 'on_hand', 'qty_on_hand', 'quantity_on_hand', 'stock_qty'], 'stock', asWhole);
column(['turnaround_days', 'turnaround', 'lead_time_days'], 'turnaroundDays', asWhole);
column(['ship_states', 'ships_to', 'ship_to_states', 'states'], 'shipStates', listOf(/[\s,;|/]+/, (s) => s.toUpperCase()));
column(['controlled_schedule', 'dea_schedule', 'schedule'], 'controlledSchedule', asSchedule);
column(['compounded'], 'compounded', asBoolean);
column(['cold_chain', 'refrigerated'], 'coldChain', asBoolean);
column(['flavors', 'flavours', 'flavor', 'flavour'], 'flavors', listOf(/[;|,]/));
column(['species', 'species_use'], 'speciesUse', listOf(/[;|,/]/));

const REQUIRED: readonly Field[] = ['sku', 'medicationName', 'strength', 'form', 'packageDescription', 'unitPriceCents', 'stock', 'turnaroundDays'];

const normaliseHeader = (name: string) => name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** What `parseCsvFeed` found. */
export type CsvFeedParse = {
  items: CatalogFeedItem[];
  /** Rows not imported; `row` is the spreadsheet row number (header = row 1, first data row = 2). */
  rejected: RejectedRow[];
  /** Required columns the header lacks (each row is also rejected for it). */
  missingColumns: string[];
  /** Header cells that are not a known column, or repeat one already seen; their values are not read. */
  ignoredColumns: string[];
};

/**
 * Parses a CSV price/stock list into feed items. The first row is the header; columns are
 * matched by name (case, spaces and punctuation ignored; see `COLUMNS` for the accepted names).
 * Prices come either as `unit_price` in dollars or `unit_price_cents`. Every data row ends up as
 * an item or a rejected row naming the column at fault; a bad row never stops the others.
 */
export function parseCsvFeed(text: string): CsvFeedParse {
  const feed = feedReader();
  for (const record of readCsv(text)) feed.add(record);
  return feed.result();
}

/** `parseCsvFeed` reading a stream (a large file) record by record instead of the whole text. */
export async function parseCsvFeedStream(input: AsyncIterable<string | Uint8Array>): Promise<CsvFeedParse> {
  const feed = feedReader();
  for await (const record of readCsvStream(input)) feed.add(record);
  return feed.result();
}

/** Takes the records in file order: the first is the header, the n-th is spreadsheet row n. */
function feedReader() {
  let row = 0;
  let header: CsvRecord | undefined;
  const columns: Array<{ index: number; name: string; column: Column }> = [];
  const labels = new Map<string, string>();
  const ignoredColumns: string[] = [];
  const label = (path: string) => {
    const [root, ...rest] = path.split('.');
    const name = labels.get(root!) ?? CANONICAL.get(root!) ?? root!;
    return rest.length === 0 ? name : `${name} (item ${Number(rest[0]) + 1})`;
  };
  const acceptor = feedItemAcceptor(label);

  function readHeader(record: CsvRecord): void {
    header = record;
    record.fields.forEach((name, index) => {
      const column = COLUMNS[normaliseHeader(name)];
      if (!column || labels.has(column.field)) {
        if (name.trim() !== '') ignoredColumns.push(name.trim());
        return;
      }
      labels.set(column.field, name.trim());
      columns.push({ index, name: name.trim(), column });
    });
  }

  function readRow(record: CsvRecord, width: number): void {
    if (isBlank(record)) return;
    if (record.problem) {
      acceptor.accept({ row, problem: { reason: record.problem } });
      return;
    }
    const extra = record.fields.slice(width);
    if (record.fields.length < width || extra.some((f) => f.trim() !== '')) {
      acceptor.accept({ row, problem: { reason: `has ${record.fields.length} fields where the header has ${width} (an unquoted comma?)` } });
      return;
    }
    const value: Record<string, unknown> = {};
    const problems: Array<{ field: string; reason: string }> = [];
    for (const { index, name, column } of columns) {
      const converted = column.convert(record.fields[index] ?? '');
      if ('error' in converted) problems.push({ field: name, reason: `${name}: ${converted.error}` });
      else value[column.field] = converted.value;
    }
    // Every unreadable cell of the row at once, so the sender fixes the row in one pass.
    acceptor.accept(
      problems.length === 0 ? { row, value } : { row, problem: { field: problems[0]!.field, reason: problems.map((p) => p.reason).join('; ') } },
    );
  }

  return {
    add(record: CsvRecord): void {
      row++;
      if (row === 1) {
        // A blank first row means no header: the whole file is then unusable (see `result`).
        if (!isBlank(record)) readHeader(record);
        return;
      }
      if (header) readRow(record, header.fields.length);
    },
    result(): CsvFeedParse {
      if (!header) return { items: [], rejected: [], missingColumns: REQUIRED.map((f) => CANONICAL.get(f)!), ignoredColumns: [] };
      const missingColumns = REQUIRED.filter((f) => !labels.has(f)).map((f) => CANONICAL.get(f)!);
      return { ...acceptor.result(), missingColumns, ignoredColumns };
    },
  };
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0]!.trim() === '' && !record.problem;
}
