// Static demo reference data: real veterinary compounded medications and commercial
// products a clinic dispenses itself, four partner pharmacies, and name lists.
// Strengths and forms are those 503A pharmacies commonly compound for animals.

import { US_STATES } from '../validators/vocabulary';

/** A demo medication; `base` is a typical price per vial/package in cents. */
export type SeedMedication = {
  name: string;
  strength: string;
  form: string;
  schedule?: 'II' | 'III' | 'IV' | 'V';
  compounded: boolean;
  coldChain?: boolean;
  species: string[];
  ingredients?: string[];
  synonyms?: string[];
  doseUnit: string;
  package: string;
  base: number;
  /** A typical SIG for a prescription of it. */
  sig: string;
  /** Days one package lasts on that SIG. */
  daysSupply: number;
  oral?: boolean;
};

export const MEDICATIONS: SeedMedication[] = [
  { name: 'Methimazole', strength: '5 mg/0.1 mL', form: 'transdermal gel', compounded: true, species: ['cat'], synonyms: ['Felimazole', 'Tapazole'], doseUnit: 'ml', package: '10 mL syringe (100 clicks)', base: 4200, sig: 'Apply 0.1 ml (1 click) to inner pinna BID, alternating ears', daysSupply: 50 },
  { name: 'Methimazole', strength: '2.5 mg/0.1 mL', form: 'transdermal gel', compounded: true, species: ['cat'], synonyms: ['Felimazole', 'Tapazole'], doseUnit: 'ml', package: '10 mL syringe (100 clicks)', base: 3900, sig: 'Apply 0.1 ml to inner pinna SID', daysSupply: 100 },
  { name: 'Methimazole', strength: '5 mg/mL', form: 'oral suspension', compounded: true, species: ['cat'], synonyms: ['Felimazole'], doseUnit: 'ml', package: '30 mL bottle', base: 3100, sig: 'Give 0.5 ml by mouth BID', daysSupply: 30, oral: true },
  { name: 'Gabapentin', strength: '50 mg/mL', form: 'oral suspension', compounded: true, species: ['cat', 'dog'], synonyms: ['Neurontin'], doseUnit: 'ml', package: '30 mL bottle', base: 2800, sig: 'Give 1 ml by mouth q12h', daysSupply: 15, oral: true },
  { name: 'Gabapentin', strength: '100 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Neurontin'], doseUnit: 'ml', package: '60 mL bottle', base: 3600, sig: 'Give 1 ml PO TID', daysSupply: 20, oral: true },
  { name: 'Gabapentin', strength: '50 mg/mL', form: 'oral solution (human, xylitol)', compounded: false, species: [], ingredients: ['xylitol'], synonyms: ['Neurontin solution'], doseUnit: 'ml', package: '470 mL bottle', base: 9000, sig: 'Give 1 ml by mouth BID', daysSupply: 200, oral: true },
  { name: 'Buprenorphine', strength: '0.3 mg/mL', form: 'buccal solution', schedule: 'III', compounded: true, species: ['cat', 'dog'], synonyms: ['Buprenex'], doseUnit: 'ml', package: '5 mL bottle', base: 4800, sig: 'Give 0.1 ml buccally q8h as needed for pain', daysSupply: 16 },
  { name: 'Tramadol', strength: '10 mg/mL', form: 'oral suspension', schedule: 'IV', compounded: true, species: ['dog', 'cat'], synonyms: ['Ultram'], doseUnit: 'ml', package: '30 mL bottle', base: 2600, sig: 'Give 1 ml by mouth q12h for pain', daysSupply: 15, oral: true },
  { name: 'Tramadol', strength: '25 mg/mL', form: 'oral suspension', schedule: 'IV', compounded: true, species: ['dog'], synonyms: ['Ultram'], doseUnit: 'ml', package: '60 mL bottle', base: 3200, sig: 'Give 2 ml PO BID', daysSupply: 15, oral: true },
  { name: 'Phenobarbital', strength: '15 mg/mL', form: 'oral suspension', schedule: 'IV', compounded: true, species: ['dog', 'cat'], synonyms: ['Luminal'], doseUnit: 'ml', package: '60 mL bottle', base: 2900, sig: 'Give 1 ml by mouth q12h', daysSupply: 30, oral: true },
  { name: 'Phenobarbital', strength: '30 mg', form: 'chewable treat', schedule: 'IV', compounded: true, species: ['dog'], doseUnit: 'chew', package: '60 chews', base: 3400, sig: 'Give 1 chew by mouth BID', daysSupply: 30, oral: true },
  { name: 'Potassium bromide', strength: '250 mg/mL', form: 'oral solution', compounded: true, species: ['dog'], synonyms: ['KBr'], doseUnit: 'ml', package: '120 mL bottle', base: 3800, sig: 'Give 2 ml by mouth SID with food', daysSupply: 60, oral: true },
  { name: 'Pergolide', strength: '1 mg/mL', form: 'oral suspension', compounded: true, coldChain: true, species: ['horse'], synonyms: ['Prascend'], doseUnit: 'ml', package: '60 mL bottle', base: 5200, sig: 'Give 1 ml PO SID', daysSupply: 60, oral: true },
  { name: 'Cyclosporine', strength: '0.2%', form: 'ophthalmic ointment', compounded: true, species: ['dog'], synonyms: ['Optimmune'], doseUnit: 'application', package: '3.5 g tube', base: 3300, sig: 'Apply 1/4 inch strip OU BID', daysSupply: 30 },
  { name: 'Cyclosporine', strength: '1%', form: 'ophthalmic solution', compounded: true, species: ['dog'], doseUnit: 'drop', package: '10 mL dropper', base: 3700, sig: 'Instill 1 drop OU q12h', daysSupply: 30 },
  { name: 'Tacrolimus', strength: '0.02%', form: 'ophthalmic solution', compounded: true, coldChain: true, species: ['dog'], doseUnit: 'drop', package: '10 mL dropper', base: 4100, sig: 'Instill 1 drop in both eyes BID', daysSupply: 30 },
  { name: 'Tacrolimus', strength: '0.03%', form: 'ophthalmic suspension', compounded: true, coldChain: true, species: ['dog'], doseUnit: 'drop', package: '10 mL dropper', base: 4400, sig: '1 gtt OU BID', daysSupply: 30 },
  { name: 'Pimobendan', strength: '1.25 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Vetmedin'], doseUnit: 'ml', package: '30 mL bottle', base: 4600, sig: 'Give 0.5 ml by mouth every 12 hours', daysSupply: 30, oral: true },
  { name: 'Pimobendan', strength: '0.625 mg', form: 'capsule', compounded: true, species: ['cat'], synonyms: ['Vetmedin'], doseUnit: 'capsule', package: '60 capsules', base: 3900, sig: 'Give 1 capsule PO BID', daysSupply: 30, oral: true },
  { name: 'Budesonide', strength: '1 mg', form: 'capsule', compounded: true, species: ['dog', 'cat'], synonyms: ['Entocort'], doseUnit: 'capsule', package: '30 capsules', base: 2700, sig: 'Give 1 capsule by mouth once daily', daysSupply: 30, oral: true },
  { name: 'Budesonide', strength: '0.5 mg/mL', form: 'oral suspension', compounded: true, species: ['cat'], doseUnit: 'ml', package: '30 mL bottle', base: 3000, sig: 'Give 1 ml by mouth SID', daysSupply: 30, oral: true },
  { name: 'Cisapride', strength: '5 mg', form: 'capsule', compounded: true, species: ['cat'], synonyms: ['Propulsid'], doseUnit: 'capsule', package: '60 capsules', base: 3500, sig: 'Give 1 capsule PO BID 30 minutes before meals', daysSupply: 30, oral: true },
  { name: 'Cisapride', strength: '2.5 mg/mL', form: 'oral suspension', compounded: true, coldChain: true, species: ['cat'], doseUnit: 'ml', package: '30 mL bottle', base: 3200, sig: 'Give 1 ml by mouth TID', daysSupply: 10, oral: true },
  { name: 'Fluoxetine', strength: '2.5 mg/mL', form: 'oral suspension', compounded: true, species: ['cat', 'dog'], synonyms: ['Prozac', 'Reconcile'], doseUnit: 'ml', package: '30 mL bottle', base: 2500, sig: 'Give 1 ml by mouth once daily', daysSupply: 30, oral: true },
  { name: 'Fluoxetine', strength: '5 mg/0.1 mL', form: 'transdermal gel', compounded: true, species: ['cat'], doseUnit: 'ml', package: '3 mL syringe (30 clicks)', base: 3300, sig: 'Apply 0.1 ml to inner ear pinna SID', daysSupply: 30 },
  { name: 'Mirtazapine', strength: '2 mg/0.1 mL', form: 'transdermal gel', compounded: true, species: ['cat'], synonyms: ['Mirataz', 'Remeron'], doseUnit: 'ml', package: '3 mL syringe (30 clicks)', base: 2900, sig: 'Apply 0.1 ml (1 click) to inner pinna every other day', daysSupply: 60 },
  { name: 'Amlodipine', strength: '0.625 mg/0.1 mL', form: 'transdermal gel', compounded: true, species: ['cat'], synonyms: ['Norvasc'], doseUnit: 'ml', package: '3 mL syringe (30 clicks)', base: 3100, sig: 'Apply 0.1 ml transdermally to inner pinna once daily', daysSupply: 30 },
  { name: 'Amlodipine', strength: '1.25 mg/mL', form: 'oral suspension', compounded: true, species: ['cat', 'dog'], synonyms: ['Norvasc'], doseUnit: 'ml', package: '30 mL bottle', base: 2600, sig: 'Give 0.5 ml PO SID', daysSupply: 60, oral: true },
  { name: 'Trilostane', strength: '10 mg', form: 'capsule', compounded: true, species: ['dog'], synonyms: ['Vetoryl'], doseUnit: 'capsule', package: '30 capsules', base: 4300, sig: 'Give 1 capsule by mouth once daily with food', daysSupply: 30, oral: true },
  { name: 'Trilostane', strength: '5 mg', form: 'capsule', compounded: true, species: ['dog', 'cat'], synonyms: ['Vetoryl'], doseUnit: 'capsule', package: '60 capsules', base: 4000, sig: 'Give 1 capsule PO BID with food', daysSupply: 30, oral: true },
  { name: 'Prednisolone', strength: '5 mg/mL', form: 'oral suspension', compounded: true, species: ['cat', 'dog'], doseUnit: 'ml', package: '30 mL bottle', base: 1900, sig: 'Give 1 ml by mouth once daily x 14 days then as directed', daysSupply: 30, oral: true },
  { name: 'Metronidazole', strength: '50 mg/mL', form: 'oral suspension', compounded: true, species: ['cat', 'dog'], synonyms: ['Flagyl'], doseUnit: 'ml', package: '30 mL bottle', base: 2200, sig: 'Give 1 ml PO q12h for 10 days', daysSupply: 15, oral: true },
  { name: 'Doxycycline', strength: '10 mg/mL', form: 'oral suspension', compounded: true, coldChain: true, species: ['cat', 'dog'], doseUnit: 'ml', package: '60 mL bottle', base: 2400, sig: 'Give 2 ml by mouth every 12 hours for 28 days', daysSupply: 15, oral: true },
  { name: 'Chlorambucil', strength: '1 mg', form: 'capsule', compounded: true, species: ['cat'], synonyms: ['Leukeran'], doseUnit: 'capsule', package: '30 capsules', base: 6800, sig: 'Give 2 capsules PO every other day', daysSupply: 30, oral: true },
  { name: 'Lomustine', strength: '10 mg', form: 'capsule', compounded: true, species: ['cat', 'dog'], synonyms: ['CCNU'], doseUnit: 'capsule', package: '3 capsules', base: 7500, sig: 'Give 1 capsule by mouth once every 3 weeks', daysSupply: 63, oral: true },
  { name: 'Alprazolam', strength: '0.25 mg/mL', form: 'oral suspension', schedule: 'IV', compounded: true, species: ['dog', 'cat'], synonyms: ['Xanax'], doseUnit: 'ml', package: '30 mL bottle', base: 2800, sig: 'Give 1 ml by mouth 1 hour before event as needed', daysSupply: 30, oral: true },
  { name: 'Diazepam', strength: '5 mg/mL', form: 'rectal gel', schedule: 'IV', compounded: true, species: ['dog'], synonyms: ['Valium'], doseUnit: 'ml', package: '2 x 2 mL syringes', base: 4500, sig: 'Administer 1 ml rectally as needed for seizures lasting over 2 minutes', daysSupply: 30 },
  { name: 'Trazodone', strength: '50 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Desyrel'], doseUnit: 'ml', package: '30 mL bottle', base: 2300, sig: 'Give 1 ml PO q12h', daysSupply: 15, oral: true },
  { name: 'Clomipramine', strength: '5 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Clomicalm'], doseUnit: 'ml', package: '30 mL bottle', base: 2700, sig: 'Give 1 ml by mouth SID', daysSupply: 30, oral: true },
  { name: 'Ursodiol', strength: '50 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Actigall'], doseUnit: 'ml', package: '60 mL bottle', base: 3100, sig: 'Give 1 ml by mouth once daily with food', daysSupply: 60, oral: true },
  { name: 'Famotidine', strength: '10 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Pepcid'], doseUnit: 'ml', package: '30 mL bottle', base: 1800, sig: 'Give 0.5 ml PO BID', daysSupply: 30, oral: true },
  { name: 'Ondansetron', strength: '2 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Zofran'], doseUnit: 'ml', package: '30 mL bottle', base: 2600, sig: 'Give 1 ml by mouth q8h as needed for nausea', daysSupply: 10, oral: true },
  { name: 'Atenolol', strength: '5 mg/mL', form: 'oral suspension', compounded: true, species: ['cat'], synonyms: ['Tenormin'], doseUnit: 'ml', package: '30 mL bottle', base: 2100, sig: 'Give 1.25 ml by mouth BID', daysSupply: 12, oral: true },
  { name: 'Enalapril', strength: '1 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Enacard'], doseUnit: 'ml', package: '60 mL bottle', base: 2000, sig: 'Give 1 ml PO q12h', daysSupply: 30, oral: true },
  { name: 'Benazepril', strength: '2.5 mg', form: 'chewable treat', compounded: true, species: ['cat', 'dog'], synonyms: ['Fortekor', 'Lotensin'], doseUnit: 'chew', package: '30 chews', base: 2400, sig: 'Give 1 chew by mouth once daily', daysSupply: 30, oral: true },
  { name: 'Spironolactone', strength: '10 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], doseUnit: 'ml', package: '30 mL bottle', base: 2000, sig: 'Give 1 ml by mouth SID', daysSupply: 30, oral: true },
  { name: 'Furosemide', strength: '10 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Lasix', 'Salix'], doseUnit: 'ml', package: '60 mL bottle', base: 1900, sig: 'Give 1 ml PO BID', daysSupply: 30, oral: true },
  { name: 'Sildenafil', strength: '2.5 mg/mL', form: 'oral suspension', compounded: true, species: ['dog'], synonyms: ['Revatio', 'Viagra'], doseUnit: 'ml', package: '60 mL bottle', base: 3500, sig: 'Give 2 ml by mouth q8h', daysSupply: 10, oral: true },
  { name: 'Levetiracetam', strength: '100 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Keppra'], doseUnit: 'ml', package: '60 mL bottle', base: 2900, sig: 'Give 2 ml PO TID', daysSupply: 10, oral: true },
  { name: 'Zonisamide', strength: '10 mg/mL', form: 'oral suspension', compounded: true, species: ['dog'], synonyms: ['Zonegran'], doseUnit: 'ml', package: '60 mL bottle', base: 2800, sig: 'Give 2 ml by mouth BID', daysSupply: 15, oral: true },
  { name: 'Methocarbamol', strength: '50 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat', 'horse'], synonyms: ['Robaxin'], doseUnit: 'ml', package: '60 mL bottle', base: 2300, sig: 'Give 3 ml PO TID for 7 days', daysSupply: 7, oral: true },
  { name: 'Cyproheptadine', strength: '2 mg/mL', form: 'oral suspension', compounded: true, species: ['cat'], synonyms: ['Periactin'], doseUnit: 'ml', package: '30 mL bottle', base: 2100, sig: 'Give 1 ml by mouth BID', daysSupply: 15, oral: true },
  { name: 'Misoprostol', strength: '50 mcg/mL', form: 'oral suspension', compounded: true, coldChain: true, species: ['dog'], synonyms: ['Cytotec'], doseUnit: 'ml', package: '30 mL bottle', base: 3400, sig: 'Give 1 ml PO q8h', daysSupply: 10, oral: true },
  { name: 'Terbinafine', strength: '25 mg/mL', form: 'oral suspension', compounded: true, species: ['dog', 'cat'], synonyms: ['Lamisil'], doseUnit: 'ml', package: '60 mL bottle', base: 3000, sig: 'Give 1 ml by mouth once daily for 30 days', daysSupply: 60, oral: true },
  { name: 'Diethylstilbestrol', strength: '1 mg', form: 'capsule', compounded: true, species: ['dog'], synonyms: ['DES'], doseUnit: 'capsule', package: '30 capsules', base: 3600, sig: 'Give 1 capsule by mouth once weekly', daysSupply: 210, oral: true },
  { name: 'Cyanocobalamin', strength: '1000 mcg/mL', form: 'injectable solution', compounded: true, species: ['cat', 'dog'], synonyms: ['Vitamin B12'], doseUnit: 'ml', package: '10 mL vial', base: 2500, sig: 'Inject 0.25 ml SQ once weekly', daysSupply: 280 },
  { name: 'Omeprazole', strength: '2 mg/mL', form: 'oral suspension', compounded: true, coldChain: true, species: ['dog', 'cat'], synonyms: ['Prilosec'], doseUnit: 'ml', package: '60 mL bottle', base: 2700, sig: 'Give 2 ml by mouth SID before breakfast', daysSupply: 30, oral: true },
  { name: 'Hydrocodone', strength: '1 mg/mL', form: 'oral solution', schedule: 'II', compounded: true, species: ['dog'], synonyms: ['Hycodan'], doseUnit: 'ml', package: '30 mL bottle', base: 3900, sig: 'Give 2.5 ml by mouth q8h as needed for cough', daysSupply: 4, oral: true },
  { name: 'Butorphanol', strength: '5 mg/mL', form: 'oral suspension', schedule: 'IV', compounded: true, species: ['dog', 'cat'], synonyms: ['Torbugesic'], doseUnit: 'ml', package: '10 mL bottle', base: 4200, sig: 'Give 0.5 ml by mouth q8h as needed for cough', daysSupply: 7, oral: true },
  { name: 'Ketoconazole', strength: '100 mg/mL', form: 'oral suspension', compounded: true, species: ['dog'], synonyms: ['Nizoral'], doseUnit: 'ml', package: '30 mL bottle', base: 2900, sig: 'Give 1 ml by mouth once daily with food', daysSupply: 30, oral: true },
  { name: 'Itraconazole', strength: '10 mg/mL', form: 'oral suspension', compounded: true, species: ['cat', 'dog'], synonyms: ['Itrafungol', 'Sporanox'], doseUnit: 'ml', package: '52 mL bottle', base: 4900, sig: 'Give 0.5 ml PO SID for 7 days', daysSupply: 30, oral: true },
  // Commercial products the clinic dispenses from its own shelves (no pharmacy offer).
  { name: 'Levothyroxine', strength: '0.5 mg', form: 'tablet', compounded: false, species: ['dog'], synonyms: ['Soloxine', 'Thyro-Tabs'], doseUnit: 'tablet', package: '180 tablets', base: 2200, sig: 'Give 1 tablet by mouth BID', daysSupply: 90, oral: true },
  { name: 'Oclacitinib', strength: '16 mg', form: 'tablet', compounded: false, species: ['dog'], synonyms: ['Apoquel'], doseUnit: 'tablet', package: '30 tablets', base: 7800, sig: 'Give 1 tablet by mouth once daily', daysSupply: 30, oral: true },
  { name: 'Ivermectin/pyrantel', strength: '272 mcg/227 mg', form: 'chewable', compounded: false, species: ['dog'], synonyms: ['Heartgard Plus', 'heartworm preventive'], doseUnit: 'chew', package: '6 chews', base: 5400, sig: 'Give 1 chew by mouth once monthly', daysSupply: 180, oral: true },
  { name: 'Afoxolaner', strength: '68 mg', form: 'chewable', compounded: false, species: ['dog'], synonyms: ['NexGard', 'flea and tick'], doseUnit: 'chew', package: '6 chews', base: 13200, sig: 'Give 1 chew by mouth once monthly', daysSupply: 180, oral: true },
  { name: 'Selamectin/sarolaner', strength: '30 mg/5 mg', form: 'topical solution', compounded: false, species: ['cat'], synonyms: ['Revolution Plus'], doseUnit: 'application', package: '6 tubes', base: 14500, sig: 'Apply 1 tube topically to the skin at the base of the neck once monthly', daysSupply: 180 },
  { name: 'Phenylpropanolamine', strength: '50 mg', form: 'chewable tablet', compounded: false, species: ['dog'], synonyms: ['Proin'], doseUnit: 'tablet', package: '60 tablets', base: 4200, sig: 'Give 1 tablet PO BID', daysSupply: 30, oral: true },
  { name: 'Carprofen', strength: '75 mg', form: 'caplet', compounded: false, species: ['dog'], synonyms: ['Rimadyl', 'Novox'], doseUnit: 'tablet', package: '60 caplets', base: 4600, sig: 'Give 1 caplet by mouth q12h with food', daysSupply: 30, oral: true },
];

