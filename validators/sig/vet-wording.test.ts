/**
 * Veterinary wording the SIG parser once misread, one table per kind of misreading. Several
 * of them were dangerous (a schedule label read as intravenous, a mixing volume read as the
 * dose), so each table holds the dangerous shape as well as the everyday one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSig, type SigPart } from '../sig';
import { describeSigTables, expectSig, type SigExpectation } from './expect-sig';

type Case = [string, SigExpectation];

const ROUTE: SigPart[] = ['route'];

/** Controlled-schedule labels name a legal class: never a route, never a dose. */
const scheduleLabels: Case[] = [
  ['Methadone 10 mg/mL (C-II): give 0.25 ml PO q8h prn pain', { dose: [0.25, 'ml'], route: 'oral', inferred: false, freq: [1, 8, 'h'], prn: true }],
  ['Hydromorphone CII 2 mg tab - give 1/2 tab by mouth q6h', { dose: [0.5, 'tablet'], route: 'oral', inferred: false, freq: [1, 6, 'h'] }],
  ['Phenobarbital 30 mg (CIV) give 1 tablet orally every 12 hours', { dose: [1, 'tablet'], route: 'oral', inferred: false, freq: [1, 12, 'h'] }],
  ['Pregabalin C-V 25 mg/ml: 0.4 ml PO BID', { dose: [0.4, 'ml'], route: 'oral', freq: [2, 1, 'd'] }],
  ['Testosterone cypionate, Schedule III: inject 0.2 ml IM every 2 weeks', { dose: [0.2, 'ml'], route: 'intramuscular', inferred: false, freq: [1, 2, 'wk'] }],
  ['Lorazepam Sched. IV 0.5 mg tab: 1 tab PO 1 hr before travel', { dose: [1, 'tablet'], route: 'oral', missing: ['frequency'] }],
  ['Alprazolam DEA schedule 4 - give 0.5 tab by mouth prn storms', { dose: [0.5, 'tablet'], route: 'oral', prn: true, missing: ['frequency'] }],
  // A written IV is still intravenous when a schedule label sits beside it.
  ['Midazolam C-IV 5 mg/ml: give 0.2 ml IV once', { dose: [0.2, 'ml'], route: 'intravenous', inferred: false, freq: [1, 1, 'd'], days: 1 }],
  ['Butorphanol (C-IV) 0.4 mg/kg SQ q6h', { dose: [0.4, 'mg/kg'], route: 'subcutaneous', inferred: false, freq: [1, 6, 'h'] }],
  // The dangerous ones: no route written, and the label must not supply one.
  ['Buprenorphine 0.3 mg/mL (C-III) - 0.15 ml q8h prn pain', { dose: [0.15, 'ml'], route: null, freq: [1, 8, 'h'], prn: true, missing: ROUTE }],
  ['Diazepam 5 mg/ml CIV: 1 ml q8h as needed for seizures', { dose: [1, 'ml'], route: null, freq: [1, 8, 'h'], prn: true, missing: ROUTE }],
  ['Ketamine C-III 0.5 ml q12h', { dose: [0.5, 'ml'], route: null, freq: [1, 12, 'h'], missing: ROUTE }],
  ['Hydrocodone schedule II 5 mg/5 ml syrup: 2.5 ml q8-12h', { dose: [2.5, 'ml'], route: null, missing: ROUTE }],
  // "Schedule II" is not two of anything.
  ['Fentanyl 12 mcg/hr patch, Schedule II', { dose: null, route: null, missing: ['dose', 'route', 'frequency'] }],
  ['Tramadol (C-IV): give tabs q12h', { dose: null, route: null, missing: ['dose', 'route'] }],
];

