/**
 * The contract of the refill-request checks: a matched request's facts in, one verdict per
 * check out. The ids are stored on the request and shown by the API (`eligibility[].check`),
 * so they must not be renamed.
 */
import type { IsoDate, PatientStatus, PrescriptionStatus } from '../vocabulary';

/** The checks of a matched request, in the order they are stored and shown. */
export const REQUEST_CHECK_IDS = [
  'patient.active',
  'prescription.active',
  'patient.wellness',
  'medication.controlled',
  'medication.compounded',
  'prescription.dose_change',
] as const;

/** One of the request check ids. */
export type RequestCheckId = (typeof REQUEST_CHECK_IDS)[number];

/** What a request's patient and prescription look like to the checks, on the clinic's `today`. */
export type RequestContext = {
  /** Today in the clinic's time zone. Injected: checks never read the clock. */
  today: IsoDate;
  clinic: {
    /** A wellness exam older than this many months is overdue. */
    wellnessWindowMonths: number;
    /** A dose change this many days ago or fewer needs a veterinarian's review. */
    doseChangeDays: number;
  };
  patient: { name: string; status: PatientStatus; lastWellnessExamOn: IsoDate | null };
  prescription: {
    status: PrescriptionStatus;
    expiresOn: IsoDate;
    refillsAuthorized: number;
    refillsUsed: number;
    controlledSchedule: string | null;
    compounded: boolean;
    lastDoseChangeOn: IsoDate | null;
  };
};

/** A check's verdict: `ok`, and what staff read next to it in the queue. */
export type RequestVerdict = { ok: boolean; detail: string };

/** The one signature of every request check: pure, reads only its argument. */
export type RequestRuleCheck = (ctx: RequestContext) => RequestVerdict;

/** One eligibility (or matching) check as stored on the request and shown in the queue. */
export type EligibilityCheck = { check: string; ok: boolean; detail: string };