/** The four demo partner pharmacies. `factor` scales list prices; `ships` are licensed ship-to states. */
export const PHARMACIES = [
  { slug: 'pacific', name: 'Pacific Coast Compounding', state: 'CA', city: 'Sacramento', ships: ['CA', 'NV', 'OR', 'WA', 'AZ'], shipping: 1500, coldChain: 1200, turnaround: 2, factor: 1.0 },
  { slug: 'sierra', name: 'Sierra Veterinary Compounding', state: 'NV', city: 'Reno', ships: ['NV', 'CA', 'UT', 'AZ', 'ID', 'OR'], shipping: 1200, coldChain: 900, turnaround: 3, factor: 0.92 },
  { slug: 'lonestar', name: 'Lone Star Animal Pharmacy', state: 'TX', city: 'Austin', ships: ['TX', 'OK', 'NM', 'AZ', 'CO', 'LA', 'NV'], shipping: 900, coldChain: 1500, turnaround: 4, factor: 0.85 },
  { slug: 'greatlakes', name: 'Great Lakes Veterinary Compounding', state: 'WI', city: 'Madison', ships: 'ALL', shipping: 2200, coldChain: 1800, turnaround: 5, factor: 1.08 },
] as const;

/** Where the nationwide demo pharmacy ships: the 50 states and DC. */
export const ALL_STATES = [...US_STATES, 'DC'] as const;

