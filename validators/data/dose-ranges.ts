/**
 * Dose ranges of the catalog's medications by species, for the `dose.range` rule
 * (docs/validation.md). Every range names the public document it is transcribed from: an
 * FDA-approved animal drug label (by its NADA number; the labels are published at
 * animaldrugsatfda.fda.gov) or a consensus guideline of the ACVIM, AAHA or AAFP. Where no
 * such document was transcribed for a species, the row says so (`noReference`) and the rule
 * reports "no reference" instead of guessing a range. A test refuses a range without a source.
 *
 * The numbers are what the cited document states for the indication the catalog product is
 * used for; they are a plausibility net against slips of a decimal point, mg for mL or a
 * concentration misread, not a formulary. A veterinarian should review a row before relying
 * on it, and add rows from the same kind of sources.
 */
import type { SigRoute } from '../types';

/** The species the reference covers; any other species has no reference. */
export const REFERENCE_SPECIES = ['dog', 'cat', 'horse', 'rabbit', 'ferret'] as const;
export type ReferenceSpecies = (typeof REFERENCE_SPECIES)[number];

/** A published document a range is transcribed from. */
export type DoseSource = {
  /** Short name shown with the finding, e.g. "Rimadyl label (NADA 141-053)". */
  short: string;
  /** The full citation. */
  citation: string;
  url?: string;
};

/**
 * A range in milligrams of active ingredient, per kilogram of body weight (`mg/kg`) or per
 * animal (`mg/animal`, as feline doses are often stated). `perDose` bounds one administration,
 * `perDay` the total of a day; `maxPerDay` is a daily maximum the source states outright.
 */
export type DoseRange = {
  basis: 'mg/kg' | 'mg/animal';
  perDose?: readonly [min: number, max: number];
  perDay?: readonly [min: number, max: number];
  maxPerDay?: number;
  /** The range holds for these routes only; another written route is not checked. */
  routes?: readonly SigRoute[];
  source: DoseSource;
  /** What the source says, in a line, when the range needs explaining. */
  note?: string;
};

/** No public reference was transcribed for this species: the rule says so. */
export type NoReference = { noReference: string };

export type MedicationDoseReference = {
  /** The catalog's medication name (compared case-insensitively). */
  medication: string;
  /**
   * Set when a weight-based check does not apply (eye drops, weight-banded combination
   * products): the rule skips the medication and says nothing.
   */
  notWeightBased?: string;
  species: Readonly<Record<ReferenceSpecies, DoseRange | NoReference>>;
};

/** An FDA-approved label; the application number where it was checked, else the product name to search for. */
const fda = (product: string, nada?: string): DoseSource =>
  nada
    ? { short: `${product} label (NADA ${nada})`, citation: `${product}, FDA-approved animal drug label, NADA ${nada}`, url: `https://animaldrugsatfda.fda.gov/adafda/views/#/home/previewsearch/${nada}` }
    : { short: `${product} label`, citation: `${product}, FDA-approved animal drug label (Animal Drugs @ FDA)`, url: 'https://animaldrugsatfda.fda.gov/' };

const S = {
  rimadyl: { ...fda('Rimadyl (carprofen)', '141-053'), citation: 'Rimadyl (carprofen) caplets and chewable tablets, FDA-approved animal drug label, NADA 141-053; 21 CFR 520.309' },
  apoquel: fda('Apoquel (oclacitinib)', '141-345'),
  clomicalm: fda('Clomicalm (clomipramine)', '141-120'),
  reconcile: fda('Reconcile (fluoxetine)', '141-272'),
  prascend: fda('Prascend (pergolide)', '141-331'),
  mirataz: fda('Mirataz (mirtazapine transdermal ointment)', '141-481'),
  itrafungol: fda('Itrafungol (itraconazole oral solution)'),
  proin: fda('Proin (phenylpropanolamine)'),
  nexgard: fda('NexGard (afoxolaner)', '141-406'),
  thyroTabs: fda('Thyro-Tabs Canine (levothyroxine)'),
  torbutrol: fda('Torbutrol (butorphanol tartrate tablets)'),
  acvimMmvd: {
    short: 'ACVIM consensus, canine MMVD (2019)',
    citation: 'Keene BW, Atkins CE, Bonagura JD, et al. ACVIM consensus guidelines for the diagnosis and treatment of myxomatous mitral valve disease in dogs. J Vet Intern Med. 2019;33(3):1127-1140. doi:10.1111/jvim.15488',
    url: 'https://doi.org/10.1111/jvim.15488',
  },
  acvimHypertension: {
    short: 'ACVIM consensus, systemic hypertension (2018)',
    citation: 'Acierno MJ, Brown S, Coleman AE, et al. ACVIM consensus statement: guidelines for the identification, evaluation, and management of systemic hypertension in dogs and cats. J Vet Intern Med. 2018;32(6):1803-1822. doi:10.1111/jvim.15331',
    url: 'https://doi.org/10.1111/jvim.15331',
  },
  acvimEpilepsy: {
    short: 'ACVIM consensus, seizure management in dogs (2016)',
    citation: 'Podell M, Volk HA, Berendt M, et al. 2015 ACVIM small animal consensus statement on seizure management in dogs. J Vet Intern Med. 2016;30(2):477-490. doi:10.1111/jvim.13841',
    url: 'https://doi.org/10.1111/jvim.13841',
  },
  aafpThyroid: {
    short: 'AAFP guidelines, feline hyperthyroidism (2016)',
    citation: 'Carney HC, Ward CR, Bailey SJ, et al. 2016 AAFP guidelines for the management of feline hyperthyroidism. J Feline Med Surg. 2016;18(5):400-416. doi:10.1177/1098612X16643252',
    url: 'https://doi.org/10.1177/1098612X16643252',
  },
} as const satisfies Record<string, DoseSource>;

