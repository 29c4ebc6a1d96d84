/**
 * CSV text → records, on `csv-parse` (docs/decisions/007-csv-with-csv-parse.md): the whole text at
 * once (`readCsv`) or a stream read piece by piece (`readCsvStream`, for files too large to hold
 * twice in memory). Both read the same way: RFC 4180 plus what spreadsheets export (a BOM, CRLF,
 * LF or lone CR line ends, blank lines, a quote inside an unquoted field), and both say where each
 * record starts so a bad row can be named.
 */
import { pipeline, Readable } from 'node:stream';
import { parse as parseStream, type CsvError, type Options } from 'csv-parse';
import { parse as parseText } from 'csv-parse/sync';

/** One record of a CSV text. */
export type CsvRecord = {
  fields: string[];
  /** Line of the file (from 1) the record starts on; differs from the row when a quoted field spans lines. */
  line: number;
  /** Set when the record could not be read as written (e.g. a quote never closed). */
  problem?: string;
};

/**
 * The reading rules and the bookkeeping of one read. Records come back in file order, one per
 * spreadsheet row: blank lines are kept as a record with one empty field, so the n-th record is
 * row n of the sheet. csv-parse counts a CRLF inside a quoted field as two lines, so the starting
 * line is counted here from the line breaks the fields hold.
 *
 * With quotes and column counts relaxed, the only record csv-parse cannot return is a quoted field
 * still open at the end of the text; it is skipped there and handed back as a record with a
 * `problem`, after the others.
 */
function reading() {
  let nextLine = 1;
  const errors: (CsvError | undefined)[] = [];
  const options: Options = {
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // A quote inside an unquoted field (`12" tube`) is kept as written, as spreadsheets do.
    relax_quotes: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    on_skip(error) {
      errors.push(error);
      return undefined;
    },
  };
  return {
    options,
    record(fields: string[]): CsvRecord {
      const record: CsvRecord = { fields, line: nextLine };
      nextLine += 1 + fields.reduce((breaks, field) => breaks + countLineBreaks(field), 0);
      return record;
    },
    skipped(): CsvRecord[] {
      return errors.map((error) => ({
        fields: [],
        line: nextLine,
        problem: error?.code === 'CSV_QUOTE_NOT_CLOSED' ? `a quoted field opened on line ${nextLine} is never closed` : (error?.message ?? 'could not be read'),
      }));
    },
  };
}

/** Splits CSV text into records (see `reading` for the rules). */
export function readCsv(text: string): CsvRecord[] {
  const read = reading();
  const records = parseText(text, read.options).map((fields) => read.record(fields));
  return [...records, ...read.skipped()];
}

/**
 * The same records as `readCsv`, read from a stream (a file's `createReadStream`, an HTTP body)
 * without holding the whole text: chunks may split a record, a quoted field or a CRLF anywhere.
 */
export async function* readCsvStream(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<CsvRecord> {
  const read = reading();
  const parser = parseStream(read.options);
  // pipeline keeps the source paced to the reader and destroys both if either fails or the
  // caller stops early; a failure surfaces from the loop below.
  pipeline(Readable.from(input), parser, () => {});
  for await (const fields of parser) yield read.record(fields as string[]);
  yield* read.skipped();
}

function countLineBreaks(field: string): number {
  // CRLF counts once; a lone CR (old Mac exports) counts as a break too.
  let breaks = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 10 || (c === 13 && field.charCodeAt(i + 1) !== 10)) breaks++;
  }
  return breaks;
}
