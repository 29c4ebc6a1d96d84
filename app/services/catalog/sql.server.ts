/** SQL pieces of the catalog that other rooms' queries reuse. */
import { sql, type RawBuilder } from 'kysely';

/**
 * A medication's display name in SQL, "Methimazole 5 mg/ml oral suspension": name, strength
 * and form of the `medications` row joined as `table` (default `m`). The SQL twin of
 * `medicationLabel` (validators/vocabulary).
 */
export function medicationDisplayName(table = 'm'): RawBuilder<string> {
  return sql<string>`${sql.ref(`${table}.name`)} || ' ' || ${sql.ref(`${table}.strength`)} || ' ' || ${sql.ref(`${table}.form`)}`;
}
