/** How a medication is named on screen, in documents and in messages. */

/** "Methimazole 5 mg/ml oral suspension": name, strength and form (the SQL twin is `medicationDisplayName` in app/services/catalog/sql.server.ts). */
export function medicationLabel(m: { name: string; strength: string; form: string }): string {
  return `${m.name} ${m.strength} ${m.form}`;
}
