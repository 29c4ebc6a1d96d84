import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseCsvFeed, parseCsvFeedStream, readCsv } from './parse';

describe('readCsv', () => {
  it('reads quoted fields holding commas, quotes and newlines, with CRLF records and a BOM', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\nlast,,\r\n';
    expect(readCsv(text)).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', 'two\r\nlines'], line: 2 },
      { fields: ['last', '', ''], line: 4 },
    ]);
  });

  it('accepts LF and lone CR line ends and a last record without a line end', () => {
    expect(readCsv('a,b\nc,d\re,f').map((r) => r.fields)).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f']]);
  });

  it('keeps blank lines as blank records so row numbers match a spreadsheet', () => {
    expect(readCsv('a\n\nb\n').map((r) => r.fields)).toEqual([['a'], [''], ['b']]);
  });

  it('flags a quote that never closes', () => {
    expect(readCsv('a,"open\nmore')[0]).toMatchObject({ problem: 'a quoted field opened on line 1 is never closed' });
  });

  it('keeps text after a closing quote as written (csv-parse relax_quotes), with the rows after it', () => {
    // The hand-written reader kept `12 tube"` and flagged the record; csv-parse keeps the field verbatim.
    expect(readCsv('"12" tube",b\nc,d')).toEqual([
      { fields: ['"12" tube"', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
    ]);
  });

  it('keeps a quote inside an unquoted field as it is', () => {
    expect(readCsv('12" tube,b')[0]).toEqual({ fields: ['12" tube', 'b'], line: 1 });
  });
});

const HEADER = 'SKU,Medication,Strength,Form,Package,Unit Price,Stock,Turnaround Days,Ship States,DEA Schedule,Compounded,Cold Chain,Flavors,Species';

