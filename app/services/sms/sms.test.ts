import { describe, expect, it } from 'vitest';
import { readKeyword } from './keywords';
import { afterQuietHours, DEFAULT_QUIET_HOURS, inQuietHours } from './quiet-hours';
import { countSegments } from './segments';

const LA = 'America/Los_Angeles';

describe('consent keywords', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    [' Stop. ', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['unsubscribe', 'opt_out'],
    ['Cancel', 'opt_out'],
    ['END', 'opt_out'],
    ['quit!', 'opt_out'],
    ['START', 'opt_in'],
    ['unstop', 'opt_in'],
    ['Yes', 'opt_in'],
    ['HELP', 'help'],
    ['help?', 'help'],
  ] as const)('reads %j as %s', (body, intent) => {
    expect(readKeyword(body)?.intent).toBe(intent);
  });

  it.each(['stop sending Max’s apoquel', 'please help, Luna is out of methimazole', 'yes please refill', 'STOP STOP', '', 'stöp'])('reads %j as an ordinary message', (body) => {
    expect(readKeyword(body)).toBeNull();
  });
});

describe('quiet hours (default 20:00–08:00, clinic time)', () => {
  it('knows when a Sacramento clinic is quiet, across midnight and DST', () => {
    expect(inQuietHours(new Date('2026-12-04T03:59:00Z'), LA, DEFAULT_QUIET_HOURS)).toBe(false); // 19:59 PST
    expect(inQuietHours(new Date('2026-12-04T04:00:00Z'), LA, DEFAULT_QUIET_HOURS)).toBe(true); // 20:00 PST
    expect(inQuietHours(new Date('2026-12-04T15:59:00Z'), LA, DEFAULT_QUIET_HOURS)).toBe(true); // 07:59 PST
    expect(inQuietHours(new Date('2026-12-04T16:00:00Z'), LA, DEFAULT_QUIET_HOURS)).toBe(false); // 08:00 PST
    expect(inQuietHours(new Date('2026-07-01T03:30:00Z'), LA, DEFAULT_QUIET_HOURS)).toBe(true); // 20:30 PDT
  });

  it('moves a quiet instant to the end of the window (same night or next morning) and leaves others alone', () => {
    expect(afterQuietHours(new Date('2026-12-04T06:30:00Z'), LA, DEFAULT_QUIET_HOURS).toISOString()).toBe('2026-12-04T16:00:00.000Z'); // 22:30 → 08:00 next day
    expect(afterQuietHours(new Date('2026-12-04T12:00:00Z'), LA, DEFAULT_QUIET_HOURS).toISOString()).toBe('2026-12-04T16:00:00.000Z'); // 04:00 → 08:00 same day
    const noon = new Date('2026-12-04T20:00:00Z');
    expect(afterQuietHours(noon, LA, DEFAULT_QUIET_HOURS)).toBe(noon);
    // The night DST ends, 08:00 PST is 16:00Z.
    expect(afterQuietHours(new Date('2026-11-01T06:00:00Z'), LA, DEFAULT_QUIET_HOURS).toISOString()).toBe('2026-11-01T16:00:00.000Z');
  });

  it('supports a window inside one day and none at all', () => {
    const lunch = { start: '12:00', end: '13:00' };
    expect(inQuietHours(new Date('2026-12-04T20:30:00Z'), LA, lunch)).toBe(true);
    expect(afterQuietHours(new Date('2026-12-04T20:30:00Z'), LA, lunch).toISOString()).toBe('2026-12-04T21:00:00.000Z');
    expect(inQuietHours(new Date('2026-12-04T06:30:00Z'), LA, { start: '08:00', end: '08:00' })).toBe(false);
  });
});

describe('segments', () => {
  it('counts GSM-7 texts at 160 characters in one segment and 153 a segment beyond', () => {
    expect(countSegments('a'.repeat(160))).toMatchObject({ segments: 1, encoding: 'GSM-7' });
    expect(countSegments('a'.repeat(161))).toMatchObject({ segments: 2, encoding: 'GSM-7' });
    expect(countSegments('a'.repeat(306))).toMatchObject({ segments: 2, encoding: 'GSM-7' });
    expect(countSegments('a'.repeat(307))).toMatchObject({ segments: 3, encoding: 'GSM-7' });
    // é and £ are in the GSM-7 alphabet; € takes two places (escape + character).
    expect(countSegments('é£'.repeat(80))).toMatchObject({ segments: 1, encoding: 'GSM-7' });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
  });

  it('counts UCS-2 texts at 70 and 67, and names the characters that forced it', () => {
    expect(countSegments('’'.repeat(70))).toMatchObject({ segments: 1, encoding: 'UCS-2' });
    expect(countSegments('’'.repeat(71))).toMatchObject({ segments: 2, encoding: 'UCS-2' });
    expect(countSegments('’'.repeat(134)).segments).toBe(2);
    expect(countSegments('’'.repeat(135)).segments).toBe(3);
    expect(countSegments("Luna's refill is ready 🐱").nonGsmCharacters).toEqual(['🐱']);
  });
});
