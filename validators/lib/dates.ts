import type { IsoDate } from '../types';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `date` plus `months` calendar months. A day past the end of the target month is clamped to
 * its last day (Aug 31 + 6 months = Feb 28/29), the reading pharmacies and boards use for
 * "six months after issue".
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not an ISO date: ${date}`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12; // 0-based
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(m[3]), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whether something valid through `expiresOn` (inclusive) is still valid on `today`. */
export function isActiveOn(expiresOn: IsoDate, today: IsoDate): boolean {
  return expiresOn >= today;
}
