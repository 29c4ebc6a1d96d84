/**
 * Runs HiGHS (the `highs` package, WebAssembly) on a `MipModel` in a worker thread, so a long
 * solve never blocks the server's event loop, within a deadline.
 *
 * The worker's code is the small plain-JavaScript program below, started with `eval`, and it
 * loads `highs` from the path this module resolves. So nothing depends on where this file
 * ends up: it runs the same under tsx (dev, tests, benchmarks), vitest and the Remix server
 * build, which bundles app/ into build/ but leaves `highs` in node_modules
 * (docs/decisions/006-cart-optimizer-highs.md).
 *
 * The WebAssembly is compiled once per process and handed to every worker, so V8's optimised
 * code for it is shared: a fresh worker does not start cold. Workers are kept (unreferenced:
 * they never keep the process alive) and reused; one that answers after its deadline goes
 * back to the pool when it does, and only one silent for `STUCK_MS` is terminated.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { MipModel } from './mip';

/** How a solve ended. `optimal` is a proven optimum; the others leave the caller to fall back. */
export type MipStatus = 'optimal' | 'time_limit' | 'infeasible' | 'error';

export type MipResult = {
  status: MipStatus;
  /** Column values when `status` is `optimal`. */
  colValue?: Float64Array;
  /** What went wrong, for `error` and `time_limit`. */
  message?: string;
};

/** Margin kept between the solver's own time limit and the deadline, for handing back the answer. */
const HANDBACK_MS = 30;
/** How long past the deadline the caller waits before falling back. */
const GRACE_MS = 150;
/** How long past the deadline a worker may stay silent before it is taken for stuck and terminated. */
const STUCK_MS = 30_000;
const MAX_IDLE = 2;

// Plain CommonJS for `new Worker(code, { eval: true })`. HiGHS model status codes: 6 empty
// model, 7 optimal, 8 infeasible, 13 time limit.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = require(workerData.highsPath)(workerData.wasmModule ? { wasmModule: workerData.wasmModule } : {});
parentPort.on('message', async (job) => {
  let model;
  try {
    const highs = await ready;
    const m = job.model;
    model = highs.createModel({
      numCols: m.numCols, numRows: m.numRows, offset: m.offset,
      colCost: m.colCost, colLower: m.colLower, colUpper: m.colUpper, integrality: m.integrality,
      rowLower: m.rowLower, rowUpper: m.rowUpper,
      matrix: { format: 'csc', numRows: m.numRows, numCols: m.numCols, starts: m.starts, indices: m.indices, values: m.values },
    });
    const seconds = (job.deadline - Date.now() - ${HANDBACK_MS}) / 1000;
    if (seconds <= 0) {
      parentPort.postMessage({ id: job.id, status: 'time_limit', message: 'no time left to solve' });
      return;
    }
    model.options.set({ output_flag: false, time_limit: seconds, mip_rel_gap: 0, mip_abs_gap: 0.5, random_seed: 1 });
    if (job.start) model.setSolution({ colValue: job.start });
    model.run();
    const code = model.getModelStatus();
    if (code === 7 || code === 6) {
      const colValue = model.getSolution().colValue;
      parentPort.postMessage({ id: job.id, status: 'optimal', colValue }, [colValue.buffer]);
    } else {
      const status = code === 13 ? 'time_limit' : code === 8 ? 'infeasible' : 'error';
      parentPort.postMessage({ id: job.id, status, message: 'HiGHS model status ' + code });
    }
  } catch (error) {
    parentPort.postMessage({ id: job.id, status: 'error', message: String(error && error.message || error) });
  } finally {
    if (model) model.dispose();
  }
});
`;

type Reply = { id: number; status: MipStatus; colValue?: Float64Array; message?: string };

type Runtime = { highsPath: string; module: WebAssembly.Module };
let runtime: Promise<Runtime> | undefined;
const idle: Worker[] = [];
let nextId = 1;

function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    const highsPath = createRequire(import.meta.url).resolve('highs');
    const module = await WebAssembly.compile(await readFile(highsPath.replace(/highs\.js$/, 'highs.wasm')));
    return { highsPath, module };
  })();
  // A failed load is not cached: the next solve tries again.
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

function spawn(rt: Runtime): Worker {
  // execArgv: [] keeps tsx's loader (inherited otherwise) out of a worker that runs plain JS.
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { highsPath: rt.highsPath, wasmModule: rt.module }, execArgv: [] });
  worker.unref();
  // A worker that dies while idle must not be handed the next solve.
  worker.once('exit', () => {
    const i = idle.indexOf(worker);
    if (i >= 0) idle.splice(i, 1);
  });
  return worker;
}

function release(worker: Worker): void {
  if (idle.length < MAX_IDLE) idle.push(worker);
  else void worker.terminate();
}

/** Terminates the idle workers (tests and scripts that want a clean exit). */
export async function stopSolver(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}

/**
 * Solves `model` by `deadline` (a `Date.now()` value), starting from `start` when given. Never
 * throws: a crash, a failure to load HiGHS or an overrun come back as a status.
 */
export async function solveMip(model: MipModel, deadline: number, start?: Float64Array): Promise<MipResult> {
  // Nothing to choose (every line pinned or unplaceable): the empty assignment is the optimum.
  if (model.numCols === 0) return { status: 'optimal', colValue: new Float64Array(0) };
  let worker: Worker;
  try {
    worker = idle.pop() ?? spawn(await loadRuntime());
  } catch (error) {
    return { status: 'error', message: `could not start the solver: ${(error as Error).message}` };
  }
  const id = nextId++;
  return new Promise<MipResult>((resolve) => {
    let answered = false;
    const answer = (result: MipResult) => {
      if (answered) return;
      answered = true;
      clearTimeout(late);
      resolve(result);
    };
    const detach = () => {
      clearTimeout(late);
      clearTimeout(stuck);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: Reply) => {
      if (reply.id !== id) return;
      detach();
      release(worker);
      answer({ status: reply.status, colValue: reply.colValue, message: reply.message });
    };
    const onError = (error: Error) => {
      detach();
      void worker.terminate();
      answer({ status: 'error', message: error.message });
    };
    const onExit = (code: number) => {
      detach();
      answer({ status: 'error', message: `solver worker exited with code ${code}` });
    };
    const wait = Math.max(0, deadline - Date.now());
    // Referenced, so the process waits for the answer although the worker is not.
    const late = setTimeout(() => answer({ status: 'time_limit', message: 'the solver overran its time budget' }), wait + GRACE_MS);
    const stuck = setTimeout(() => {
      detach();
      void worker.terminate();
    }, wait + STUCK_MS);
    stuck.unref();
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, model, deadline, start });
  });
}