/** i, ii, iii, iv and ss (one half) count the form written next to them. */
const latinNumerals: Case[] = [
  ['Give i tab PO SID with food', { dose: [1, 'tablet'], route: 'oral', freq: [1, 1, 'd'] }],
  ['Give ii caps by mouth q12h x 14 days', { dose: [2, 'capsule'], route: 'oral', freq: [1, 12, 'h'], days: 14 }],
  ['Instill gtts iii AU BID', { dose: [3, 'drop'], route: 'otic', site: 'both ears', freq: [2, 1, 'd'] }],
  ['Instill gtt i OS q8h', { dose: [1, 'drop'], route: 'ophthalmic', site: 'left eye', freq: [1, 8, 'h'] }],
  ['Give tab ss PO q24h', { dose: [0.5, 'tablet'], route: 'oral', freq: [1, 24, 'h'] }],
  ['ss tab PO EOD', { dose: [0.5, 'tablet'], route: 'oral', freq: [1, 2, 'd'] }],
  ['Give tab i ss PO BID', { dose: [1.5, 'tablet'], freq: [2, 1, 'd'] }],
  ['Give tab iss PO BID', { dose: [1.5, 'tablet'] }],
  ['Insert supp i PR q12h prn straining', { dose: [1, 'suppository'], route: 'rectal', prn: true }],
  ['Give caps ii PO SID', { dose: [2, 'capsule'] }],
  // IV after a form with no number is four of it; after a number it stays the route.
  ['Give tab iv PO SID', { dose: [4, 'tablet'], route: 'oral', freq: [1, 1, 'd'] }],
  ['Give 1 ml IV q8h', { dose: [1, 'ml'], route: 'intravenous', inferred: false }],
  // Dose words.
  ['Give one-half tab PO q12h', { dose: [0.5, 'tablet'] }],
  ['Give half a chew by mouth once daily', { dose: [0.5, 'chew'], freq: [1, 1, 'd'] }],
  ['Give one quarter tablet PO SID', { dose: [0.25, 'tablet'] }],
  ['Give three-quarters of a tablet by mouth BID', { dose: [0.75, 'tablet'], freq: [2, 1, 'd'] }],
  ['Give one tablet and a half PO q12h', { dose: [1.5, 'tablet'], freq: [1, 12, 'h'] }],
  ['Give 2 capsules and a half by mouth SID', { dose: [2.5, 'capsule'] }],
];

/** Oral transmucosal wording is buccal: the drug is absorbed in the mouth, not swallowed. */
const transmucosal: Case[] = [
  ['Give 0.1 ml OTM q8h prn pain', { dose: [0.1, 'ml'], route: 'buccal', inferred: false, freq: [1, 8, 'h'], prn: true }],
  ['Buprenorphine 0.3 mg/ml: 0.05 ml/kg oral transmucosal q6-8h', { route: 'buccal', inferred: false, freq: [1, 6, 'h'] }],
  ['Apply 0.2 ml transmucosally q12h', { dose: [0.2, 'ml'], route: 'buccal', inferred: false }],
  ['Squirt 0.15 ml into the cheek pouch q8h', { dose: [0.15, 'ml'], route: 'buccal', inferred: true, site: 'cheek pouch', freq: [1, 8, 'h'] }],
  ['Place 0.1 ml inside the cheek q12h', { route: 'buccal', site: 'cheek pouch' }],
  ['Rub 0.05 ml onto the gums q8h as needed', { dose: [0.05, 'ml'], route: 'buccal', inferred: true, site: 'gums', prn: true }],
  ['Apply 0.1 ml along the gum line BID', { route: 'buccal', site: 'gums', freq: [2, 1, 'd'] }],
  // "By mouth" and a cheek pouch together: the cheek pouch says how.
  ['Give 0.1 ml PO into the cheek pouch q8h', { route: 'buccal', inferred: false, site: 'cheek pouch' }],
  ['Give 0.2 ml by mouth (OTM) q6h', { route: 'buccal', inferred: false }],
  // Still oral when nothing transmucosal is said.
  ['Give 0.5 ml orally BID', { route: 'oral', inferred: false }],
];

