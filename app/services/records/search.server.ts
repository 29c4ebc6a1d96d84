/**
 * Patient search: by pet name, owner name, phone, email or PIMS id, for the patients page, the
 * API and the typeaheads (refill day, catalog, prescriptions). Names are matched only at the
 * start of a word ("bella" finds Bella and Bella Rose, never the pets of owner Isabella), so
 * a pet's name typed into a picker cannot land on another owner's pet by accident; phones,
 * emails and PIMS ids (a word with a digit or an @) anywhere in them. Every word must match
 * the pet or its owner, so "bella garcia" finds the Garcias' Bella.
 *
 * Answers come in tiers of the first word, best first: pets whose name starts with it, pets
 * with a later word of their name starting with it, pets of owners whose first or last name
 * starts with it (said on the option: only the owner matched), then phones, emails and ids.
 * The typeahead asks each tier in turn for what is still missing, each tier an index-backed,
 * limited query (prefix b-trees on names, trigram indexes on `search_text`), so it never sorts
 * every match (docs/records.md; test/bench/patients.bench.ts holds it to ≤ 30 ms p95 over
 * 50,000 patients).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import type { PatientStatus } from '../../../validators/vocabulary';
import { clinicScope, type Principal } from '../identity/principal';
import { clientFullName } from './sql.server';

/** One word of a search, escaped for LIKE; `prefix` when it is too short for the trigram index. */
export type SearchWord = { like: string; prefix: boolean };

/** Longer than any name, phone or id a person types: such a search finds nothing. */
export const SEARCH_MAX_LENGTH = 100;

/** Whether `q` is longer than anything a search can match (a paste gone wrong): answer nothing. */
export function searchTooLong(q: string | undefined): boolean {
  return (q ?? '').trim().length > SEARCH_MAX_LENGTH;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);

/**
 * What someone typed as search words: lower case, at most four words; a phone-like entry
 * ("(916) 555-01") becomes its digits. Null when nothing searchable is left.
 */
export function searchWords(q: string): SearchWord[] | null {
  const text = q.normalize('NFKC').trim().toLowerCase().slice(0, SEARCH_MAX_LENGTH);
  if (!text) return null;
  if (/^[\d\s()+.-]+$/.test(text)) {
    const digits = text.replace(/\D/g, '');
    return digits ? [{ like: digits, prefix: digits.length < 3 }] : null;
  }
  const words = text.split(/\s+/).filter(Boolean).slice(0, 4);
  return words.map((w) => ({ like: escapeLike(w), prefix: w.length < 3 }));
}

/** The whole entry as one LIKE term (owner lists, which search one table). */
export function searchTerm(q: string): { like: string } | null {
  const words = searchWords(q);
  if (!words) return null;
  return { like: words.map((w) => w.like).join(' ') };
}

type PetsEb = ExpressionBuilder<Database & { p: Database['patients'] }, 'p'>;
type PatientsEb = ExpressionBuilder<Database & { p: Database['patients']; c: Database['clients'] }, 'p' | 'c'>;

/** Which part of the record a search matched, best first; the typeahead says "owner" on its option. */
export type PatientMatch = 'pet' | 'owner' | 'id';

/** A word that can only be a phone, an email or an id, never a name. */
const isIdWord = (word: SearchWord) => /[\d@]/.test(word.like);

/**
 * The pet's name in the order the name index keeps (`patients_name_sort`: lower case, byte
 * order), so a tier's first rows are read off the index instead of sorting every match.
 */
const nameKey = sql<string>`lower(p.name) collate "C"`;

/** A word starting the pet's name (the name index's range). */
const startsPetName = (eb: PetsEb, word: SearchWord) => eb(nameKey, 'like', `${word.like}%`);

/** A word starting a later word of the pet's name ("Bella Rose" for "rose"); the trigram index finds the candidates. */
function laterPetWord(eb: PetsEb, word: SearchWord): Expression<SqlBool> {
  // "% be" still gives the index the word-start trigrams ("  b", " be").
  return eb.and([eb('p.searchText', 'like', `% ${word.like}%`), eb(eb.fn('lower', ['p.name']), 'like', `% ${word.like}%`)]);
}

