import { EnvError } from '../env.server';
import { jobsShuttingDown, startWorker } from '../services/platform/jobs.server';
import { log } from '../services/platform/logger.server';
import { registerAllTasks } from '../services/platform/tasks.server';
import { bootDataLayer, onStopSignal } from './boot.server';

// `npm run worker`: a job worker on its own (production runs several next to JOBS=0 app servers).
async function main() {
  const booted = await bootDataLayer({ seed: false });
  registerAllTasks();
  const runner = await startWorker({ concurrency: booted.env.WORKER_CONCURRENCY });
  log().info('vialcart worker started');
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, 'worker stopping: finishing the jobs in hand');
    jobsShuttingDown();
    await runner.stop();
    await booted.stop();
    process.exit(0);
  };
  onStopSignal((signal) => void stop(signal));
  await runner.promise;
}

main().catch((error: unknown) => {
  if (error instanceof EnvError) log().fatal({ issues: error.issues }, error.message);
  else log().fatal({ err: error }, 'vialcart worker failed');
  process.exit(1);
});
