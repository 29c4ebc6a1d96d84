import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
//
// Catalog search (issue 3): one lower-case text per medication holding everything staff type
// to find it (name, strength, form, species, brand names, ingredients), trigram-indexed so
// `ILIKE '%felimaz%'` is an index scan. It is a generated column over an IMMUTABLE wrapper:
// array_to_string is only STABLE in general (element output functions), but for text[] it
// cannot change, and a generated column cannot drift from the row the way a trigger-kept one
// can when someone forgets a column in the trigger's list.
//
// Catalog imports keep what they import (`input`: the CSV text of an upload or a dropped file,
// so a job on any worker can read it) and how (`options`: full or partial feed, the price-move
// threshold).
const UP_SQL = `
create function medication_search_text(name text, strength text, form text, species_use text[], synonyms text[], ingredients text[])
returns text language sql immutable parallel safe as $$
  select lower(concat_ws(' ', name, strength, form,
    array_to_string(species_use, ' '), array_to_string(synonyms, ' '), array_to_string(ingredients, ' ')))
$$;

alter table medications add column search_text text not null
  generated always as (medication_search_text(name, strength, form, species_use, synonyms, ingredients)) stored;
create index medications_search_trgm on medications using gin (search_text gin_trgm_ops);

-- The catalog lists available offers by medication, filtered by pharmacy; imports look offers up by pharmacy.
create index offers_available_medication_idx on offers (medication_id, pharmacy_id) where available;

alter table catalog_imports add column input text;
alter table catalog_imports add column options jsonb not null default '{}';
`;

const DOWN_SQL = `
alter table catalog_imports drop column if exists options;
alter table catalog_imports drop column if exists input;
drop index if exists offers_available_medication_idx;
drop index if exists medications_search_trgm;
alter table medications drop column if exists search_text;
drop function if exists medication_search_text(text, text, text, text[], text[], text[]);
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
