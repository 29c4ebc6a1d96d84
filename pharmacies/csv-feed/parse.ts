/**
 * A pharmacy's price/stock list as CSV (uploaded by an admin or dropped in a folder) → catalog
 * feed items. The reader is written here rather than taken from a library because it is small,
 * the rules it needs are exactly RFC 4180 plus what spreadsheets export (BOM, CRLF or LF, blank
 * lines), and it must report where each record starts so a bad row can be named.
 */
import { acceptFeedItems, type FeedCandidate } from '../feed-items';
import type { CatalogFeedItem, RejectedRow } from '../types';

/** One record of a CSV text. */
export type CsvRecord = {
  fields: string[];
  /** Line of the file (from 1) the record starts on; differs from the row when a quoted field spans lines. */
  line: number;
  /** Set when the record could not be read as written (e.g. a quote never closed). */
  problem?: string;
};

/**
 * Splits CSV text into records: comma-separated, fields optionally in double quotes (which may
 * hold commas, newlines and `""` for a quote), records ended by LF, CRLF or CR, a leading BOM
 * ignored. Blank lines come back as records with one empty field so row numbers stay those a
 * spreadsheet shows. Lenient where a spreadsheet is: a quote inside an unquoted field is kept.
 */
export function readCsv(text: string): CsvRecord[] {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const n = input.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const record: CsvRecord = { fields: [], line };
    for (;;) {
      let field = '';
      if (input[i] === '"') {
        const startLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const next = input.indexOf('"', i);
          const end = next === -1 ? n : next;
          const chunk = input.slice(i, end);
          line += countLineBreaks(chunk);
          field += chunk;
          i = end;
          if (next === -1) break;
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            closed = true;
            break;
          }
        }
        if (!closed) record.problem ??= `a quoted field opened on line ${startLine} is never closed`;
        // Text between a closing quote and the next separator is kept, as spreadsheets do, but flagged.
        const stop = findFieldEnd(input, i);
        if (stop > i) {
          record.problem ??= `text after a closing quote on line ${line}`;
          field += input.slice(i, stop);
          i = stop;
        }
      } else {
        const stop = findFieldEnd(input, i);
        field = input.slice(i, stop);
        i = stop;
      }
      record.fields.push(field);
      if (input[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // At a record end: CRLF, LF, CR or the end of the text.
    if (input[i] === '\r') i++;
    if (input[i] === '\n') i++;
    line++;
    records.push(record);
  }
  return records;
}

function findFieldEnd(input: string, from: number): number {
  let i = from;
  for (; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 44 /* , */ || c === 10 /* \n */ || c === 13 /* \r */) break;
  }
  return i;
}

function countLineBreaks(chunk: string): number {
  // CRLF counts once; a lone CR (old Mac exports) counts as a break too.
  let breaks = 0;
  for (let i = 0; i < chunk.length; i++) {
    const c = chunk.charCodeAt(i);
    if (c === 10 || (c === 13 && chunk.charCodeAt(i + 1) !== 10)) breaks++;
  }
  return breaks;
}

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
  const records = readCsv(text);
  const header = records[0];
  if (!header || isBlank(header)) {
    return { items: [], rejected: [], missingColumns: REQUIRED.map((f) => CANONICAL.get(f)!), ignoredColumns: [] };
  }

  const columns: Array<{ index: number; name: string; column: Column }> = [];
  const labels = new Map<string, string>();
  const ignoredColumns: string[] = [];
  header.fields.forEach((name, index) => {
    const column = COLUMNS[normaliseHeader(name)];
    if (!column || labels.has(column.field)) {
      if (name.trim() !== '') ignoredColumns.push(name.trim());
      return;
    }
    labels.set(column.field, name.trim());
    columns.push({ index, name: name.trim(), column });
  });
  const missingColumns = REQUIRED.filter((f) => !labels.has(f)).map((f) => CANONICAL.get(f)!);
  const label = (path: string) => {
    const [root, ...rest] = path.split('.');
    const name = labels.get(root!) ?? CANONICAL.get(root!) ?? root!;
    return rest.length === 0 ? name : `${name} (item ${Number(rest[0]) + 1})`;
  };

  function* candidates(): Generator<FeedCandidate> {
    for (let r = 1; r < records.length; r++) {
      const record = records[r]!;
      const row = r + 1;
      if (isBlank(record)) continue;
      if (record.problem) {
        yield { row, problem: { reason: record.problem } };
        continue;
      }
      const extra = record.fields.slice(header!.fields.length);
      if (record.fields.length < header!.fields.length || extra.some((f) => f.trim() !== '')) {
        yield {
          row,
          problem: { reason: `has ${record.fields.length} fields where the header has ${header!.fields.length} (an unquoted comma?)` },
        };
        continue;
      }
      const value: Record<string, unknown> = {};
      const problems: Array<{ field: string; reason: string }> = [];
      for (const { index, name, column } of columns) {
        const converted = column.convert(record.fields[index] ?? '');
        if ('error' in converted) problems.push({ field: name, reason: `${name}: ${converted.error}` });
        else value[column.field] = converted.value;
      }
      // Every unreadable cell of the row at once, so the sender fixes the row in one pass.
      yield problems.length === 0
        ? { row, value }
        : { row, problem: { field: problems[0]!.field, reason: problems.map((p) => p.reason).join('; ') } };
    }
  }

  return { ...acceptFeedItems(candidates(), label), missingColumns, ignoredColumns };
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0]!.trim() === '' && !record.problem;
}
