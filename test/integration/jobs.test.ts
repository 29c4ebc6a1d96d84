import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs, enqueue, pendingJobs, registerTasks } from '../../app/services/platform/jobs.server';
import { log } from '../../app/services/platform/logger.server';
import { capturedLogs } from '../support/logs';

describe('job queue', () => {
  it('runs a job only if its transaction commits, and timers at their simulated time', async () => {
    const seen: string[] = [];
    registerTasks({ 'test.record': async (p: { tag: string }) => void seen.push(p.tag) });
    await getDb()
      .transaction()
      .execute(async (tx) => {
        await enqueue(tx, 'test.record', { tag: 'committed' });
      });
    await getDb()
      .transaction()
      .execute(async (tx) => {
        await enqueue(tx, 'test.record', { tag: 'rolled-back' });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await drainJobs();
    expect(seen).toEqual(['committed']);

    const clock = manualClock('2030-01-01T09:00:00Z');
    setClock(clock);
    try {
      await enqueue(getDb(), 'test.record', { tag: 'in-two-hours' }, { runAt: new Date('2030-01-01T11:00:00Z') });
      await drainJobs();
      expect(seen).toEqual(['committed']);
      expect((await pendingJobs('test.record')).length).toBe(1);
      clock.advance(2 * 3600_000);
      await drainJobs();
      expect(seen).toEqual(['committed', 'in-two-hours']);
    } finally {
      setClock(undefined);
    }
  });

  it('logs what a job logs with its job id, task and attempt, and a failed attempt as a warning', async () => {
    let failures = 0;
    registerTasks({
      'test.flaky': async (p: { tag: string }) => {
        log().warn({ tag: p.tag }, 'flaky job ran');
        if (failures++ === 0) throw new Error('first attempt fails');
      },
    });
    await enqueue(getDb(), 'test.flaky', { tag: 'x' }, { maxAttempts: 2 });
    await drainJobs();
    // graphile's back-off puts the retry in the future: run it now.
    await getDb().updateTable('graphile_worker._private_jobs' as never).set({ run_at: new Date() } as never).execute();
    await drainJobs();
    const logs = capturedLogs();
    const ran = logs.filter((l) => l.msg === 'flaky job ran');
    expect(ran).toEqual([
      expect.objectContaining({ level: 'warn', task: 'test.flaky', attempt: 1, jobId: expect.any(String), tag: 'x' }),
      expect.objectContaining({ level: 'warn', task: 'test.flaky', attempt: 2, jobId: ran[0]!.jobId }),
    ]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/first attempt fails/), err: expect.objectContaining({ message: 'first attempt fails' }) }));
    expect(logs.some((l) => l.level === 'error')).toBe(false);
  });
});
