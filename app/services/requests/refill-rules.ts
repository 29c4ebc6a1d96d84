/**
 * The pure half of owner refill requests (issue 8): reading an SMS, matching a request to an
 * owner's pets and prescriptions, the eligibility checks, the routing table of DESIGN.md and
 * the SLA timers. No database, no clock: intake.server.ts loads the rows and passes `today`
 * and `at`, so every rule here is tested with plain data.
 */
import { addMonths } from '../../../validators/lib/dates';
import { parseSig } from '../../../validators/sig';
import type { QueueName } from '../../../db/schema';

/** One eligibility (or matching) check, as stored on the request and shown in the queue. */
export type EligibilityCheck = { check: string; ok: boolean; detail: string };

/** How urgent the owner says it is: runs out today, within 1–2 days, or routine. */
export type Urgency = 'routine' | 'today' | 'soon';

/** A candidate the front desk picks from when a match is missing or ambiguous. */
export type MatchCandidate = {
  kind: 'client' | 'patient' | 'prescription';
  id: string;
  label: string;
  clientId?: string;
  patientId?: string;
  score?: number;
};

// ---------------------------------------------------------------------------------------
// Normalising what owners type

/** E.164 for a phone number as owners type it; US numbers without a country code get +1. Null when it cannot be one. */
export function normalizePhone(input: string | null | undefined): string | null {
  if (!input) return null;
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
  if (digits.length === 10 && /^[2-9]/.test(digits)) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  if (trimmed.startsWith('00') && /^00[1-9]\d{7,14}$/.test(digits)) return `+${digits.slice(2)}`;
  return null;
}

/** Lower-cased, trimmed email, or null. */
export function normalizeEmail(input: string | null | undefined): string | null {
  const e = input?.trim().toLowerCase();
  return e ? e : null;
}

/** Lower case, no accents, letters and digits separated by single spaces: "Mr. Muffin's" → "mr muffin s". */
export function normalizeText(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Optimal-string-alignment edit distance (a swap of two letters counts once), capped for speed. */
export function editDistance(a: string, b: string, cap = 8): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * How alike two normalised words or phrases are, 0–1: 1 when equal, otherwise 1 − distance /
 * longer length, but 0 unless the typo allowance holds (1 edit from 4 letters, 2 from 7), so
 * short names never match by accident ("Max" is not "Mia").
 */
export function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  const allowed = longer >= 7 ? 2 : longer >= 4 ? 1 : 0;
  const d = editDistance(a, b, allowed);
  if (d > allowed) return 0;
  return 1 - d / longer;
}

/** The best similarity of `phrase` to any run of as many words in `text` (both normalised). */
export function bestPhraseScore(text: string, phrase: string): number {
  if (!text || !phrase) return 0;
  if (` ${text} `.includes(` ${phrase} `)) return 1;
  const words = text.split(' ');
  const n = phrase.split(' ').length;
  let best = 0;
  for (let i = 0; i + n <= words.length; i++) {
    const s = similarity(words.slice(i, i + n).join(' '), phrase);
    if (s > best) best = s;
  }
  // Glued words ("felimazole5mg") and missing spaces ("potassiumbromide").
  const glued = phrase.replace(/ /g, '');
  if (glued !== phrase) best = Math.max(best, ...words.map((w) => similarity(w, glued)));
  return best;
}

// ---------------------------------------------------------------------------------------
// SMS text

const NUMBER_WORDS: Record<string, number> = {
  no: 0, zero: 0, none: 0, a: 1, an: 1, one: 1, two: 2, couple: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};

/** What a free-text refill message says, as far as it can be read. */
export type SmsReading = {
  patientName: string;
  medication: string;
  /** "3 days left" */
  daysLeft?: number;
  /** "4 pills left" */
  dosesLeft?: number;
  urgency: Urgency;
};