export const FLAVORS = ['chicken', 'beef', 'fish', 'tuna', 'marshmallow', 'bacon', 'liver', 'peanut butter'];

export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sophia', 'Elijah', 'Isabella', 'Lucas', 'Mia', 'Levi',
  'Amelia', 'Ethan', 'Harper', 'James', 'Evelyn', 'Benjamin', 'Camila', 'Daniel', 'Aria', 'Henry', 'Luna',
  'Jack', 'Sofia', 'Samuel', 'Layla', 'Owen', 'Chloe', 'Wyatt', 'Nora', 'Julian', 'Zoe', 'Hiro', 'Mei',
  'Priya', 'Arjun', 'Fatima', 'Omar', 'Grace', 'Diego', 'Valeria', 'Ruth', 'Walter', 'Dolores', 'Frank',
];
export const LAST_NAMES = [
  'Garcia', 'Nguyen', 'Smith', 'Johnson', 'Martinez', 'Lee', 'Brown', 'Davis', 'Lopez', 'Wilson', 'Anderson',
  'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Hernandez', 'Thompson', 'White', 'Harris', 'Clark',
  'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Kim', 'Patel', 'Chen', 'Singh', 'Okafor', 'Yamamoto', 'Kowalski', 'Haddad',
];
export const PET_NAMES = [
  'Luna', 'Bella', 'Charlie', 'Max', 'Daisy', 'Milo', 'Lucy', 'Cooper', 'Bailey', 'Oliver', 'Leo', 'Nala',
  'Simba', 'Chloe', 'Loki', 'Cleo', 'Rocky', 'Sadie', 'Tucker', 'Zeus', 'Pepper', 'Ginger', 'Mochi', 'Biscuit',
  'Willow', 'Jasper', 'Hazel', 'Tiger', 'Shadow', 'Smokey', 'Oreo', 'Peanut', 'Maple', 'Rosie', 'Duke',
  'Bear', 'Penny', 'Ziggy', 'Tofu', 'Pumpkin', 'Juniper', 'Kiwi', 'Olive', 'Gus', 'Winston', 'Misty',
];
export const DOG_BREEDS = ['Labrador Retriever', 'German Shepherd', 'Golden Retriever', 'French Bulldog', 'Beagle', 'Dachshund', 'Poodle', 'Boxer', 'Mixed breed', 'Cavalier King Charles Spaniel', 'Border Collie', 'Shih Tzu'];
export const CAT_BREEDS = ['Domestic Shorthair', 'Domestic Longhair', 'Siamese', 'Maine Coon', 'Persian', 'Ragdoll', 'Bengal'];
export const CITIES: { city: string; state: string; zip: string; area: string }[] = [
  { city: 'Sacramento', state: 'CA', zip: '95816', area: '916' },
  { city: 'Davis', state: 'CA', zip: '95616', area: '530' },
  { city: 'Roseville', state: 'CA', zip: '95678', area: '916' },
  { city: 'Folsom', state: 'CA', zip: '95630', area: '916' },
  { city: 'Elk Grove', state: 'CA', zip: '95624', area: '916' },
  { city: 'West Sacramento', state: 'CA', zip: '95691', area: '916' },
  { city: 'Reno', state: 'NV', zip: '89501', area: '775' },
  { city: 'Truckee', state: 'CA', zip: '96161', area: '530' },
  { city: 'Ashland', state: 'OR', zip: '97520', area: '541' },
];
export const STREETS = ['Oak St', 'J St', 'Capitol Ave', 'Folsom Blvd', 'Riverside Blvd', 'Alhambra Blvd', 'Freeport Blvd', 'Fair Oaks Blvd', 'Elm Ave', 'Sutter St'];
