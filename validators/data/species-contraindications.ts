/**
 * Substances a species must not receive in a compounded medication, as active ingredient or
 * in the vehicle. Rows are written from general veterinary knowledge; each names the
 * reference a clinician would check it against. They are a safety net, not a formulary:
 * dose-dependent cautions (NSAIDs in cats, ivermectin in MDR1 dogs) are not here, because a
 * blocking error there would be wrong more often than right.
 */
import type { SigRoute, Species } from '../types';

export type SpeciesContraindication = {
  species: Species;
  /** The substance as a technician would recognise it. */
  substance: string;
  /** Lower-case names an ingredient or vehicle entry may carry for it (the substance included). */
  names: readonly string[];
  /** Only these routes harm; absent = every route. An unknown route counts as harmful. */
  routes?: readonly SigRoute[];
  /** Why, in one line a technician can read to the vet. */
  reason: string;
  /** The reference to check the row against. */
  source: string;
};

const ASPCA = 'ASPCA Animal Poison Control Center, toxic and non-toxic substances for pets (aspca.org/pet-care/animal-poison-control)';
const MERCK = 'Merck Veterinary Manual (merckvetmanual.com)';

export const SPECIES_CONTRAINDICATIONS: readonly SpeciesContraindication[] = [
  {
    species: 'cat',
    substance: 'permethrin',
    names: ['permethrin'],
    reason: 'cats lack the glucuronidation to clear pyrethroids; tremors and seizures follow even dog-strength spot-ons',
    source: `${MERCK}, "Pyrethrins and pyrethroids" toxicity; ${ASPCA}`,
  },
  {
    species: 'cat',
    substance: 'acetaminophen',
    names: ['acetaminophen', 'paracetamol', 'apap'],
    reason: 'causes methemoglobinemia and Heinz body anemia in cats at any therapeutic dose',
    source: `${MERCK}, "Acetaminophen toxicosis"; ${ASPCA}`,
  },
  {
    species: 'ferret',
    substance: 'acetaminophen',
    names: ['acetaminophen', 'paracetamol', 'apap'],
    reason: 'ferrets conjugate acetaminophen poorly, like cats; methemoglobinemia and liver injury',
    source: `${MERCK}, "Acetaminophen toxicosis" (species susceptibility)`,
  },
  {
    species: 'cat',
    substance: 'propylene glycol',
    names: ['propylene glycol'],
    routes: ['oral', 'buccal', 'sublingual'],
    reason: 'oral propylene glycol causes Heinz body anemia in cats; FDA bars it from cat food',
    source: '21 CFR 589.1001 (propylene glycol in or on cat food not generally recognized as safe); Merck Veterinary Manual, Heinz body anemia',
  },
  {
    species: 'cat',
    substance: 'tea tree oil',
    names: ['tea tree oil', 'melaleuca', 'melaleuca oil'],
    reason: 'terpenes absorbed through the skin cause ataxia, tremors and liver injury in cats',
    source: `${ASPCA} (essential oils); ${MERCK}, "Essential oil toxicosis"`,
  },
  {
    species: 'cat',
    substance: 'benzocaine',
    names: ['benzocaine'],
    reason: 'topical benzocaine causes methemoglobinemia in cats',
    source: `${MERCK}, methemoglobinemia-inducing agents`,
  },
  {
    species: 'dog',
    substance: 'xylitol',
    names: ['xylitol', 'birch sugar'],
    routes: ['oral', 'buccal', 'sublingual'],
    reason: 'xylitol releases insulin in dogs: hypoglycemia within an hour, liver failure at higher doses; a flavoured compounding base is the usual way in',
    source: `${ASPCA} (xylitol); ${MERCK}, "Xylitol toxicosis in dogs"; FDA CVM "Paws off xylitol"`,
  },
  {
    species: 'rabbit',
    substance: 'clindamycin',
    names: ['clindamycin'],
    reason: 'lincosamides kill the rabbit gut flora: fatal clostridial enterotoxemia',
    source: `${MERCK}, rabbits, antibiotic-associated enterotoxemia`,
  },
  {
    species: 'rabbit',
    substance: 'lincomycin',
    names: ['lincomycin'],
    reason: 'lincosamides kill the rabbit gut flora: fatal clostridial enterotoxemia',
    source: `${MERCK}, rabbits, antibiotic-associated enterotoxemia`,
  },
  {
    species: 'rabbit',
    substance: 'oral amoxicillin/ampicillin',
    names: ['amoxicillin', 'ampicillin'],
    routes: ['oral', 'buccal', 'sublingual'],
    reason: 'oral aminopenicillins cause fatal enterotoxemia in rabbits',
    source: `${MERCK}, rabbits, antibiotic-associated enterotoxemia`,
  },
  {
    species: 'horse',
    substance: 'lincomycin/clindamycin',
    names: ['lincomycin', 'clindamycin'],
    reason: 'lincosamides cause severe, often fatal colitis in horses',
    source: `${MERCK}, lincosamides (contraindicated in horses)`,
  },
];