/** A site written in the SIG beats a route that is only part of the product's name. */
const siteOverProduct: Case[] = [
  ['Instill 1 drop tobramycin ophthalmic solution into each nostril q12h', { dose: [1, 'drop'], route: 'nasal', inferred: true, site: 'each nostril', freq: [1, 12, 'h'] }],
  ['Instill 2 drops ophthalmic solution in the right nostril BID', { route: 'nasal', site: 'right nostril' }],
  ['Phenylephrine nasal spray: 1 drop in the left conjunctival sac q8h', { route: 'ophthalmic', inferred: true, site: 'left eye' }],
  ['Place 1 drop of the nasal drops in the right eye TID', { route: 'ophthalmic', site: 'right eye' }],
  ['Instill 4 drops ophthalmic suspension in the left ear q12h', { route: 'otic', inferred: true, site: 'left ear' }],
  ['Instill 2 drops otic solution in both eyes BID', { route: 'ophthalmic', site: 'both eyes' }],
  ['Use 2 drops of the eye drops in both ears BID', { route: 'otic', site: 'both ears' }],
  // A written site abbreviation wins as any written route does.
  ['Instill 1 drop ofloxacin otic solution OU BID', { route: 'ophthalmic', inferred: false, site: 'both eyes' }],
  // With no site written, the product's name still gives the route.
  ['Instill 1 drop ophthalmic solution BID', { route: 'ophthalmic', inferred: false, site: null }],
  ['Instill 3 drops otic suspension q12h', { route: 'otic', inferred: false }],
  // The site agrees with the product: the route stays written.
  ['Apply transdermal gel 0.1 ml to the inner pinna SID', { dose: [0.1, 'ml'], route: 'transdermal', inferred: false, site: 'inner ear pinna' }],
];

/** What a dose is mixed into is not the dose; what is given is. */
const mixingAmounts: Case[] = [
  ['Dissolve 1/4 tablet in 2 ml of water and give by mouth q12h', { dose: [0.25, 'tablet'], route: 'oral', freq: [1, 12, 'h'] }],
  ['Crush 1/2 tablet into 1 tsp of canned food and feed SID', { dose: [0.5, 'tablet'], route: 'oral', inferred: true, freq: [1, 1, 'd'] }],
  ['Mix 1 capsule with 5 ml tuna water, give all PO BID', { dose: [1, 'capsule'], route: 'oral' }],
  ['Add 1 sachet to 30 ml water and syringe by mouth SID', { dose: [1, 'packet'], route: 'oral' }],
  // The SIG goes on to give its own amount: that amount is the dose.
  ['Dissolve 1 tablet in 10 ml water, then give 1 ml PO SID', { dose: [1, 'ml'], route: 'oral', freq: [1, 1, 'd'] }],
  ['Reconstitute with 60 ml of water. Give 2.5 ml PO BID x 10 days', { dose: [2.5, 'ml'], freq: [2, 1, 'd'], days: 10 }],
  ['Suspend 1 tab in 2 ml water; give 0.5 ml by mouth q12h', { dose: [0.5, 'ml'] }],
  ['Dilute 1 ml in 10 ml sterile water; give 2 ml SQ q24h', { dose: [2, 'ml'], route: 'subcutaneous' }],
  // A volume of water after the dose is a flush.
  ['Give 1 tab PO BID followed by 5 ml of water', { dose: [1, 'tablet'], freq: [2, 1, 'd'] }],
  ['Give 1 capsule by mouth q12h then 6 ml water to flush', { dose: [1, 'capsule'], freq: [1, 12, 'h'] }],
  // Subcutaneous fluids are a dose, even of saline.
  ['Give 100 ml saline SQ q24h', { dose: [100, 'ml'], route: 'subcutaneous' }],
];

