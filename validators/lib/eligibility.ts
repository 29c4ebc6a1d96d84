/**
 * The judgments the cart rules (validators/rules) and the refill-request checks
 * (validators/requests) share, so "is the prescription still good" has one answer in both.
 */
import type { IsoDate, PrescriptionStatus } from '../vocabulary';
import { addMonths, isActiveOn } from './dates';

/**
 * Fills a prescription has left: the refills after those already dispensed (never negative),
 * plus the original fill while it is still owed — a prescription written in vialcart and never
 * filled (`originalFillPending`), which is how a C-II with its 0 refills is filled at all.
 */
export function refillsLeft(rx: { refillsAuthorized: number; refillsUsed: number; originalFillPending?: boolean }): number {
  return Math.max(0, rx.refillsAuthorized - rx.refillsUsed) + (rx.originalFillPending ? 1 : 0);
}

/**
 * Whether a wellness exam on `lastExamOn` still covers `today` for a window of `months`. An
 * exam exactly a window ago still does; no exam on record never does.
 */
export function wellnessCurrent(lastExamOn: IsoDate | null, months: number, today: IsoDate): boolean {
  return lastExamOn !== null && today <= addMonths(lastExamOn, months);
}

/** What a prescription needs to be filled on a day. */
export type FillablePrescription = { status: PrescriptionStatus; expiresOn: IsoDate; refillsAuthorized: number; refillsUsed: number; originalFillPending?: boolean };

/**
 * Why a prescription cannot be filled on `today` — not active, past its expiry, or out of
 * refills, checked in that order — or `null` when it can.
 */
export function prescriptionLapse(rx: FillablePrescription, today: IsoDate): 'not_active' | 'expired' | 'no_refills' | null {
  if (rx.status !== 'active') return 'not_active';
  if (!isActiveOn(rx.expiresOn, today)) return 'expired';
  if (refillsLeft(rx) === 0) return 'no_refills';
  return null;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
