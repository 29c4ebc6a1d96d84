/**
 * Matching a refill request to the clinic's records, pure: what owners type is normalised
 * (phone, email, names), then owner → pet → prescription is found by name, brand synonyms and
 * typos. Never guesses: ties go to the front desk with the candidates (docs/refill-requests.md).
 */
import { prescriptionLapse } from '../../../validators/lib/eligibility';
import type { EligibilityCheck } from '../../../validators/requests';
import { medicationLabel, normalizePhone, type PatientStatus, type PrescriptionStatus } from '../../../validators/vocabulary';

/** A candidate the front desk picks from when a match is missing or ambiguous. */
export type MatchCandidate = {
  kind: 'client' | 'patient' | 'prescription';
  id: string;
  label: string;
  /** The pet's or medication's name alone, as an owner would say it (for a question back). */
  name?: string;
  clientId?: string;
  patientId?: string;
  score?: number;
};

// ---------------------------------------------------------------------------------------
// Normalising what owners type

/** E.164 for a phone number as owners type it (the shared vocabulary's one normaliser). */
export { normalizePhone };

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
  status: PrescriptionStatus;
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
  status: PatientStatus;
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
  return prescriptionLapse(rx, today) === null;
}

function petLabel(owner: OwnerFacts, pet: PetFacts): string {
  return `${pet.name} (${pet.species}${pet.status === 'active' ? '' : `, ${pet.status}`}) — ${owner.name}`;
}

/** A prescription's medication as staff read it: "Methimazole 5 mg/0.1 mL transdermal gel". */
export function rxName(rx: Pick<PrescriptionFacts, 'medicationName' | 'strength' | 'form'>): string {
  return medicationLabel({ name: rx.medicationName, strength: rx.strength, form: rx.form });
}

function rxLabel(rx: PrescriptionFacts): string {
  return `${rxName(rx)} — written ${rx.writtenOn}, ${rx.status === 'active' ? `valid through ${rx.expiresOn}` : `${rx.status} ${rx.expiresOn}`}, ${rx.refillsUsed}/${rx.refillsAuthorized} refills used`;
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
  const allPets: MatchCandidate[] = owners.flatMap((o) => o.pets.map((p) => ({ kind: 'patient' as const, id: p.id, clientId: o.id, label: petLabel(o, p), name: p.name })));
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
      chosen.map((p) => ({ kind: 'patient' as const, id: p.pet.id, clientId: p.owner.id, label: petLabel(p.owner, p.pet), name: p.pet.name, score: round2(p.score) })),
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
    list.map((rx) => ({ kind: 'prescription' as const, id: rx.id, patientId: pet.id, clientId: owner.id, label: rxLabel(rx), name: rxName(rx) }));
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
    checks: [...checks, { check: 'match.prescription', ok: true, detail: `${rxName(rx)}${how}.` }],
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}