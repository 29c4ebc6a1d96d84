/**
 * Patient search: by pet name, owner name, phone, email or PIMS id, for the patients page, the
 * API and the typeaheads (refill day, catalog). Each owner and patient keeps a generated
 * lower-case `search_text` with a trigram index; a word of three letters or more is found
 * anywhere in it ("ella" finds Bella), a shorter one at the start of a pet's or owner's name
 * (b-tree prefix indexes), digits typed like a phone number anywhere in the phones. Every word
 * must match the pet or its owner, so "bella garcia" finds the Garcias' Bella.
 * test/bench/patients.bench.ts holds the typeahead to its target over 50,000 patients.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import type { PatientStatus } from '../../../validators/vocabulary';
import { clinicScope, type Principal } from '../identity/principal';
import { clientFullName } from './sql.server';

/** One word of a search, escaped for LIKE; `prefix` when it is too short for the trigram index. */
export type SearchWord = { like: string; prefix: boolean };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => '\\' + m);

/**
 * What someone typed as search words: lower case, at most four words; a phone-like entry
 * ("(916) 555-01") becomes its digits. Null when nothing searchable is left.
 */
export function searchWords(q: string): SearchWord[] | null {
  const text = q.normalize('NFKC').trim().toLowerCase().slice(0, 100);
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

type PatientsEb = ExpressionBuilder<Database & { p: Database['patients'] }, 'p'>;

/** Patients of the clinic one word matches: their own text, or their owner's. */
function wordMatches(eb: PatientsEb, clinicId: string, word: SearchWord): Expression<SqlBool> {
  if (word.prefix) {
    const start = `${word.like}%`;
    return eb.or([
      eb(eb.fn('lower', ['p.name']), 'like', start),
      eb(
        'p.clientId',
        'in',
        eb
          .selectFrom('clients as c2')
          .select('c2.id')
          .where('c2.clinicId', '=', clinicId)
          .where((w) => w.or([w(w.fn('lower', ['c2.lastName']), 'like', start), w(w.fn('lower', ['c2.firstName']), 'like', start)])),
      ),
    ]);
  }
  const anywhere = `%${word.like}%`;
  // One id list from both indexes: an OR across the join would scan every patient instead.
  return eb(
    'p.id',
    'in',
    eb
      .selectFrom('patients as p2')
      .select('p2.id')
      .where('p2.clinicId', '=', clinicId)
      .where('p2.searchText', 'like', anywhere)
      .union(
        eb
          .selectFrom('patients as p3')
          .innerJoin('clients as c3', 'c3.id', 'p3.clientId')
          .select('p3.id')
          .where('c3.clinicId', '=', clinicId)
          .where('c3.searchText', 'like', anywhere),
      ),
  );
}

export type PatientSearch = { q?: string; status?: PatientStatus; limit?: number; offset?: number };

/** The search as a query over `patients as p` joined to `clients as c` (not merged, in the clinic). */
export function patientSearchQuery(clinicId: string, search: PatientSearch) {
  const words = searchWords(search.q ?? '');
  return getDb()
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .where('p.clinicId', '=', clinicId)
    .where('p.mergedIntoId', 'is', null)
    .$if(!!search.status, (q) => q.where('p.status', '=', search.status!))
    .$if(words !== null, (q) => q.where((eb) => eb.and(words!.map((w) => wordMatches(eb as PatientsEb, clinicId, w)))));
}

/** With a search, pets whose name starts with the first word come first (then by name). */
function ranked(search: PatientSearch) {
  const first = searchWords(search.q ?? '')?.[0];
  return first ? sql<boolean>`lower(p.name) like ${`${first.like}%`}` : null;
}

const LIST_COLUMNS = [
  'p.id', 'p.name', 'p.species', 'p.breed', 'p.status', 'p.weightKg', 'p.weightMeasuredOn', 'p.lastWellnessExamOn', 'p.pimsId',
  'c.id as clientId', 'c.phone as clientPhone',
] as const;

/** One page of matching patients (no total): the typeaheads' query. */
export async function searchPatients(principal: Principal, search: PatientSearch) {
  const clinicId = clinicScope(principal);
  const limit = Math.min(Math.max(search.limit ?? 10, 1), 200);
  const rank = ranked(search);
  return patientSearchQuery(clinicId, search)
    .select([...LIST_COLUMNS, clientFullName().as('clientName')])
    .$if(rank !== null, (q) => q.orderBy(rank!, 'desc'))
    .orderBy('p.name')
    .orderBy('p.id')
    .limit(limit)
    .offset(Math.max(search.offset ?? 0, 0))
    .execute();
}

/** Patients of the acting clinic matching `q` with the total count: the patients page and `GET /api/v1/patients`. */
export async function listPatients(principal: Principal, search: PatientSearch = {}) {
  const clinicId = clinicScope(principal);
  const [patients, total] = await Promise.all([
    searchPatients(principal, { ...search, limit: search.limit ?? 50 }),
    patientSearchQuery(clinicId, search).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { patients, total: Number(total.n) };
}
