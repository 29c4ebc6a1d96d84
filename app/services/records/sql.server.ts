/** SQL pieces of the clinic's records that other rooms' queries reuse. */
import { sql, type RawBuilder } from 'kysely';

/** An owner's full name in SQL, "Ana Garcia": first and last name of the `clients` row joined as `table` (default `c`). */
export function clientFullName(table = 'c'): RawBuilder<string> {
  return sql<string>`${sql.ref(`${table}.firstName`)} || ' ' || ${sql.ref(`${table}.lastName`)}`;
}