/**
 * Reads texts such as "need more methimazole for Luna, 3 days left", "Luna's felimazole
 * refill pls - out tomorrow", "refill apoquel for Max and Bella". Names that are unclear stay
 * as written; matching later also scans the whole text for the owner's pets and prescriptions.
 */
export function parseSmsText(body: string): SmsReading {
  const text = body.replace(/\s+/g, ' ').trim().slice(0, 1000);
  const lower = text.toLowerCase();
  let daysLeft: number | undefined;
  let dosesLeft: number | undefined;
  const count = /\b(\d{1,3}|no|zero|none|a|an|one|two|couple|three|four|five|six|seven|eight|nine|ten)\s+(?:of\s+)?(?:more\s+)?(days?|doses?|pills?|tablets?|tabs?|caps?|capsules?|clicks?|chews?|treats?|ml)\b(?:\s+(?:left|remaining|to go))?/i.exec(lower);
  if (count) {
    const n = /^\d+$/.test(count[1]!) ? Number(count[1]) : NUMBER_WORDS[count[1]!]!;
    if (/^days?$/.test(count[2]!)) daysLeft = n;
    else dosesLeft = n;
  }
  if (daysLeft === undefined && /\b(ran out|run out|out of|all out|none left|last dose|empty|out today)\b/.test(lower)) daysLeft = 0;
  if (daysLeft === undefined && /\b(tomorrow|out tmrw|out tomorrow)\b/.test(lower)) daysLeft = 1;
  let urgency: Urgency = 'routine';
  if (/\b(urgent|asap|emergency|today)\b/.test(lower) || daysLeft === 0) urgency = 'today';
  else if (daysLeft !== undefined && daysLeft <= 2) urgency = 'soon';

  // "for Luna", "for Luna and Max"; "Luna's …"
  let patientName = '';
  const forName = /\bfor\s+([A-Z][\p{L}'-]*(?:\s+[A-Z][\p{L}'-]*)?)/u.exec(text) ?? /\bfor\s+([\p{L}'-]+)/iu.exec(text);
  const possessive = /\b([A-Z][\p{L}-]+)'s\b/u.exec(text);
  if (forName && !/^(my|the|her|his|our|him)$/i.test(forName[1]!)) patientName = forName[1]!;
  else if (possessive) patientName = possessive[1]!;

  // The medicine: what follows "more / refill (of|on) / need", up to "for" or punctuation.
  let medication = '';
  const med =
    /\b(?:more|refills?(?:\s+(?:of|on|for))?|need|needs|reorder|renew)\s+(?:some\s+|more\s+|her\s+|his\s+|the\s+|my\s+)?([\p{L}][\p{L}0-9 ./-]*?)(?=\s+(?:for|please|pls|thanks|asap|refill)\b|[,.!?;:]|\s+-|$)/iu.exec(text);
  if (med && !/^(pls|plz|please|thanks|thx|asap|today|now)\b/i.test(med[1]!.trim())) medication = med[1]!.trim();
  if (possessive && !medication) {
    const after = new RegExp(`${possessive[1]}'s\\s+([\\p{L}][\\p{L}0-9 -]*?)(?=\\s+(?:refill|please|pls)\\b|[,.!?;:]|\\s+-|$)`, 'u').exec(text);
    if (after) medication = after[1]!.trim();
  }
  return {
    patientName: patientName.slice(0, 100),
    medication: medication.replace(/^(refill|more)\s+/i, '').slice(0, 200),
    ...(daysLeft !== undefined ? { daysLeft } : {}),
    ...(dosesLeft !== undefined ? { dosesLeft } : {}),
    urgency,
  };
}

// ---------------------------------------------------------------------------------------
// Matching

/** A prescription as matching and eligibility see it. */
export type PrescriptionFacts = {
  id: string;
  medicationId: string;
  medicationName: string;
  strength: string;
  form: string;
  synonyms: string[];
  controlledSchedule: string | null;
  compounded: boolean;
  sig: string;
  status: 'active' | 'expired' | 'cancelled';
  writtenOn: string;
  expiresOn: string;
  refillsAuthorized: number;
  refillsUsed: number;
  lastDoseChangeOn: string | null;
  standingOrder: boolean;
};

/** A pet of a candidate owner, with its prescriptions. */
export type PetFacts = {
  id: string;
  name: string;
  species: string;
  status: 'active' | 'inactive' | 'deceased';
  lastWellnessExamOn: string | null;
  prescriptions: PrescriptionFacts[];
};

/** An owner found by phone, email or PIMS id. */
export type OwnerFacts = { id: string; name: string; pets: PetFacts[] };

/** What the request names. `text` is the whole free text (SMS), scanned when a name is missing. */
export type MatchQuery = { patientName: string; medication: string; text?: string; pimsPatientId?: string | null };

/** The outcome of matching: ids found, and the candidates when something is missing or ambiguous. */
export type MatchResult = {
  clientId: string | null;
  patientId: string | null;
  prescriptionId: string | null;
  /** null when everything matched. */
  problem: null | 'owner_not_found' | 'owner_ambiguous' | 'patient_not_found' | 'patient_ambiguous' | 'prescription_not_found' | 'prescription_ambiguous';
  candidates: MatchCandidate[];
  checks: EligibilityCheck[];
};

const MATCH_THRESHOLD = 0.75;

function medicationPhrases(rx: PrescriptionFacts): string[] {
  const names = [rx.medicationName, ...rx.synonyms].map(normalizeText).filter(Boolean);
  // "Ivermectin/pyrantel" is also asked for as "ivermectin".
  for (const n of [...names]) {
    const first = n.split(' ')[0]!;
    if (first.length >= 6 && !names.includes(first)) names.push(first);
  }
  return names;
}

/** How well a request's medication text names a prescription's medication (brand, generic, typos), 0–1. */
export function medicationScore(text: string, rx: PrescriptionFacts): number {
  const t = normalizeText(text);
  if (!t) return 0;
  let best = 0;
  for (const p of medicationPhrases(rx)) best = Math.max(best, bestPhraseScore(t, p));
  return best;
}

/** Whether a prescription can be refilled today: active, not expired, a refill left. */
export function prescriptionUsable(rx: PrescriptionFacts, today: string): boolean {
  return rx.status === 'active' && rx.expiresOn >= today && rx.refillsUsed < rx.refillsAuthorized;
}

function petLabel(owner: OwnerFacts, pet: PetFacts): string {
  return `${pet.name} (${pet.species}${pet.status === 'active' ? '' : `, ${pet.status}`}) — ${owner.name}`;
}

function rxLabel(rx: PrescriptionFacts): string {
  return `${rx.medicationName} ${rx.strength} ${rx.form} — written ${rx.writtenOn}, ${rx.status === 'active' ? `valid through ${rx.expiresOn}` : `${rx.status} ${rx.expiresOn}`}, ${rx.refillsUsed}/${rx.refillsAuthorized} refills used`;
}

/**
 * Finds the pet and prescription a request is about among the owners found for it. Never
 * guesses: when two pets or two prescriptions fit equally well, the result names the problem
 * and lists them as candidates, and the request goes to the front desk.
 */
export function matchRequest(query: MatchQuery, owners: OwnerFacts[], today: string): MatchResult {
  const none = (problem: NonNullable<MatchResult['problem']>, detail: string, candidates: MatchCandidate[], partial: Partial<MatchResult> = {}): MatchResult => ({
    clientId: null,
    patientId: null,
    prescriptionId: null,
    ...partial,
    problem,
    candidates,
    checks: [...(partial.checks ?? []), { check: problem.startsWith('owner') ? 'match.owner' : problem.startsWith('patient') ? 'match.patient' : 'match.prescription', ok: false, detail }],
  });
  if (owners.length === 0) return none('owner_not_found', 'No owner on file with this phone number or email.', []);

  const ownerCheck: EligibilityCheck = { check: 'match.owner', ok: true, detail: owners.length === 1 ? `Owner ${owners[0]!.name}.` : `${owners.length} owners share this contact.` };
  const petName = normalizeText(query.patientName);
  const fullText = normalizeText(query.text ?? '');
  type Pair = { owner: OwnerFacts; pet: PetFacts; score: number };
  const pairs: Pair[] = [];
  for (const owner of owners) {
    for (const pet of owner.pets) {
      const name = normalizeText(pet.name);
      let score = 0;
      if (query.pimsPatientId && pet.id === query.pimsPatientId) score = 2; // the PIMS named the patient by its id
      else if (petName) score = Math.max(similarity(petName, name), bestPhraseScore(petName, name) * 0.95);
      if (score < MATCH_THRESHOLD && fullText) score = Math.max(score, bestPhraseScore(fullText, name) >= 0.85 ? 0.8 : 0);
      if (score >= MATCH_THRESHOLD) pairs.push({ owner, pet, score });
    }
  }
  const allPets: MatchCandidate[] = owners.flatMap((o) => o.pets.map((p) => ({ kind: 'patient' as const, id: p.id, clientId: o.id, label: petLabel(o, p) })));
  if (pairs.length === 0) {
    return none(
      'patient_not_found',
      `No pet named "${query.patientName || '(none given)'}" for ${owners.map((o) => o.name).join(' / ')}.`,
      allPets,
      { clientId: owners.length === 1 ? owners[0]!.id : null, checks: [ownerCheck] },
    );
  }
  const top = Math.max(...pairs.map((p) => p.score));
  let chosen = pairs.filter((p) => p.score >= top - 1e-9);
  if (chosen.length > 1) {
    // Two pets fit the name: the medication may tell them apart; if not, a person decides.
    const withMed = chosen.filter((p) => p.pet.prescriptions.some((rx) => medicationScore(query.medication || query.text || '', rx) >= MATCH_THRESHOLD));
    if (withMed.length === 1) chosen = withMed;
  }
  if (chosen.length > 1) {
    return none(
      'patient_ambiguous',
      `${chosen.length} pets match "${query.patientName}": ${chosen.map((p) => p.pet.name).join(', ')}.`,
      chosen.map((p) => ({ kind: 'patient' as const, id: p.pet.id, clientId: p.owner.id, label: petLabel(p.owner, p.pet), score: round2(p.score) })),
      { clientId: new Set(chosen.map((p) => p.owner.id)).size === 1 ? chosen[0]!.owner.id : null, checks: [ownerCheck] },
    );
  }
  const { owner, pet } = chosen[0]!;
  const patientCheck: EligibilityCheck = { check: 'match.patient', ok: true, detail: `${pet.name} (${pet.species}).` };
  const checks = [{ ...ownerCheck, detail: `Owner ${owner.name}.` }, patientCheck];

  const medText = query.medication || '';
  const scored = pet.prescriptions
    .map((rx) => ({ rx, score: Math.max(medicationScore(medText, rx), medText ? 0 : medicationScore(query.text ?? '', rx)) }))
    .filter((s) => s.score >= MATCH_THRESHOLD);
  const rxCandidates = (list: PrescriptionFacts[]): MatchCandidate[] =>
    list.map((rx) => ({ kind: 'prescription' as const, id: rx.id, patientId: pet.id, clientId: owner.id, label: rxLabel(rx) }));
  if (scored.length === 0) {
    return none('prescription_not_found', `No prescription for "${medText || '(none given)'}" on file for ${pet.name}.`, rxCandidates(pet.prescriptions), {
      clientId: owner.id,
      patientId: pet.id,
      checks,
    });
  }
  const best = Math.max(...scored.map((s) => s.score));
  const tied = scored.filter((s) => s.score >= best - 1e-9).map((s) => s.rx);
  let rx: PrescriptionFacts | undefined;
  if (tied.length === 1) rx = tied[0];
  else {
    const usable = tied.filter((r) => prescriptionUsable(r, today));
    const sameMedication = new Set(tied.map((r) => r.medicationId)).size === 1;
    // A renewed prescription replaces the old one: the current one is not a guess.
    if (usable.length === 1) rx = usable[0];
    else if (usable.length === 0 && sameMedication) rx = [...tied].sort((a, b) => b.writtenOn.localeCompare(a.writtenOn))[0];
  }
  if (!rx) {
    return none('prescription_ambiguous', `${tied.length} of ${pet.name}'s prescriptions match "${medText}".`, rxCandidates(tied), {
      clientId: owner.id,
      patientId: pet.id,
      checks,
    });
  }
  const how = normalizeText(medText) && !` ${normalizeText(medText)} `.includes(` ${normalizeText(rx.medicationName)} `) ? ` (asked for as "${medText}")` : '';
  return {
    clientId: owner.id,
    patientId: pet.id,
    prescriptionId: rx.id,
    problem: null,
    candidates: [],
    checks: [...checks, { check: 'match.prescription', ok: true, detail: `${rx.medicationName} ${rx.strength} ${rx.form}${how}.` }],
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

// ---------------------------------------------------------------------------------------
// Clinic settings

/** A clinic's request settings (clinics.sla_settings, with defaults for what is unset). */
export type SlaSettings = {
  /** Minutes to the target per queue; exception_prescription's target is the end of the clinic's day. */
  targetMinutes: Record<Exclude<QueueName, 'exception_prescription'>, number>;
  /** "HH:MM" in the clinic's time zone: when "same day" ends. */
  dayEndsAt: string;
  /** Reminder of urgent technician requests, minutes after intake. */
  urgentReminderMinutes: number;
  /** Escalation to the escalation contact, minutes after intake (or at the target when that is later). */
  escalateAfterMinutes: number;
  /** Runs out within this many days → urgent. */
  urgentWithinDays: number;
  /** A dose change this recent needs a veterinarian's review. */
  doseChangeDays: number;
};

export const DEFAULT_SLA: SlaSettings = {
  targetMinutes: { tech_standard: 240, tech_urgent: 120, vet_review: 120, exception_exam: 1440, front_desk: 60 },
  dayEndsAt: '18:00',
  urgentReminderMinutes: 30,
  escalateAfterMinutes: 240,
  urgentWithinDays: 2,
  doseChangeDays: 30,
};

const int = (v: unknown, min: number, max: number, fallback: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;

/** The settings stored in clinics.sla_settings, each unset or invalid value replaced by its default. */
export function readSlaSettings(raw: unknown): SlaSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const t = (r.targetMinutes && typeof r.targetMinutes === 'object' ? r.targetMinutes : {}) as Record<string, unknown>;
  const d = DEFAULT_SLA;
  return {
    targetMinutes: {
      tech_standard: int(t.tech_standard, 5, 10080, d.targetMinutes.tech_standard),
      tech_urgent: int(t.tech_urgent, 5, 10080, d.targetMinutes.tech_urgent),
      vet_review: int(t.vet_review, 5, 10080, d.targetMinutes.vet_review),
      exception_exam: int(t.exception_exam, 5, 10080, d.targetMinutes.exception_exam),
      front_desk: int(t.front_desk, 5, 10080, d.targetMinutes.front_desk),
    },
    dayEndsAt: typeof r.dayEndsAt === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(r.dayEndsAt) ? r.dayEndsAt : d.dayEndsAt,
    urgentReminderMinutes: int(r.urgentReminderMinutes, 5, 1440, d.urgentReminderMinutes),
    escalateAfterMinutes: int(r.escalateAfterMinutes, 15, 10080, d.escalateAfterMinutes),
    urgentWithinDays: int(r.urgentWithinDays, 0, 14, d.urgentWithinDays),
    doseChangeDays: int(r.doseChangeDays, 0, 365, d.doseChangeDays),
  };
}

// ---------------------------------------------------------------------------------------
// Eligibility and routing

/** What eligibility needs to know about the request itself. */
export type RequestFacts = { urgency: Urgency; dosesLeft?: number | null; daysLeft?: number | null };

/** Days of medicine the owner has left: as said, or doses ÷ doses a day from the SIG (doses count as days when the SIG does not say). */
export function daysLeftOf(req: RequestFacts, sig: string | null): number | undefined {
  if (typeof req.daysLeft === 'number') return req.daysLeft;
  if (typeof req.dosesLeft !== 'number') return undefined;
  const perDay = sig ? parseSig(sig).timesPerDay : undefined;
  return perDay && perDay > 0 ? Math.floor(req.dosesLeft / perDay) : req.dosesLeft;
}

/** The effective urgency: what the owner chose, raised when the days left say it runs out sooner. */
export function effectiveUrgency(req: RequestFacts, sig: string | null, settings: SlaSettings): Urgency {
  const days = daysLeftOf(req, sig);
  if (req.urgency === 'today' || days === 0) return 'today';
  if (req.urgency === 'soon' || (days !== undefined && days <= settings.urgentWithinDays)) return 'soon';
  return 'routine';
}

function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000);
}

/**
 * The eligibility checks of a matched request, in a fixed order: patient active,
 * prescription active (window and refills), wellness exam within the clinic's window, and the
 * three that need a veterinarian (controlled, compounded, recent dose change). `ok: false`
 * on the last three means "needs a veterinarian's review", not "refused".
 */
export function checkEligibility(
  pet: Pick<PetFacts, 'name' | 'status' | 'lastWellnessExamOn'>,
  rx: PrescriptionFacts,
  clinic: { wellnessWindowMonths: number },
  settings: SlaSettings,
  today: string,
): EligibilityCheck[] {
  const checks: EligibilityCheck[] = [];
  checks.push({ check: 'patient.active', ok: pet.status === 'active', detail: pet.status === 'active' ? `${pet.name} is an active patient.` : `${pet.name} is ${pet.status}.` });

  const left = Math.max(0, rx.refillsAuthorized - rx.refillsUsed);
  let rxDetail: string;
  let rxOk = false;
  if (rx.status !== 'active') rxDetail = `The prescription is ${rx.status} (expired on ${rx.expiresOn}).`;
  else if (rx.expiresOn < today) rxDetail = `The prescription expired on ${rx.expiresOn}.`;
  else if (left === 0) rxDetail = `No refills left: ${rx.refillsUsed} of ${rx.refillsAuthorized} used.`;
  else {
    rxOk = true;
    rxDetail = `Valid through ${rx.expiresOn}; ${left} of ${rx.refillsAuthorized} refill${rx.refillsAuthorized === 1 ? '' : 's'} left.`;
  }
  checks.push({ check: 'prescription.active', ok: rxOk, detail: rxDetail });

  const months = clinic.wellnessWindowMonths;
  const exam = pet.lastWellnessExamOn;
  const examOk = exam !== null && today <= addMonths(exam, months);
  checks.push({
    check: 'patient.wellness',
    ok: examOk,
    detail: exam === null ? 'No wellness exam on record.' : examOk ? `Last wellness exam ${exam}, within ${months} months.` : `Last wellness exam ${exam}, more than ${months} months ago.`,
  });

  checks.push({
    check: 'medication.controlled',
    ok: rx.controlledSchedule === null,
    detail: rx.controlledSchedule ? `Schedule ${rx.controlledSchedule} controlled substance: a veterinarian with DEA registration approves.` : 'Not a controlled substance.',
  });
  checks.push({
    check: 'medication.compounded',
    ok: !rx.compounded,
    detail: rx.compounded ? 'Compounded medication: a veterinarian reviews and signs off.' : 'Commercial product, dispensed from the clinic.',
  });
  const changedDaysAgo = rx.lastDoseChangeOn ? daysBetween(rx.lastDoseChangeOn, today) : null;
  const recent = changedDaysAgo !== null && changedDaysAgo <= settings.doseChangeDays;
  checks.push({
    check: 'prescription.dose_change',
    ok: !recent,
    detail: recent ? `Dose changed on ${rx.lastDoseChangeOn} (${changedDaysAgo} days ago): a veterinarian reviews.` : rx.lastDoseChangeOn ? `Last dose change ${rx.lastDoseChangeOn}.` : 'No recent dose change.',
  });
  return checks;
}

/** The queue a request goes to and why, per the table in DESIGN.md (first matching row wins). */
export function routeRequest(match: Pick<MatchResult, 'problem'>, checks: EligibilityCheck[], urgency: Urgency): { queue: QueueName; reason: string } {
  if (match.problem) {
    return { queue: 'front_desk', reason: match.problem.endsWith('ambiguous') ? 'More than one match: the front desk confirms with the owner.' : 'Patient or prescription not found: call the owner.' };
  }
  const failed = (name: string) => checks.find((c) => c.check === name && !c.ok);
  if (failed('patient.active')) return { queue: 'front_desk', reason: 'The patient is not active: call the owner.' };
  if (failed('prescription.active')) return { queue: 'exception_prescription', reason: 'Prescription expired or out of refills: call the owner today.' };
  if (failed('patient.wellness')) return { queue: 'exception_exam', reason: 'Wellness exam overdue: send the booking link.' };
  const review = ['medication.controlled', 'medication.compounded', 'prescription.dose_change'].map(failed).filter(Boolean);
  if (review.length > 0) return { queue: 'vet_review', reason: `Veterinarian review: ${review.map((c) => c!.check.split('.')[1]!.replace('_', ' ')).join(', ')}.` };
  if (urgency !== 'routine') return { queue: 'tech_urgent', reason: urgency === 'today' ? 'Runs out today.' : 'Runs out within 1–2 days.' };
  return { queue: 'tech_standard', reason: 'Routine refill, eligible.' };
}

// ---------------------------------------------------------------------------------------
// Timers

/** The UTC instant of wall-clock `hhmm` on calendar day `isoDate` in `timeZone`. */
export function zonedInstant(isoDate: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const offset = (at: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(at))
        .map((p) => [p.type, p.value]),
    );
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - at;
  };
  let t = guess - offset(guess);
  t = guess - offset(t); // once more across a DST change
  return new Date(t);
}

/** The calendar date of `at` in `timeZone`. */
export function zonedDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** When a request routed to `queue` at `at` is due, is reminded, and escalates. */
export function slaTimers(queue: QueueName, at: Date, settings: SlaSettings, timeZone: string): { dueAt: Date; remindAt: Date; escalateAt: Date } {
  const plus = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
  let dueAt: Date;
  if (queue === 'exception_prescription') {
    // "Call the owner the same day": by the end of the clinic's day, or tomorrow's when it has ended.
    const day = zonedDate(at, timeZone);
    dueAt = zonedInstant(day, settings.dayEndsAt, timeZone);
    if (dueAt.getTime() <= at.getTime()) {
      const next = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      dueAt = zonedInstant(next, settings.dayEndsAt, timeZone);
    }
  } else {
    dueAt = plus(settings.targetMinutes[queue]);
  }
  const remindAt = queue === 'tech_urgent' ? new Date(Math.min(dueAt.getTime(), plus(settings.urgentReminderMinutes).getTime())) : dueAt;
  const escalateAt = new Date(Math.max(plus(settings.escalateAfterMinutes).getTime(), dueAt.getTime()));
  return { dueAt, remindAt, escalateAt };
}