describe('parseCsvFeed', () => {
  it('turns each good row into a feed item, converting dollars, lists, schedules and yes/no', () => {
    const csv = [
      HEADER,
      'MET-5-30,Methimazole,5 mg/ml,transdermal gel,30 ml pen,"$1,204.5",12,3,CA; NV;or,,yes,no,,cat',
      'BUP-03,Buprenorphine,0.3 mg/ml,oral suspension,10 ml bottle,45,0,5,CA,C-III,Y,Y,"chicken|tuna",cat/dog',
    ].join('\r\n');
    const result = parseCsvFeed(csv);
    expect(result.rejected).toEqual([]);
    expect(result.missingColumns).toEqual([]);
    expect(result.items).toEqual([
      {
        sku: 'MET-5-30', medicationName: 'Methimazole', strength: '5 mg/ml', form: 'transdermal gel',
        packageDescription: '30 ml pen', vialsPerPackage: 1, unitPriceCents: 120_450, stock: 12, turnaroundDays: 3,
        shipStates: ['CA', 'NV', 'OR'], controlledSchedule: null, compounded: true, coldChain: false,
        flavors: [], speciesUse: ['cat'],
      },
      {
        sku: 'BUP-03', medicationName: 'Buprenorphine', strength: '0.3 mg/ml', form: 'oral suspension',
        packageDescription: '10 ml bottle', vialsPerPackage: 1, unitPriceCents: 4500, stock: 0, turnaroundDays: 5,
        shipStates: ['CA'], controlledSchedule: 'III', compounded: true, coldChain: true,
        flavors: ['chicken', 'tuna'], speciesUse: ['cat', 'dog'],
      },
    ]);
  });

  it('imports the good rows and reports each bad one by spreadsheet row and column', () => {
    const good = (sku: string) => `${sku},Gabapentin,100 mg/ml,oral suspension,30 ml,12.00,5,2,CA,,yes,no,,dog`;
    const csv = [
      HEADER, // row 1
      good('G-1'), // row 2
      'G-2,Gabapentin,100 mg/ml,oral suspension,30 ml,twelve,5,2,CA,,yes,no,,dog', // row 3
      '', // row 4: blank, skipped
      'G-3,Gabapentin,100 mg/ml,oral suspension,30 ml,12.00,-4,2,CA,,yes,no,,dog', // row 5
      'G-4,Gabapentin,100 mg/ml,oral suspension,30 ml,12.00,5,2,ZZ,,yes,no,,dog', // row 6
      good('G-1'), // row 7: repeats row 2
      'G-5,Gabapentin,100 mg/ml,oral suspension,30 ml,12.00,5,2,CA,C-IX,yes,no,,dog', // row 8
      ',Gabapentin,100 mg/ml,oral suspension,30 ml,12.00,5,2,CA,,yes,no,,dog', // row 9
      'G-6,Gabapentin,100 mg/ml,oral suspension,30 ml,12.00,5,2,CA,,yes,no,,dog,extra', // row 10
      'G-7,"Gabapentin\n\nmultiline",100 mg/ml,oral suspension,30 ml,12.00,5,2,CA,,yes,no,,dog', // row 11 (lines 13–15)
      good('G-8'), // row 12
      good('G-9').replace('12.00', '1.999'), // row 13: counted past the record spanning three lines
    ].join('\n');
    const result = parseCsvFeed(csv);
    expect(result.items.map((i) => i.sku)).toEqual(['G-1', 'G-7', 'G-8']);
    expect(result.rejected).toEqual([
      { row: 3, field: 'Unit Price', reason: 'Unit Price: must be a price in dollars like 12.50, got "twelve"' },
      { row: 5, field: 'Stock', reason: 'Stock: must not be negative' },
      { row: 6, field: 'Ship States (item 1)', reason: 'Ship States (item 1): not a US state or territory code: "ZZ"' },
      { row: 7, field: 'SKU', reason: 'SKU: G-1 already appears in row 2' },
      { row: 8, field: 'DEA Schedule', reason: 'DEA Schedule: must be a DEA schedule II–V or empty, got "C-IX"' },
      { row: 9, field: 'SKU', reason: 'SKU: is missing' },
      { row: 10, reason: 'has 15 fields where the header has 14 (an unquoted comma?)' },
      { row: 13, field: 'Unit Price', reason: 'Unit Price: must be a price in dollars like 12.50, got "1.999"' },
    ]);
  });

  it('names every problem of a row at once', () => {
    const csv = `${HEADER}\nX-1,Name,1 mg,capsule,30 caps,1.0.0,5,99,CA,,maybe,no,,dog`;
    expect(parseCsvFeed(csv).rejected).toEqual([
      {
        row: 2,
        field: 'Unit Price',
        reason: 'Unit Price: must be a price in dollars like 12.50, got "1.0.0"; Compounded: must be yes or no, got "maybe"',
      },
    ]);
    const csv2 = `${HEADER}\nX-1,Name,,capsule,30 caps,1.00,5,99,CA,,yes,no,,dog`;
    expect(parseCsvFeed(csv2).rejected).toEqual([
      { row: 2, field: 'Strength', reason: 'Strength: is missing; Turnaround Days: must be at most 60 days' },
    ]);
  });

  it('reports a missing required column once and rejects each row naming it', () => {
    const csv = 'sku,name,strength,form,package,stock,turnaround,colour\nA,Name,1 mg,capsule,30 caps,5,2,red\n';
    const result = parseCsvFeed(csv);
    expect(result.missingColumns).toEqual(['unit_price']);
    expect(result.ignoredColumns).toEqual(['colour']);
    expect(result.rejected).toEqual([{ row: 2, field: 'unit_price', reason: 'unit_price: is missing' }]);
  });

  it('accepts prices in whole cents and leaves unrestricted ship states as null', () => {
    const csv = 'sku,product,strength,form,package,unit_price_cents,stock,turnaround_days\nA,Name,1 mg,capsule,30 caps,"1,250",5,2\n';
    expect(parseCsvFeed(csv).items).toMatchObject([{ unitPriceCents: 1250, shipStates: null, compounded: true, coldChain: false }]);
  });

  it('reports a quote left open as a rejected row rather than failing the file', () => {
    const csv = `${HEADER}\nA,"Name,1 mg,capsule,30 caps,1.00,5,2,CA,,yes,no,,dog\n`;
    expect(parseCsvFeed(csv)).toMatchObject({ items: [], rejected: [{ row: 2, reason: 'a quoted field opened on line 2 is never closed' }] });
  });

  it('reads a stream to the same items and rejected rows as the whole text', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) =>
      i % 97 === 5 ? `S-${i},"Name\nspanning",1 mg,capsule,30 caps,1.00,-1,2,CA,,yes,no,,dog` : `S-${i},Name,1 mg,capsule,30 caps,"$1,00${i % 10}.25",${i},2,CA;NV,,yes,no,,dog`,
    );
    const csv = [HEADER, ...rows].join('\r\n');
    const whole = parseCsvFeed(csv);
    expect(whole.rejected.length).toBeGreaterThan(10);
    expect(whole.rejected[0]).toEqual({ row: 7, field: 'Stock', reason: 'Stock: must not be negative' });
    const bytes = Buffer.from(csv);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, (i + 1) * 1000));
    expect(await parseCsvFeedStream(Readable.from(chunks))).toEqual(whole);
  });

  it('returns nothing for an empty file', () => {
    expect(parseCsvFeed('')).toMatchObject({ items: [], rejected: [] });
    expect(parseCsvFeed('\uFEFF').missingColumns).toContain('sku');
  });
});