/** "Give" says "by mouth" only for what can be swallowed: never for units or injectables. */
const unwrittenInjectables: Case[] = [
  ['Give 4 U q12h with a meal', { dose: [4, 'unit'], route: null, freq: [1, 12, 'h'], missing: ROUTE }],
  ['Give 2 units BID after food', { dose: [2, 'unit'], route: null, missing: ROUTE }],
  ['Give 3 IU q12h', { dose: [3, 'unit'], route: null, missing: ROUTE }],
  ['Vetsulin 40 U/mL: give 3 U BID', { dose: [3, 'unit'], route: null, missing: ROUTE }],
  ['ProZinc U-40: give 2 units q12h', { dose: [2, 'unit'], route: null, missing: ROUTE }],
  ['Give 0.3 ml of insulin BID', { dose: [0.3, 'ml'], route: null, missing: ROUTE }],
  ['Give 1 ml from the vial q12h', { dose: [1, 'ml'], route: null, missing: ROUTE }],
  ['Give 0.25 ml q24h (injectable)', { dose: [0.25, 'ml'], route: null, missing: ROUTE }],
  // Written routes are still read.
  ['Give 4 U SQ q12h with food', { dose: [4, 'unit'], route: 'subcutaneous', inferred: false }],
  ['Give 1000 IU PO SID', { dose: [1000, 'unit'], route: 'oral', inferred: false }],
];

/** A strength between the count and the form belongs to the product. */
const strengthBetween: Case[] = [
  ['Apply one 25 mcg/hr patch q72h', { dose: [1, 'patch'], route: 'transdermal', inferred: true, freq: [1, 72, 'h'] }],
  ['Apply 1 x 12 mcg/h fentanyl patch to the lateral thorax q3d', { dose: [1, 'patch'], route: 'transdermal', freq: [1, 3, 'd'] }],
  ['Apply 2 x 50 mcg/hr patches every 72 hours', { dose: [2, 'patch'], route: 'transdermal', freq: [1, 72, 'h'] }],
  ['Apply 1 lidocaine 5% patch to the incision q24h', { dose: [1, 'patch'], route: 'transdermal', freq: [1, 24, 'h'] }],
  ['Apply 1 patch to the skin q24h', { dose: [1, 'patch'], route: 'transdermal', site: 'skin' }],
  ['Give 1 x 50 mg tab PO BID', { dose: [1, 'tablet'], route: 'oral', freq: [2, 1, 'd'] }],
  ['Give one 25-mg tablet by mouth q12h', { dose: [1, 'tablet'] }],
  ['Give 1/2 of a 10 mg tablet PO SID', { dose: [0.5, 'tablet'] }],
  ['Give 2 100 mg capsules PO q8h', { dose: [2, 'capsule'], freq: [1, 8, 'h'] }],
  // A number of days before a strength is not a count of tablets.
  ['Give 1 tablet daily for 10 days 20 mg tablets', { dose: [1, 'tablet'], days: 10 }],
];

/** Abbreviations glued together, as some practice systems export them. */
const gluedAbbreviations: Case[] = [
  ['½tab po sidx7d', { dose: [0.5, 'tablet'], route: 'oral', inferred: false, freq: [1, 1, 'd'], days: 7 }],
  ['1/4tab po eodx14d', { dose: [0.25, 'tablet'], freq: [1, 2, 'd'], days: 14 }],
  ['1/2tabposid', { dose: [0.5, 'tablet'], route: 'oral', freq: [1, 1, 'd'] }],
  ['1tabpobidx7d', { dose: [1, 'tablet'], route: 'oral', freq: [2, 1, 'd'], days: 7 }],
  ['2caps q8hx5d', { dose: [2, 'capsule'], route: 'oral', inferred: true, freq: [1, 8, 'h'], days: 5 }],
  ['1capPOq12hx10d', { dose: [1, 'capsule'], route: 'oral', freq: [1, 12, 'h'], days: 10 }],
  ['2gttsOUq8h', { dose: [2, 'drop'], route: 'ophthalmic', site: 'both eyes', freq: [1, 8, 'h'] }],
  ['0.5mlpobid', { dose: [0.5, 'ml'], route: 'oral', freq: [2, 1, 'd'] }],
  ['1 chew q30dx6mo', { dose: [1, 'chew'], freq: [1, 30, 'd'], days: 180 }],
  // A drug name made of the same letters is not cut up.
  ['Give 1 tab PO BID of captopril', { dose: [1, 'tablet'], route: 'oral', freq: [2, 1, 'd'] }],
];

