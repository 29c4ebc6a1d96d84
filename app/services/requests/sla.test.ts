import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA, readSlaSettings, slaTimers, zonedInstant } from './sla';

describe('SLA timers', () => {
  const at = new Date('2026-11-22T17:00:00Z'); // 09:00 in Los Angeles
  it('uses the targets, the urgent reminder and escalation at 4 h', () => {
    const t = slaTimers('tech_urgent', at, DEFAULT_SLA, 'America/Los_Angeles');
    expect((t.dueAt.getTime() - at.getTime()) / 60_000).toBe(120);
    expect((t.remindAt.getTime() - at.getTime()) / 60_000).toBe(30);
    expect((t.escalateAt.getTime() - at.getTime()) / 60_000).toBe(240);
    expect((slaTimers('front_desk', at, DEFAULT_SLA, 'UTC').dueAt.getTime() - at.getTime()) / 60_000).toBe(60);
  });
  it('puts "same day" at the end of the clinic’s day, or the next day’s after it', () => {
    expect(slaTimers('exception_prescription', at, DEFAULT_SLA, 'America/Los_Angeles').dueAt.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    const evening = new Date('2026-11-23T03:00:00Z'); // 19:00 in Los Angeles
    expect(slaTimers('exception_prescription', evening, DEFAULT_SLA, 'America/Los_Angeles').dueAt.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(zonedInstant('2026-07-01', '18:00', 'America/Los_Angeles').toISOString()).toBe('2026-07-02T01:00:00.000Z');
  });
  it('reads stored settings, replacing what is invalid by the default', () => {
    expect(readSlaSettings({ targetMinutes: { tech_standard: 180, vet_review: -5 }, dayEndsAt: '25:00' })).toMatchObject({ targetMinutes: { tech_standard: 180, vet_review: 120 }, dayEndsAt: '18:00' });
  });
  it('reads targets whose queue names came back camel-cased from the database', () => {
    expect(readSlaSettings({ targetMinutes: { techUrgent: 90, frontDesk: 45 } }).targetMinutes).toMatchObject({ tech_urgent: 90, front_desk: 45, tech_standard: 240 });
  });
});
