import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs, enqueue, pendingJobs, registerTasks } from '../../app/services/platform/jobs.server';

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
});
