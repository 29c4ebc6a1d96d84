/**
 * Architecture rules that a type checker cannot see, checked by reading the source.
 *
 * One owner per aggregate: `carts.version` names the exact cart a checkout pays for, so only the
 * cart store (app/services/cart/store.server.ts) may write it. The scan below finds writes in
 * Kysely chains (`updateTable('carts').set(…version…)`, `insertInto('carts').values(…version…)`,
 * `doUpdateSet`) and in raw SQL (`update carts set … version`, `insert into carts (… version …)`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORE = 'app/services/cart/store.server.ts';

/**
 * Where a source may write `carts.version` besides the store, and why. Migrations are frozen
 * history (they create the column); the demo seed writes past, already paid carts as data.
 */
const EXCLUDED = [/^db\/migrations\//, /^db\/seed(-data)?\.ts$/];

const SCANNED_ROOTS = ['app', 'db', 'validators', 'pharmacies'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The text inside the parentheses that open at `open` (which must be a `(`), balanced. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

/** The arguments of every `.name(` call in a chain. */
function callArguments(chain: string, names: string[]): string[] {
  const out: string[] = [];
  const call = new RegExp(`\\.(?:${names.join('|')})\\s*\\(`, 'g');
  for (const m of chain.matchAll(call)) out.push(argumentsAt(chain, m.index + m[0].length - 1));
  return out;
}

const VERSION = /\bversion\b/;

/** Each write of `carts.version` in a source text, as the line number it starts on. */
function cartVersionWrites(text: string): number[] {
  const lines: number[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;

  // Kysely: the chain from `updateTable('carts')` / `insertInto('carts')` to its execution.
  const kysely = /\.(updateTable|insertInto)\(\s*(['"`])carts(?:\s+as\s+\w+)?\2\s*\)/g;
  for (const m of text.matchAll(kysely)) {
    const rest = text.slice(m.index + m[0].length);
    const end = rest.search(/\.execute\w*\s*\(|\.compile\s*\(|;/);
    const chain = rest.slice(0, end === -1 ? undefined : end);
    const written = m[1] === 'updateTable' ? callArguments(chain, ['set']) : callArguments(chain, ['values', 'columns', 'doUpdateSet', 'expression']);
    if (written.some((args) => VERSION.test(args))) lines.push(lineOf(m.index));
  }

  // Raw SQL: the statement from `update carts` / `insert into carts` to the end of the template.
  const raw = /\b(update\s+carts(?:\s+(?:as\s+)?\w+)?\s+set\b|insert\s+into\s+carts\b)/gi;
  for (const m of text.matchAll(raw)) {
    const rest = text.slice(m.index + m[0].length);
    const end = rest.indexOf('`');
    const statement = rest.slice(0, end === -1 ? undefined : end);
    const written = /^update/i.test(m[1]!)
      ? statement.split(/\b(?:where|returning|from)\b/i)[0]!
      : [statement.split(/\bvalues\b|\bselect\b/i)[0]!, ...(statement.match(/do\s+update\s+set\b[\s\S]*/i) ?? [])].join(' ');
    if (VERSION.test(written)) lines.push(lineOf(m.index));
  }
  return lines.sort((a, b) => a - b);
}

describe('carts.version has one writer, the cart store', () => {
  const files = SCANNED_ROOTS.flatMap(sourceFiles)
    .map((path) => path.split(sep).join('/'))
    .filter((path) => !EXCLUDED.some((re) => re.test(path)));
  const writes = files.flatMap((path) => cartVersionWrites(readFileSync(join(ROOT, path), 'utf8')).map((line) => `${path}:${line}`));

  it('scans the source (a scan that finds nothing proves nothing)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(STORE);
    // The store itself writes the version (it bumps it, and reopens a cart after a failed checkout).
    expect(writes.filter((w) => w.startsWith(`${STORE}:`)).length).toBeGreaterThanOrEqual(2);
  });

  it('finds no write outside the store', () => {
    const elsewhere = writes.filter((w) => !w.startsWith(`${STORE}:`));
    expect(elsewhere, 'write carts.version through app/services/cart/store.server.ts (bumpCartVersion, appendCartLines, reopenCart)').toEqual([]);
  });
});

describe('the carts.version scan', () => {
  it('finds writes in Kysely chains', () => {
    expect(cartVersionWrites(`await tx.updateTable('carts').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', id).execute();`)).toEqual([1]);
    expect(cartVersionWrites(`db\n  .updateTable("carts as c")\n  .set({ status: 'open', version: 3 })\n  .execute()`)).toEqual([2]);
    expect(cartVersionWrites(`tx.updateTable('carts').set('version', 4).executeTakeFirst()`)).toEqual([1]);
    expect(cartVersionWrites(`tx.insertInto('carts').values({ clinicId, version: 2 }).execute()`)).toEqual([1]);
    expect(cartVersionWrites(`tx.insertInto('carts').values(row).onConflict((oc) => oc.column('id').doUpdateSet({ version: 9 })).execute()`)).toEqual([1]);
  });

  it('finds writes in raw SQL', () => {
    expect(cartVersionWrites('await sql`update carts set version = version + 1 where id = ${id}`.execute(tx);')).toEqual([1]);
    expect(cartVersionWrites('sql`UPDATE carts AS c SET updated_at = now(), version = c.version + 1 WHERE c.id = ${id}`')).toEqual([1]);
    expect(cartVersionWrites('sql`insert into carts (clinic_id, version) values (${a}, 5)`')).toEqual([1]);
    expect(cartVersionWrites('sql`insert into carts (clinic_id) values (${a}) on conflict (id) do update set version = carts.version + 1`')).toEqual([1]);
  });

  it('leaves reads, other tables and other columns alone', () => {
    expect(cartVersionWrites(`tx.updateTable('carts').set({ status: 'checked_out' }).where('version', '=', v).returning('version').execute()`)).toEqual([]);
    expect(cartVersionWrites(`tx.updateTable('cartLines').set({ version: line.version + 1 }).execute()`)).toEqual([]);
    expect(cartVersionWrites(`tx.insertInto('carts').values({ clinicId }).returning(['id', 'version', 'status']).executeTakeFirstOrThrow()`)).toEqual([]);
    expect(cartVersionWrites(`tx.selectFrom('carts').select(['id', 'version']).forUpdate().execute()`)).toEqual([]);
    expect(cartVersionWrites('sql`update cart_lines set version = version + 1`; sql`update carts set status = ${s} where version = ${v} returning version`')).toEqual([]);
    expect(cartVersionWrites('sql`insert into carts (clinic_id, created_by) values (${a}, ${b}) on conflict (clinic_id) where status in (\'open\') do nothing`')).toEqual([]);
  });
});

/**
 * One transaction convention (docs/conventions.md, "Transactions"): a function that works on
 * the caller's connection or transaction takes it FIRST (`fooIn(db, principal, …)`), never as an
 * optional `{ tx }` last or a defaulted `db = getDb()` parameter.
 */
const TX_LAST = [
  { name: 'an optional tx in an options object', pattern: /\btx\?:\s*(Transaction|Kysely|Tx\b|Db\b)/ },
  { name: 'a { tx } option passed last', pattern: /,\s*\{\s*tx\s*(,[^}]*)?\}\s*\)/ },
  { name: 'a db parameter defaulting to getDb()', pattern: /\b(db|tx)\s*:\s*[\w<>| ]+=\s*getDb\(\)/ },
];

function txLastViolations(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const { name, pattern } of TX_LAST) if (pattern.test(line)) found.push(`${i + 1}: ${name}`);
  });
  return found;
}

describe('the transaction convention', () => {
  it('finds no tx-last variant in the services', () => {
    const violations = sourceFiles('app/services').flatMap((file) => txLastViolations(readFileSync(join(ROOT, file), 'utf8')).map((v) => `${file}:${v}`));
    expect(violations, 'take db/tx first: fooIn(db, principal, …), with foo(principal, …) obtaining getDb() at the entry').toEqual([]);
  });

  it('recognises each tx-last shape and leaves tx-first calls alone', () => {
    expect(txLastViolations('export async function f(p: Principal, opts: { tx?: Transaction<Database> } = {}) {')).toEqual(['1: an optional tx in an options object']);
    expect(txLastViolations('await addCartLines(principal, lines, { tx });')).toEqual(['1: a { tx } option passed last']);
    expect(txLastViolations('await validate(principal, { tx, cartId });')).toEqual(['1: a { tx } option passed last']);
    expect(txLastViolations('export function today(clinicId: string, db: Kysely<Database> = getDb()) {')).toEqual(['1: a db parameter defaulting to getDb()']);
    expect(txLastViolations('await addCartLinesIn(tx, principal, lines); const db = getDb();')).toEqual([]);
  });
});
