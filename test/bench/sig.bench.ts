import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSig } from '../../validators/sig';
import { SIG_SETS_DIR, scoreSigSets } from '../../validators/sig-score';
import { time } from './support';
import type { Bench, BenchResult } from './types';

// The labelled and unlabelled SIG sets are kept in test/data/sig (sources and licences in its
// README); SIG_DATA_DIR points elsewhere to score another copy.
const DATA_DIR = process.env.SIG_DATA_DIR ?? SIG_SETS_DIR;
const UNLABELLED = ['human_sigs_unlabeled_parserx.jsonl', 'vet_sigs_unlabeled_ecfr21.jsonl'];
const RUNS = 200;

function unlabelledSigs(): string[] {
  return UNLABELLED.flatMap((file) =>
    readFileSync(path.join(DATA_DIR, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { sig: string }).sig),
  );
}

const bench: Bench = {
  title: 'SIG parser: accuracy on public labelled sets and throughput',
  async run() {
    if (!existsSync(DATA_DIR)) throw new Error(`SIG data not found at ${DATA_DIR}; set SIG_DATA_DIR`);
    const results: BenchResult[] = [];
    for (const set of scoreSigSets(DATA_DIR)) {
      for (const f of set.fields) {
        results.push({
          name: `${set.set}: ${f.field}`,
          value: Math.round(f.accuracy * 1000) / 10,
          unit: '%',
          note: `${f.correct}/${f.total} labelled rows`,
        });
      }
    }
    const sigs = unlabelledSigs();
    const timing = await time(() => {
      for (const sig of sigs) parseSig(sig);
    }, RUNS);
    results.push({
      name: `parseSig throughput (${sigs.length} unlabelled human and vet SIGs, ${RUNS} passes)`,
      value: Math.round(sigs.length / (timing.p50 / 1000)),
      unit: 'SIG/s',
      note: `p50 ${timing.p50.toFixed(2)} ms per pass`,
    });
    return results;
  },
};

export default bench;
