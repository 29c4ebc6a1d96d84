import { SPECIES_CONTRAINDICATIONS } from '../data/species-contraindications';
import { lineRoute } from '../lib/route';
import type { RuleCheck, RuleFinding } from '../types';

function mentions(entry: string, name: string): boolean {
  // Whole words, so "apap" does not match inside another word.
  return ` ${entry.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `.includes(` ${name.replace(/[^a-z0-9]+/g, ' ')} `);
}

/**
 * `species.safety`: a compounded medication must not contain, as ingredient or vehicle, a
 * substance known to harm the patient's species (validators/data/species-contraindications.ts).
 * When a row harms by one route only and the route is unknown, the row applies: a false
 * alarm costs a vet's glance, a miss can kill the patient.
 */
export const speciesSafety: RuleCheck = (line, ctx) => {
  const patient = ctx.patients[line.patientId];
  const medication = ctx.medications[line.medicationId];
  if (!patient || !medication) return [];
  const route = lineRoute(line, medication);
  const findings: RuleFinding[] = [];
  for (const row of SPECIES_CONTRAINDICATIONS) {
    if (row.species !== patient.species) continue;
    if (row.routes && route !== undefined && !row.routes.includes(route)) continue;
    const inIngredients = medication.ingredients.some((i) => row.names.some((n) => mentions(i, n)));
    const inVehicle = medication.vehicle.some((v) => row.names.some((n) => mentions(v, n)));
    if (!inIngredients && !inVehicle) continue;
    findings.push({
      message: `${medication.name} contains ${row.substance}${inVehicle && !inIngredients ? ' in its vehicle' : ''}, which is unsafe for ${patient.species}s: ${row.reason}.`,
      hint: inVehicle && !inIngredients
        ? `Ask the pharmacy for a ${row.substance}-free vehicle, or choose another medication with the veterinarian.`
        : 'Choose another medication with the veterinarian.',
    });
  }
  return findings;
};