describe('parseSig on veterinary wording', () => {
  const groups: Array<[string, Case[]]> = [
    ['schedule labels are never a route', scheduleLabels],
    ['Latin numerals and dose words', latinNumerals],
    ['transmucosal wording is buccal', transmucosal],
    ['a written site beats the route in the product name', siteOverProduct],
    ['mixing and reconstitution amounts are not the dose', mixingAmounts],
    ['no route is guessed for units or injectables', unwrittenInjectables],
    ['a strength between the count and the form', strengthBetween],
    ['glued abbreviations', gluedAbbreviations],
  ];
  describeSigTables(groups);
});

describe('parseSig with the product form', () => {
  it.each<[string, string, SigExpectation]>([
    ['Give 0.4 ml q6h', 'injectable solution', { dose: [0.4, 'ml'], route: null, freq: [1, 6, 'h'], missing: ROUTE }],
    ['Give 0.25 ml weekly', 'Injection', { route: null, missing: ROUTE }],
    ['Give 0.4 ml q6h', 'oral suspension', { route: 'oral', inferred: true }],
    ['Give 0.4 ml SQ q6h', 'injectable solution', { route: 'subcutaneous', inferred: false }],
    ['Give 1 tablet BID', 'injectable solution', { route: 'oral', inferred: true }],
  ])('%s, form %s', (text, form, e) => expectSig(text, e, { form }));

  it('reads the text alone without a form', () => {
    expect(parseSig('Give 0.4 ml q6h')).toEqual(parseSig('Give 0.4 ml q6h', {}));
    expect(parseSig('Give 0.4 ml q6h').route).toBe('oral');
  });
});

const LABELS = ['C-II', 'CII', '(C-III)', 'CIII', 'C-IV', '(CIV)', 'C IV', 'C-V', 'CV', 'Schedule II', 'Schedule IV', 'sched. III', 'DEA Schedule III', 'CS-IV'];
const SIGS = [
  'Give 1 tab PO q12h',
  'Give 0.5 ml by mouth BID',
  'Give 0.1 ml buccally q8h prn pain',
  'Inject 0.2 ml SQ once',
  'Give 1/2 tab q8h',
  'Give 0.3 ml q8h',
  'Apply 1 patch q72h',
  'Instill 1 drop OU BID',
  'Give tab ss PO SID',
  '1 ml IV once',
];

describe('schedule labels anywhere in a SIG', () => {
  it('change nothing the SIG says', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LABELS), fc.constantFrom(...SIGS), fc.constantFrom('start', 'end', 'after the first word'), (label, sig, where) => {
        const words = sig.split(' ');
        const labelled = where === 'start' ? `${label} ${sig}` : where === 'end' ? `${sig} ${label}` : [words[0], label, ...words.slice(1)].join(' ');
        expect(parseSig(labelled)).toEqual(parseSig(sig));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Latin numerals', () => {
  it('read as the same dose as the digits they stand for', () => {
    const numerals: Array<[string, string]> = [['i', '1'], ['ii', '2'], ['iii', '3'], ['ss', '1/2'], ['iss', '1.5']];
    fc.assert(
      fc.property(fc.constantFrom(...numerals), fc.constantFrom('tab', 'tabs', 'cap', 'caps', 'gtt', 'gtts', 'chew'), fc.boolean(), ([latin, digits], form, before) => {
        const written = before ? `Give ${latin} ${form} PO BID` : `Give ${form} ${latin} PO BID`;
        expect(parseSig(written)).toEqual(parseSig(`Give ${digits} ${form} PO BID`));
      }),
      { numRuns: 200 },
    );
  });
});
