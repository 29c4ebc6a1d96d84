import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvStream } from './read';

async function collect(chunks: Array<string | Uint8Array>) {
  const records = [];
  for await (const record of readCsvStream(Readable.from(chunks))) records.push(record);
  return records;
}

describe('readCsvStream', () => {
  const text = '\uFEFFsku,name\r\n"A-1","two\r\nlines"\r\n\r\nB-2,12" tube\rC-3,"say ""hi"""\nD-4,"open\nstill open';

  it('reads the same records as readCsv, wherever the chunks split the text', async () => {
    const whole = readCsv(text);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(whole.at(-1)).toEqual({ fields: [], line: 7, problem: 'a quoted field opened on line 7 is never closed' });
    expect(await collect([text])).toEqual(whole);
    // Every split point: inside the BOM's bytes, a CRLF, a quoted field, an escaped quote.
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 1; at < bytes.length; at++) {
      expect(await collect([bytes.subarray(0, at), bytes.subarray(at)]), `split at byte ${at}`).toEqual(whole);
    }
  });

  it('agrees with readCsv on generated files split into random chunks', async () => {
    const cell = fc.oneof(fc.constantFrom('', 'x', '12" tube', 'a,b', 'say "hi"', 'two\r\nlines', 'three\nline\nfield', 'é'), fc.string({ maxLength: 6 }));
    const quote = (v: string) => (/[",\r\n]/.test(v) && !/^[^",\r\n]*"[^",\r\n]*$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, eol, cuts) => {
          const csv = rows.map((r) => r.map(quote).join(',')).join(eol);
          const bytes = Buffer.from(csv, 'utf8');
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points].map((from, i) => bytes.subarray(from, [...points, bytes.length][i]));
          expect(await collect(chunks)).toEqual(readCsv(csv));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('stops reading when the caller stops early', async () => {
    let pulled = 0;
    async function* lines() {
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield `row-${i},x\n`;
      }
    }
    const first = [];
    for await (const record of readCsvStream(lines())) {
      first.push(record.fields[0]);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['row-0', 'row-1', 'row-2']);
    expect(pulled).toBeLessThan(100_000);
  });

  it('passes a failing source on to the reader', async () => {
    async function* broken() {
      yield 'a,b\n';
      throw new Error('disk went away');
    }
    const read = async () => {
      for await (const _ of readCsvStream(broken())) void _;
    };
    await expect(read()).rejects.toThrow('disk went away');
  });
});
