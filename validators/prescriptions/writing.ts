/**
 * The rules a veterinarian's new prescription (or renewal) must meet when it is written
 * (docs/records.md, "Writing a prescription"), pure: the service loads the facts, these say
 * what is wrong, field by field. The same limits are checked again on every cart line by
 * `prescriber.dea` and `prescription.valid`, since a prescription may come from elsewhere.
 *
 * - Dates: written today or earlier, valid through a day that has not passed, at most
 *   12 months after writing (and by default the clinic's policy, 1–12 months).
 * - The writer holds a current licence in the clinic's state.
 * - A controlled drug (21 CFR 1306): the writer holds a current DEA registration in the
 *   clinic's state listing the drug's schedule; C-II has no refills (1306.12); C-III to C-V
 *   at most 5 refills and valid at most six months after writing (1306.22).
 */
import { addMonths } from '../lib/dates';
import { hasActiveDea, hasActiveLicense } from '../lib/lookups';
import type { ControlledSchedule, DeaRegistrationSchedule, IsoDate, PrescriberContext, UsState } from '../types';

/** The longest any prescription stays valid, in months after it was written. */
export const MAX_PRESCRIPTION_MONTHS = 12;
/** A C-III to C-V prescription is not filled more than six months after it was written. */
export const CONTROLLED_MONTHS = 6;
/** Refills a C-III to C-V prescription may authorise. */
export const CONTROLLED_MAX_REFILLS = 5;

/** What a prescription being written says, and what it is judged against. */
export type WritingFacts = {
  today: IsoDate;
  clinicState: UsState;
  /** The medication's federal schedule, null when not controlled. */
  schedule: ControlledSchedule | null;
  /** The class the DEA registration must list (`requiredDeaSchedule`), null when not controlled. */
  requiredDea: DeaRegistrationSchedule | null;
  /** The veterinarian writing it. */
  prescriber: PrescriberContext;
  writtenOn: IsoDate;
  expiresOn: IsoDate;
  refillsAuthorized: number;
};

/**
 * One problem, on the field of the API body it is about (`actingUserId` when it is the
 * writer's credentials). `input` problems are bad input (400); `rule` problems break a
 * DEA or clinic rule on otherwise well-formed input (422).
 */
export type WritingProblem = { field: 'writtenOn' | 'expiresOn' | 'refillsAuthorized' | 'actingUserId'; kind: 'input' | 'rule'; message: string };

/**
 * The default expiry of a prescription written on `writtenOn`: the clinic's policy in
 * months (at most 12), and for C-III to C-V at most six months; a C-II prescription follows
 * the policy too (it cannot be refilled, so its expiry only bounds the first fill).
 */
export function defaultExpiry(writtenOn: IsoDate, schedule: ControlledSchedule | null, policyMonths: number): IsoDate {
  const months = Math.max(1, Math.min(MAX_PRESCRIPTION_MONTHS, Math.floor(policyMonths)));
  const limit = schedule !== null && schedule !== 'II' ? Math.min(months, CONTROLLED_MONTHS) : months;
  return addMonths(writtenOn, limit);
}

/** The most refills the schedule allows (null: no federal limit). */
export function maxRefillsFor(schedule: ControlledSchedule | null): number | null {
  if (schedule === 'II') return 0;
  if (schedule !== null) return CONTROLLED_MAX_REFILLS;
  return null;
}

/** Every problem with a prescription as written; empty when it may be written. */
export function checkPrescriptionWriting(f: WritingFacts): WritingProblem[] {
  const problems: WritingProblem[] = [];
  const who = f.prescriber.name;
  if (f.writtenOn > f.today) problems.push({ field: 'writtenOn', kind: 'input', message: 'The written date is in the future; use today or an earlier day.' });
  if (f.expiresOn < f.writtenOn) problems.push({ field: 'expiresOn', kind: 'input', message: 'The expiry is before the written date.' });
  else if (f.expiresOn < f.today) problems.push({ field: 'expiresOn', kind: 'input', message: 'This expiry has already passed; the prescription could never be filled.' });
  else if (f.expiresOn > addMonths(f.writtenOn, MAX_PRESCRIPTION_MONTHS)) {
    problems.push({ field: 'expiresOn', kind: 'rule', message: `A prescription is valid at most 12 months: expire it on or before ${addMonths(f.writtenOn, MAX_PRESCRIPTION_MONTHS)}.` });
  }
  if (f.prescriber.userRole !== 'veterinarian') {
    problems.push({ field: 'actingUserId', kind: 'rule', message: `${who} is not a veterinarian; only a veterinarian writes prescriptions.` });
  } else if (!hasActiveLicense(f.prescriber, f.clinicState, f.today)) {
    problems.push({ field: 'actingUserId', kind: 'rule', message: `${who} holds no current licence in ${f.clinicState}, where the clinic practises.` });
  }
  if (f.schedule === null || f.requiredDea === null) return problems;

  const drug = `C-${f.schedule}`;
  if (!hasActiveDea(f.prescriber, f.clinicState, f.requiredDea, f.today)) {
    problems.push({
      field: 'actingUserId',
      kind: 'rule',
      message: `This is a ${drug} drug: ${who} holds no current DEA registration in ${f.clinicState} covering schedule ${f.requiredDea}.`,
    });
  }
  if (f.schedule === 'II' && f.refillsAuthorized > 0) {
    problems.push({ field: 'refillsAuthorized', kind: 'rule', message: 'A C-II prescription cannot be refilled: authorise 0 refills and write a new prescription for each fill.' });
  }
  if (f.schedule !== 'II' && f.refillsAuthorized > CONTROLLED_MAX_REFILLS) {
    problems.push({ field: 'refillsAuthorized', kind: 'rule', message: `A ${drug} prescription may authorise at most ${CONTROLLED_MAX_REFILLS} refills.` });
  }
  if (f.schedule !== 'II' && f.expiresOn >= f.writtenOn && f.expiresOn > addMonths(f.writtenOn, CONTROLLED_MONTHS)) {
    const latest = addMonths(f.writtenOn, CONTROLLED_MONTHS);
    // One message per field: the 12-month limit, when also broken, says less than this one.
    const existing = problems.findIndex((p) => p.field === 'expiresOn');
    const problem: WritingProblem = { field: 'expiresOn', kind: 'rule', message: `A ${drug} prescription is valid at most six months after it was written: expire it on or before ${latest}.` };
    if (existing >= 0 && problems[existing]!.kind === 'rule') problems[existing] = problem;
    else if (existing < 0) problems.push(problem);
  }
  return problems;
}