const petWordStart = (eb: PetsEb, word: SearchWord) => eb.or([startsPetName(eb, word), laterPetWord(eb, word)]);

/**
 * `column = any(array(subquery))`: the subquery's ids are worked out once and looked up by
 * index, where `in (subquery)` lets the planner hash-join them against every patient.
 */
function inIdList(column: 'p.id' | 'p.clientId', ids: Expression<{ id: string }>): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} = any(array${ids})`;
}

/**
 * Owners of the clinic with a first or last name (or a part of a double-barrelled one) starting
 * with the word: the name prefix b-trees, the trigram index for later parts, rechecked.
 */
function ownersNamed(eb: PetsEb | Kysely<Database>, clinicId: string, word: SearchWord) {
  return (eb as Kysely<Database>)
    .selectFrom('clients as c2')
    .select('c2.id')
    .where('c2.clinicId', '=', clinicId)
    .where('c2.mergedIntoId', 'is', null)
    .where((w) => {
      const first = w.fn('lower', ['c2.firstName']);
      const last = w.fn('lower', ['c2.lastName']);
      const starts = [w(first, 'like', `${word.like}%`), w(last, 'like', `${word.like}%`)];
      if (word.prefix) return w.or(starts);
      return w.or([
        ...starts,
        w.and([
          w.or([w('c2.searchText', 'like', `% ${word.like}%`), w('c2.searchText', 'like', `%-${word.like}%`)]),
          w.or([w(first, 'like', `% ${word.like}%`), w(last, 'like', `% ${word.like}%`), w(last, 'like', `%-${word.like}%`)]),
        ]),
      ]);
    });
}

/** Owners in the order their pets are listed in the owner tier: last name, first name (byte order), id. */
const ownerKey = (t: 'c' | 'c2') => sql<string>`lower(${sql.ref(`${t}.lastName`)} || ' ' || ${sql.ref(`${t}.firstName`)}) collate "C"`;

/** Owners read per round in the owner tier. */
const OWNER_PAGE = 25;

/** Pets of an owner with a name starting with the word. */
const ownerWordStart = (eb: PetsEb, clinicId: string, word: SearchWord) => inIdList('p.clientId', ownersNamed(eb, clinicId, word));

/** Phone (digits anywhere), email or PIMS id of the pet or its owner (trigram indexes). */
function idMatches(eb: PetsEb, clinicId: string, word: SearchWord): Expression<SqlBool> {
  const anywhere = `%${word.like}%`;
  return eb.or([
    eb('p.searchText', 'like', anywhere),
    inIdList('p.clientId', eb.selectFrom('clients as c3').select('c3.id').where('c3.clinicId', '=', clinicId).where('c3.searchText', 'like', anywhere)),
  ]);
}

/** One word matches the pet or its owner (the filter for every word after the first). */
function wordMatches(eb: PetsEb, clinicId: string, word: SearchWord): Expression<SqlBool> {
  const parts = [petWordStart(eb, word), ownerWordStart(eb, clinicId, word)];
  if (isIdWord(word)) parts.push(idMatches(eb, clinicId, word));
  return eb.or(parts);
}

type Tier = 1 | 2 | 3 | 4;

/**
 * The tiers of the first word, each answered by one index: pets whose name starts with it (the
 * name b-tree, read in order), pets with a later word of their name starting with it (trigrams),
 * pets of owners named so (the owners' name b-trees), phones, emails and ids (trigrams). Each
 * tier leaves out what an earlier one found.
 */
function tierCondition(eb: PetsEb, clinicId: string, word: SearchWord, tier: Tier): Expression<SqlBool> {
  switch (tier) {
    case 1:
      return startsPetName(eb, word);
    case 2:
      return eb.and([laterPetWord(eb, word), eb.not(startsPetName(eb, word))]);
    case 3:
      return eb.and([ownerWordStart(eb, clinicId, word), eb.not(petWordStart(eb, word))]);
    case 4:
      return eb.and([idMatches(eb, clinicId, word), eb.not(petWordStart(eb, word)), eb.not(ownerWordStart(eb, clinicId, word))]);
  }
}

/**
 * The tiers a first word can match: an email only the last; digits (a phone, an id, "Bella 2")
 * pets' names and the ids, never owners' names; letters with a digit also ids.
 */
function tiersOf(word: SearchWord): Tier[] {
  if (word.like.includes('@')) return [4];
  if (/^\d+$/.test(word.like)) return [1, 2, 4];
  return isIdWord(word) ? [1, 2, 3, 4] : [1, 2, 3];
}

export type PatientSearch = { q?: string; status?: PatientStatus; limit?: number; offset?: number };

/** Patients of the clinic (not merged, of the status asked). */
function petsQuery(db: Kysely<Database>, clinicId: string, search: PatientSearch) {
  return db
    .selectFrom('patients as p')
    .where('p.clinicId', '=', clinicId)
    .where('p.mergedIntoId', 'is', null)
    .$if(!!search.status, (q) => q.where('p.status', '=', search.status!));
}

/** Every word matches: the first through one of its tiers, the others anywhere a name starts. */
function matchesAll(eb: PetsEb, clinicId: string, words: SearchWord[]): Expression<SqlBool> {
  const [first, ...rest] = words as [SearchWord, ...SearchWord[]];
  return eb.and([eb.or(tiersOf(first).map((t) => tierCondition(eb, clinicId, first, t))), ...rest.map((w) => wordMatches(eb, clinicId, w))]);
}

/** The search as a query over `patients as p` joined to `clients as c`: every word matches. */
export function patientSearchQuery(db: Kysely<Database>, clinicId: string, search: PatientSearch) {
  const words = searchWords(search.q ?? '');
  return petsQuery(db, clinicId, search)
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .$if(words !== null, (q) => q.where((eb) => matchesAll(eb as unknown as PetsEb, clinicId, words!)));
}

const LIST_COLUMNS = [
  'p.id', 'p.name', 'p.species', 'p.breed', 'p.birthDate', 'p.status', 'p.weightKg', 'p.weightMeasuredOn', 'p.lastWellnessExamOn', 'p.pimsId',
  'c.id as clientId', 'c.phone as clientPhone',
] as const;

/** What matched, for the option's label: the pet's name if any word starts one of its words, else the owner's. */
function matchedBy(eb: PatientsEb, words: SearchWord[] | null) {
  if (!words) return sql<PatientMatch>`'pet'`;
  const lowerFirst = eb.fn('lower', ['c.firstName']);
  const lowerLast = eb.fn('lower', ['c.lastName']);
  const pet = (w: SearchWord) => eb.or([eb(eb.fn('lower', ['p.name']), 'like', `${w.like}%`), eb(eb.fn('lower', ['p.name']), 'like', `% ${w.like}%`)]);
  const owner = (w: SearchWord) =>
    eb.or([lowerFirst, lowerLast].flatMap((name) => [eb(name, 'like', `${w.like}%`), eb(name, 'like', `% ${w.like}%`), eb(name, 'like', `%-${w.like}%`)]));
  const which = eb
    .case()
    .when(eb.or(words.map(pet)))
    .then(sql<PatientMatch>`'pet'`)
    .when(eb.or(words.map(owner)))
    .then(sql<PatientMatch>`'owner'`)
    .else(sql<PatientMatch>`'id'`)
    .end();
  return sql<PatientMatch>`${which}`;
}

/** The tier a row is in, for one ordered page (the patients page's later pages). */
function tierOf(eb: PetsEb, clinicId: string, word: SearchWord) {
  let chain = eb.case().when(tierCondition(eb, clinicId, word, 1)).then(1);
  for (const t of [2, 3] as const) chain = chain.when(tierCondition(eb, clinicId, word, t)).then(t);
  return chain.else(4).end();
}

/**
 * One page of matching patients (no total): the typeaheads' query. From the first row, each
 * tier is asked in turn for the ids still missing (read off its index in name order, no join),
 * then those rows are read once; a later page is one query ordered by tier.
 */
export async function searchPatients(principal: Principal, search: PatientSearch) {
  const clinicId = clinicScope(principal);
  if (searchTooLong(search.q)) return [];
  const db = getDb();
  const limit = Math.min(Math.max(search.limit ?? 10, 1), 200);
  const offset = Math.max(search.offset ?? 0, 0);
  const words = searchWords(search.q ?? '');
  const rowsOf = (q: ReturnType<typeof petsQuery>) =>
    q.innerJoin('clients as c', 'c.id', 'p.clientId').select((eb) => [...LIST_COLUMNS, clientFullName().as('clientName'), matchedBy(eb as PatientsEb, words).as('matchedBy')]);
  if (!words || offset > 0) {
    const first = words?.[0];
    return rowsOf(petsQuery(db, clinicId, search))
      .$if(words !== null, (q) => q.where((eb) => matchesAll(eb as unknown as PetsEb, clinicId, words!)))
      .$if(!!first, (q) =>
        q
          .orderBy((eb) => tierOf(eb as unknown as PetsEb, clinicId, first!))
          .orderBy((eb) => sql`case when ${tierOf(eb as unknown as PetsEb, clinicId, first!)} = 3 then ${ownerKey('c')} end`)
          .orderBy((eb) => sql`case when ${tierOf(eb as unknown as PetsEb, clinicId, first!)} = 3 then ${eb.ref('c.id')} end`),
      )
      .orderBy(nameKey)
      .orderBy('p.id')
      .limit(limit)
      .offset(offset)
      .execute();
  }
  const [first, ...rest] = words as [SearchWord, ...SearchWord[]];
  const ids: string[] = [];
  for (const tier of tiersOf(first)) {
    // The owner tier names its owners itself (below); its condition is then only "not a pet match".
    const condition = (eb: PetsEb) => (tier === 3 ? eb.not(petWordStart(eb, first)) : tierCondition(eb, clinicId, first, tier));
    const matching = petsQuery(db, clinicId, search).where((eb) => eb.and([condition(eb), ...rest.map((w) => wordMatches(eb, clinicId, w))]));
    if (tier === 3) {
      // Owners first, in name order, a few at a time: their pets, not every pet of every match.
      for (let page = 0; ids.length < limit && page < 20; page++) {
        const owners = await ownersNamed(db, clinicId, first).orderBy(ownerKey('c2')).orderBy('c2.id').limit(OWNER_PAGE).offset(page * OWNER_PAGE).execute();
        if (owners.length === 0) break;
        const pets = await matching.where('p.clientId', 'in', owners.map((o) => o.id)).select(['p.id', 'p.clientId']).orderBy(nameKey).orderBy('p.id').execute();
        const rank = new Map(owners.map((o, i) => [o.id, i]));
        pets.sort((a, b) => rank.get(a.clientId)! - rank.get(b.clientId)!); // stable: pet name order within an owner
        ids.push(...pets.slice(0, limit - ids.length).map((r) => r.id));
        if (owners.length < OWNER_PAGE) break;
      }
    } else {
      const rows = await matching.select('p.id').orderBy(nameKey).orderBy('p.id').limit(limit - ids.length).execute();
      ids.push(...rows.map((r) => r.id));
    }
    if (ids.length >= limit) break;
  }
  if (ids.length === 0) return [];
  const rows = await rowsOf(petsQuery(db, clinicId, search)).where('p.id', 'in', ids).execute();
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
}

/** Patients of the acting clinic matching `q` with the total count: the patients page and `GET /api/v1/patients`. */
export async function listPatients(principal: Principal, search: PatientSearch = {}) {
  const clinicId = clinicScope(principal);
  if (searchTooLong(search.q)) return { patients: [], total: 0 };
  const [patients, total] = await Promise.all([
    searchPatients(principal, { ...search, limit: search.limit ?? 50 }),
    patientSearchQuery(getDb(), clinicId, search).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { patients, total: Number(total.n) };
}