const NOT_TRANSCRIBED = 'No FDA label, consensus guideline or open paper transcribed for this species yet.';
const none: NoReference = { noReference: NOT_TRANSCRIBED };
/** Every species without a reference; spread it and override the species that have one. */
const NONE: Record<ReferenceSpecies, NoReference> = { dog: none, cat: none, horse: none, rabbit: none, ferret: none };

export const DOSE_REFERENCE: readonly MedicationDoseReference[] = [
  {
    medication: 'Carprofen',
    species: {
      ...NONE,
      dog: { basis: 'mg/kg', perDose: [2.2, 4.4], maxPerDay: 4.4, source: S.rimadyl, note: '4.4 mg/kg once daily or 2.2 mg/kg twice daily' },
      cat: { noReference: 'Not approved for cats; the label warns against use in cats.' },
    },
  },
  {
    medication: 'Oclacitinib',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [0.4, 0.6], maxPerDay: 1.2, source: S.apoquel, note: '0.4-0.6 mg/kg twice daily for up to 14 days, then once daily' } },
  },
  {
    medication: 'Pimobendan',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [0.25, 0.3], source: S.acvimMmvd, note: '0.25-0.3 mg/kg by mouth every 12 hours' } },
  },
  {
    medication: 'Methimazole',
    species: {
      ...NONE,
      cat: { basis: 'mg/animal', perDose: [1.25, 2.5], routes: ['oral', 'transdermal', 'topical'], source: S.aafpThyroid, note: 'starting dose 1.25-2.5 mg per cat every 12 hours, by mouth or on the pinna; later doses are titrated to T4' },
    },
  },
  {
    medication: 'Amlodipine',
    species: {
      ...NONE,
      dog: { basis: 'mg/kg', perDose: [0.1, 0.5], source: S.acvimHypertension, note: '0.1-0.5 mg/kg once daily' },
      cat: { basis: 'mg/animal', perDose: [0.625, 1.25], source: S.acvimHypertension, note: '0.625-1.25 mg per cat once daily' },
    },
  },
  {
    medication: 'Atenolol',
    species: {
      ...NONE,
      dog: { basis: 'mg/kg', perDose: [0.25, 1], source: S.acvimHypertension, note: '0.25-1.0 mg/kg every 12 hours' },
      cat: { basis: 'mg/animal', perDose: [6.25, 12.5], source: S.acvimHypertension, note: '6.25-12.5 mg per cat every 12 hours' },
    },
  },
  {
    medication: 'Enalapril',
    species: {
      ...NONE,
      dog: { basis: 'mg/kg', perDose: [0.5, 0.5], source: S.acvimMmvd, note: '0.5 mg/kg every 12 hours' },
      cat: { basis: 'mg/kg', perDose: [0.5, 0.5], source: S.acvimHypertension, note: '0.5 mg/kg every 12-24 hours' },
    },
  },
  {
    medication: 'Benazepril',
    species: {
      ...NONE,
      dog: { basis: 'mg/kg', perDose: [0.5, 0.5], source: S.acvimHypertension, note: '0.5 mg/kg every 12-24 hours' },
      cat: { basis: 'mg/kg', perDose: [0.5, 0.5], source: S.acvimHypertension, note: '0.5 mg/kg every 12-24 hours' },
    },
  },
  {
    medication: 'Spironolactone',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [2, 2], source: S.acvimMmvd, note: '2.0 mg/kg every 12-24 hours' } },
  },
  {
    medication: 'Phenobarbital',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [2.5, 3], source: S.acvimEpilepsy, note: 'starting dose 2.5-3 mg/kg every 12 hours, then adjusted to serum concentrations' } },
  },
  {
    medication: 'Potassium bromide',
    species: { ...NONE, dog: { basis: 'mg/kg', perDay: [30, 40], source: S.acvimEpilepsy, note: 'maintenance 40 mg/kg a day alone, about 30 mg/kg a day with phenobarbital' } },
  },
  {
    medication: 'Levetiracetam',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [20, 20], source: S.acvimEpilepsy, note: '20 mg/kg every 8 hours' } },
  },
  {
    medication: 'Zonisamide',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [5, 10], source: S.acvimEpilepsy, note: '5 mg/kg every 12 hours alone, 10 mg/kg every 12 hours with phenobarbital' } },
  },
  {
    medication: 'Clomipramine',
    species: { ...NONE, dog: { basis: 'mg/kg', perDay: [2, 4], source: S.clomicalm, note: '2-4 mg/kg a day, once or divided twice daily' } },
  },
  {
    medication: 'Fluoxetine',
    species: { ...NONE, dog: { basis: 'mg/kg', perDay: [1, 2], source: S.reconcile, note: '1-2 mg/kg once daily' } },
  },
  {
    medication: 'Pergolide',
    species: { ...NONE, horse: { basis: 'mg/kg', perDose: [0.002, 0.004], maxPerDay: 0.004, source: S.prascend, note: '2 mcg/kg once daily, adjusted up to 4 mcg/kg a day' } },
  },
  {
    medication: 'Mirtazapine',
    species: { ...NONE, cat: { basis: 'mg/animal', perDose: [2, 2], routes: ['transdermal', 'topical'], source: S.mirataz, note: 'a 1.5-inch ribbon (about 2 mg) on the inner pinna once daily' } },
  },
  {
    medication: 'Itraconazole',
    species: { ...NONE, cat: { basis: 'mg/kg', perDose: [5, 5], source: S.itrafungol, note: '5 mg/kg once daily on alternating weeks' } },
  },
  {
    medication: 'Phenylpropanolamine',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [2, 2], source: S.proin, note: '2 mg/kg twice daily' } },
  },
  {
    medication: 'Butorphanol',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [0.55, 0.55], source: S.torbutrol, note: 'antitussive: 0.55 mg/kg every 8-12 hours' } },
  },
  {
    medication: 'Afoxolaner',
    species: { ...NONE, dog: { basis: 'mg/kg', perDose: [2.5, 6.3], source: S.nexgard, note: 'minimum 2.5 mg/kg once a month; the upper end is the lightest dog of each chew size' } },
  },
  {
    medication: 'Levothyroxine',
    species: { ...NONE, dog: { basis: 'mg/kg', perDay: [0.022, 0.022], source: S.thyroTabs, note: 'initial 0.022 mg/kg a day, once or divided twice daily, then adjusted to T4' } },
  },
  // Weight-banded combination products and eye medications: no per-kilogram check applies.
  { medication: 'Ivermectin/pyrantel', notWeightBased: 'a combination product dosed by weight band, one chew a month', species: NONE },
  { medication: 'Selamectin/sarolaner', notWeightBased: 'a combination product dosed by weight band, one tube a month', species: NONE },
  { medication: 'Cyclosporine', notWeightBased: 'an eye medication dosed per eye, not per kilogram', species: NONE },
  { medication: 'Tacrolimus', notWeightBased: 'an eye medication dosed per eye, not per kilogram', species: NONE },
  // Catalog medications with no transcribed reference for any species yet.
  ...[
    'Alprazolam', 'Budesonide', 'Buprenorphine', 'Chlorambucil', 'Cisapride', 'Cyanocobalamin', 'Cyproheptadine', 'Diazepam',
    'Diethylstilbestrol', 'Doxycycline', 'Famotidine', 'Furosemide', 'Gabapentin', 'Hydrocodone', 'Ketoconazole', 'Lomustine',
    'Methocarbamol', 'Metronidazole', 'Misoprostol', 'Omeprazole', 'Ondansetron', 'Prednisolone', 'Sildenafil', 'Terbinafine',
    'Tramadol', 'Trazodone', 'Trilostane', 'Ursodiol',
  ].map((medication): MedicationDoseReference => ({ medication, species: NONE })),
];

const BY_NAME: ReadonlyMap<string, MedicationDoseReference> = new Map(DOSE_REFERENCE.map((r) => [r.medication.toLowerCase(), r]));

/**
 * The reference of a catalog medication: by its name ("Gabapentin"), or by the first words of
 * a name that carries its strength and form ("Gabapentin 50 mg/ml oral suspension"). Undefined
 * when the medication is not in the table.
 */
export function doseReferenceFor(medicationName: string): MedicationDoseReference | undefined {
  const name = medicationName.trim().toLowerCase();
  const exact = BY_NAME.get(name);
  if (exact) return exact;
  const words = name.split(/\s+/);
  for (let n = Math.min(3, words.length - 1); n >= 1; n--) {
    const found = BY_NAME.get(words.slice(0, n).join(' '));
    if (found) return found;
  }
  return undefined;
}

/** Whether the table gives a range for at least one species (else the medication is not checked at all). */
export function hasAnyRange(entry: MedicationDoseReference): boolean {
  return Object.values(entry.species).some((r) => !isNoReference(r));
}

export function isNoReference(entry: DoseRange | NoReference): entry is NoReference {
  return 'noReference' in entry;
}
