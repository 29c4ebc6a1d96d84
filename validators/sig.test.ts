import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysSupply, parseSig, type SigPart } from './sig';
import { describeSigTables, type SigExpectation as Expect } from './sig/expect-sig';

const ALL: SigPart[] = ['dose', 'route', 'frequency'];

const frequencyCases: Array<[string, Expect]> = [
  ['Give 1 tablet PO SID', { dose: [1, 'tablet'], route: 'oral', inferred: false, freq: [1, 1, 'd'], perDay: 1 }],
  ['Give 1 tablet PO q24h', { freq: [1, 24, 'h'], perDay: 1 }],
  ['Give 1 capsule PO BID', { dose: [1, 'capsule'], freq: [2, 1, 'd'], perDay: 2 }],
  ['Give 1 capsule by mouth q12h', { route: 'oral', inferred: false, freq: [1, 12, 'h'], perDay: 2 }],
  ['Give 2 tablets PO TID', { dose: [2, 'tablet'], freq: [3, 1, 'd'], perDay: 3 }],
  ['Give 1 tab PO q8h', { dose: [1, 'tablet'], freq: [1, 8, 'h'], perDay: 3 }],
  ['Give 1 tab PO QID', { freq: [4, 1, 'd'], perDay: 4 }],
  ['Give 1 tab PO q6h', { freq: [1, 6, 'h'], perDay: 4 }],
  ['Give 1 tablet PO q4h', { freq: [1, 4, 'h'], perDay: 6 }],
  ['Give 1 tablet PO q48h', { freq: [1, 48, 'h'], perDay: 0.5 }],
  ['Give 1 tablet PO q72h', { freq: [1, 72, 'h'], perDay: 1 / 3 }],
  ['Give 1 tablet PO q 12 h', { freq: [1, 12, 'h'], perDay: 2 }],
  ['Give 1 tablet by mouth every 12 hours', { freq: [1, 12, 'h'], perDay: 2 }],
  ['Give 1 tablet by mouth every 8 hrs', { freq: [1, 8, 'h'], perDay: 3 }],
  ['Give 1 tablet by mouth every 6 hr', { freq: [1, 6, 'h'], perDay: 4 }],
  ['Give 1/2 tablet PO EOD', { dose: [0.5, 'tablet'], freq: [1, 2, 'd'], perDay: 0.5 }],
  ['Give 1 tablet PO QOD', { freq: [1, 2, 'd'], perDay: 0.5 }],
  ['Give 1 tablet PO every other day', { freq: [1, 2, 'd'], perDay: 0.5 }],
  ['Give 1 tablet by mouth once daily', { freq: [1, 1, 'd'] }],
  ['Give 1 tablet by mouth twice daily', { freq: [2, 1, 'd'] }],
  ['Give 1 tablet by mouth three times daily', { freq: [3, 1, 'd'] }],
  ['Give 1 tablet by mouth once a day', { freq: [1, 1, 'd'] }],
  ['Give 1 tablet by mouth twice a day', { freq: [2, 1, 'd'] }],
  ['Give 1 tablet by mouth three times a day', { freq: [3, 1, 'd'] }],
  ['Give 1 tablet by mouth four times a day', { freq: [4, 1, 'd'] }],
  ['Give 1 chew by mouth once weekly', { dose: [1, 'chew'], freq: [1, 1, 'wk'], perDay: 1 / 7 }],
  ['Give 1 chew by mouth weekly', { freq: [1, 1, 'wk'] }],
  ['Give 1 chew by mouth every 7 days', { freq: [1, 7, 'd'], perDay: 1 / 7 }],
  ['Give 1 chew by mouth monthly', { freq: [1, 1, 'mo'], perDay: 1 / 30 }],
  ['Apply 1 ml topically once a month', { dose: [1, 'ml'], route: 'topical', inferred: false, freq: [1, 1, 'mo'] }],
  ['Give 1 tablet PO PRN', { prn: true, freq: null, missing: ['frequency'] }],
  ['Give 1 tablet PO q8h PRN pain', { prn: true, freq: [1, 8, 'h'], perDay: 3 }],
  ['Give 1 tablet by mouth as needed for anxiety', { prn: true, missing: ['frequency'] }],
  ['Give 1/2 tablet PO BID prn', { dose: [0.5, 'tablet'], prn: true, freq: [2, 1, 'd'] }],
  ['Give 1 tablet PO daily', { freq: [1, 1, 'd'] }],
  ['Give 1 tablet PO every day', { freq: [1, 1, 'd'] }],
  ['Take 1 tablet by mouth every morning', { freq: [1, 1, 'd'] }],
  ['Take 1 tablet by mouth at bedtime', { freq: [1, 1, 'd'] }],
  ['Take 1 tablet by mouth morning and evening', { freq: [2, 1, 'd'] }],
  ['Take 1 capsule by mouth qhs', { freq: [1, 1, 'd'] }],
  ['Give 1 tablet PO q.i.d.', { freq: [4, 1, 'd'] }],
  ['Give 1 tablet P.O. B.I.D.', { route: 'oral', inferred: false, freq: [2, 1, 'd'] }],
  ['GIVE 1 TABLET PO BID', { dose: [1, 'tablet'], route: 'oral', freq: [2, 1, 'd'] }],
  ['Give 1 tablet PO twice weekly', { freq: [2, 1, 'wk'], perDay: 2 / 7 }],
  ['Give 1 tablet PO 3 times a week', { freq: [3, 1, 'wk'] }],
  ['Give 1 tablet by mouth on Monday, Wednesday and Friday', { freq: [3, 1, 'wk'] }],
  ['Give 1 tablet PO every 2 weeks', { freq: [1, 2, 'wk'], perDay: 1 / 14 }],
  ['Inject 1 ml SQ every 3 months', { route: 'subcutaneous', freq: [1, 3, 'mo'], perDay: 1 / 90 }],
  ['Give 1 tablet PO q4-6h prn', { freq: [1, 4, 'h'], prn: true }],
  ['Give 1 tablet by mouth every 6 to 8 hours', { freq: [1, 6, 'h'] }],
  ['Give 1-2 tablets by mouth once or twice daily', { dose: [1, 2, 'tablet'], freq: [2, 1, 'd'] }],
  ['Take 1 tablet 2x daily', { freq: [2, 1, 'd'], route: 'oral', inferred: true }],
  ['Take 1 tablet 3x/day', { freq: [3, 1, 'd'] }],
  ['Give 1 tablet PO at 12-hour intervals', { freq: [1, 12, 'h'] }],
  ['Take 1 tablet by mouth every other night at bedtime', { freq: [1, 2, 'd'] }],
  ['Give 1 tablet PO q.o.d.', { freq: [1, 2, 'd'] }],
  ['Take 1 tablet by mouth every 3rd day', { freq: [1, 3, 'd'] }],
  ['Take 1 tablet by mouth every third day', { freq: [1, 3, 'd'] }],
  ['take 3 tablets by mouth in the morning, at noon and at bedtime', { dose: [3, 'tablet'], freq: [3, 1, 'd'] }],
  ['take 2 capsules by mouth with meals', { freq: [3, 1, 'd'] }],
  ['take half after meals and at night time for three weeks', { dose: [0.5], freq: [4, 1, 'd'], days: 21, route: 'oral', inferred: true }],
  ['take 1 tablet by mouth twice daily (every 12 hours)', { freq: [2, 1, 'd'] }],
  ['take 1 tablet by mouth twice daily with food', { freq: [2, 1, 'd'] }],
  ['Take 1 tablet by mouth daily. Max 2 tabs/day', { freq: [1, 1, 'd'] }],
  ['take 1 tablet 3 times daily as needed mdd 1.5 mg per day', { freq: [3, 1, 'd'], prn: true }],
  ['take 2 tablets by mouth daily for 14 days then 1 tablet every 14 days', { dose: [2, 'tablet'], freq: [1, 1, 'd'], days: 14 }],
  ['take one tab every day bid', { freq: [2, 1, 'd'] }],
  ['Take 1 tablet by mouth at 8am and 8pm', { freq: [2, 1, 'd'] }],
];

const routeCases: Array<[string, Expect]> = [
  ['Inject 0.5 ml SQ once weekly', { dose: [0.5, 'ml'], route: 'subcutaneous', inferred: false, freq: [1, 1, 'wk'], perDay: 1 / 7 }],
  ['Inject 0.5 ml SC q24h', { route: 'subcutaneous', inferred: false, freq: [1, 24, 'h'] }],
  ['Inject 10 units subcut BID', { dose: [10, 'unit'], route: 'subcutaneous', freq: [2, 1, 'd'] }],
  ['Inject 1 ml subcutaneously once', { route: 'subcutaneous', freq: [1, 1, 'd'], days: 1 }],
  ['Inject 1 ml IM once weekly', { route: 'intramuscular', inferred: false, freq: [1, 1, 'wk'] }],
  ['Give 2 ml IV q8h', { dose: [2, 'ml'], route: 'intravenous', inferred: false, freq: [1, 8, 'h'] }],
  ['apply thin layer topically bid prn itching', { dose: [1, 'application'], route: 'topical', inferred: false, freq: [2, 1, 'd'], prn: true }],
  ['Apply to affected area BID', { dose: [1, 'application'], route: 'topical', inferred: true, site: 'affected area', freq: [2, 1, 'd'] }],
  ['Apply 0.1 ml (1 click) to inner pinna SID', { dose: [0.1, 'ml'], route: 'transdermal', inferred: true, site: 'inner ear pinna', freq: [1, 1, 'd'] }],
  ['Apply 1 click transdermally to inner pinna BID', { dose: [1, 'click'], route: 'transdermal', inferred: false, site: 'inner ear pinna' }],
  ['Apply 2.5 mg to ear tip q12h', { dose: [2.5, 'mg'], route: 'transdermal', site: 'inner ear pinna', freq: [1, 12, 'h'] }],
  ['Apply 1 click to ear BID', { dose: [1, 'click'], route: 'transdermal', inferred: true, site: 'ear' }],
  ['Apply 1 pump topically SID', { dose: [1, 'pump'], route: 'topical', inferred: false }],
  ['Apply 1 patch q72h', { dose: [1, 'patch'], route: 'transdermal', inferred: true, freq: [1, 72, 'h'] }],
  ['1 drop OU TID x 14 days', { dose: [1, 'drop'], route: 'ophthalmic', inferred: false, site: 'both eyes', freq: [3, 1, 'd'], days: 14 }],
  ['Instill 1 drop OD BID', { route: 'ophthalmic', inferred: false, site: 'right eye', freq: [2, 1, 'd'] }],
  ['Instill 1 drop OS q6h', { route: 'ophthalmic', site: 'left eye', freq: [1, 6, 'h'] }],
  ['Instill 1 drop in both eyes BID', { route: 'ophthalmic', inferred: true, site: 'both eyes' }],
  ['Instill 2 drops in right eye TID', { dose: [2, 'drop'], route: 'ophthalmic', inferred: true, site: 'right eye' }],
  ['Instill 1 drop in the left eye QID', { route: 'ophthalmic', site: 'left eye', freq: [4, 1, 'd'] }],
  ['Instill 2 gtts AU BID', { dose: [2, 'drop'], route: 'otic', inferred: false, site: 'both ears', freq: [2, 1, 'd'] }],
  ['Instill 3 drops AD SID', { route: 'otic', site: 'right ear' }],
  ['Instill 3 drops AS SID', { route: 'otic', site: 'left ear', freq: [1, 1, 'd'] }],
  ['Place 4 drops in both ears twice daily for 7 days', { route: 'otic', inferred: true, site: 'both ears', days: 7 }],
  ['Instill 5 drops in the left ear once daily', { dose: [5, 'drop'], route: 'otic', site: 'left ear' }],
  ['Instill 1 drop otic BID', { route: 'otic', inferred: false, site: null }],
  ['Apply ophthalmic ointment OU TID', { route: 'ophthalmic', site: 'both eyes', missing: ['dose'] }],
  ['Insert 1 suppository rectally BID', { dose: [1, 'suppository'], route: 'rectal', inferred: false }],
  ['Insert 1 suppository at bedtime', { route: 'rectal', inferred: true, freq: [1, 1, 'd'] }],
  ['Give 1 supp PR q12h prn', { dose: [1, 'suppository'], route: 'rectal', prn: true }],
  ['Inhale 2 puffs BID', { dose: [2, 'puff'], route: 'inhalation', inferred: false }],
  ['2 puffs q4h prn wheezing', { route: 'inhalation', inferred: true, prn: true, freq: [1, 4, 'h'] }],
  ['Inhale 2 puffs by mouth every 4 hours as needed', { route: 'inhalation', prn: true }],
  ['Nebulize 3 ml q6h', { dose: [3, 'ml'], route: 'inhalation', inferred: false }],
  ['2 sprays in each nostril daily', { dose: [2, 'spray'], route: 'nasal', inferred: true, site: 'each nostril' }],
  ['1 spray intranasally BID', { route: 'nasal', inferred: false }],
  ['Place 1/2 tablet buccally BID', { dose: [0.5, 'tablet'], route: 'buccal', inferred: false }],
  ['Place 1 tablet under the tongue every 5 minutes prn chest pain', { route: 'sublingual', prn: true, perDay: 288 }],
  ['1 tab SL PRN chest pain', { route: 'sublingual', prn: true, missing: ['frequency'] }],
  ['Insert 1 applicatorful vaginally at bedtime', { dose: [1, 'application'], route: 'vaginal', inferred: false }],
  ['Insert 1 tablet PV daily', { route: 'vaginal', inferred: false }],
  ['Give 1 tablet orally BID', { route: 'oral', inferred: false }],
  ['Give 5 ml PO BID', { dose: [5, 'ml'], route: 'oral', inferred: false }],
  ['Give 2.5 ml q12h', { dose: [2.5, 'ml'], route: 'oral', inferred: true }],
  ['Give 1 tablet BID', { route: 'oral', inferred: true }],
  ['Give 1 capsule SID', { route: 'oral', inferred: true }],
  ['Give 1 chew monthly', { route: 'oral', inferred: true, freq: [1, 1, 'mo'] }],
  ['Give 1 troche by mouth BID', { dose: [1, 'troche'], route: 'oral', inferred: false }],
  ['Apply sparingly to affected area two times a day', { dose: [1, 'application'], route: 'topical', site: 'affected area', freq: [2, 1, 'd'] }],
  ['Apply 0.05 ml to the inside of the ear flap every 12 hours', { dose: [0.05, 'ml'], route: 'transdermal', site: 'inner ear pinna' }],
];

const numberCases: Array<[string, Expect]> = [
  ['Give one tablet by mouth twice daily', { dose: [1, 'tablet'] }],
  ['Give two tablets by mouth once daily', { dose: [2, 'tablet'] }],
  ['Give one and a half tablets by mouth every other day', { dose: [1.5, 'tablet'], route: 'oral', freq: [1, 2, 'd'], perDay: 0.5 }],
  ['Give half a tablet by mouth once daily', { dose: [0.5, 'tablet'] }],
  ['Give half tablet PO BID', { dose: [0.5, 'tablet'] }],
  ['Give 1/2 tablet PO BID', { dose: [0.5, 'tablet'], route: 'oral', inferred: false, freq: [2, 1, 'd'] }],
  ['Give 1 1/2 tablets PO SID', { dose: [1.5, 'tablet'] }],
  ['Give ½ tablet PO SID', { dose: [0.5, 'tablet'] }],
  ['Give 1½ tablets PO BID', { dose: [1.5, 'tablet'] }],
  ['Give ¼ tablet PO SID', { dose: [0.25, 'tablet'] }],
  ['Give .5 ml PO BID', { dose: [0.5, 'ml'] }],
  ['Give 0.25 ml PO SID', { dose: [0.25, 'ml'] }],
  ['Give 1-2 tablets PO q8h prn', { dose: [1, 2, 'tablet'], prn: true }],
  ['Give 1 to 2 tablets by mouth every 8 hours', { dose: [1, 2, 'tablet'] }],
  ['Give 1/2-1 tablet PO BID', { dose: [0.5, 1, 'tablet'] }],
  ['Give three capsules by mouth once daily', { dose: [3, 'capsule'] }],
  ['Give one-half tablet by mouth BID', { dose: [0.5, 'tablet'] }],
  ['Take one and one-half tablets by mouth daily', { dose: [1.5, 'tablet'] }],
  ['Give a quarter tablet by mouth once daily', { dose: [0.25, 'tablet'] }],
  ['Give 1 and 1/2 tablets PO BID', { dose: [1.5, 'tablet'] }],
  ['Give 3/4 tablet PO SID', { dose: [0.75, 'tablet'] }],
  ['take 1 daily', { dose: [1], route: 'oral', inferred: true, freq: [1, 1, 'd'] }],
  ['1 po qd', { dose: [1], route: 'oral', inferred: false, freq: [1, 1, 'd'] }],
  ['1/2 po bid', { dose: [0.5], freq: [2, 1, 'd'] }],
  ['1-2 by mouth every 6 hours as needed for pain mdd 6', { dose: [1, 2], prn: true, freq: [1, 6, 'h'] }],
  ['take 1 tablet by mouth every 4 four hours as needed', { freq: [1, 4, 'h'], prn: true }],
  ['take one 1 tablets by mouth at bedtime', { dose: [1, 'tablet'] }],
];

const unitCases: Array<[string, Expect]> = [
  ['Take 2 tabs PO BID', { dose: [2, 'tablet'] }],
  ['Take 1 tab PO BID', { dose: [1, 'tablet'] }],
  ['Take 2 caps PO TID', { dose: [2, 'capsule'] }],
  ['Give 0.5 mL PO BID', { dose: [0.5, 'ml'] }],
  ['Give 0.5 cc SQ SID', { dose: [0.5, 'ml'], route: 'subcutaneous' }],
  ['Give 5 mg PO SID', { dose: [5, 'mg'] }],
  ['Give 5 mg/kg PO BID', { dose: [5, 'mg/kg'] }],
  ['Give 2 mg per kg PO SID', { dose: [2, 'mg/kg'] }],
  ['Give 10 milligrams by mouth daily', { dose: [10, 'mg'] }],
  ['Instill 2 gtt OU BID', { dose: [2, 'drop'] }],
  ['Instill 1 gtts OS TID', { dose: [1, 'drop'] }],
  ['Apply 2 pumps to inner pinna SID', { dose: [2, 'pump'], route: 'transdermal' }],
  ['Apply 1 application topically BID', { dose: [1, 'application'] }],
  ['Apply 1 g topically BID', { dose: [1, 'g'] }],
  ['Inject 20 U SQ BID', { dose: [20, 'unit'] }],
  ['Give 1 tsp PO BID', { dose: [5, 'ml'] }],
  ['Give 1 chewable tablet PO monthly', { dose: [1, 'chew'], route: 'oral' }],
  ['Give 100 mcg PO SID', { dose: [100, 'mcg'] }],
  ['Give 2 Tablets po bid', { dose: [2, 'tablet'] }],
  ['Give 1 pill PO SID', { dose: [1, 'tablet'] }],
  ['amoxicillin 500 mg take 1 capsule by mouth every 8 hours', { dose: [1, 'capsule'], freq: [1, 8, 'h'] }],
  ['take 1 tablet 200 mg total by mouth every 8 hours', { dose: [1, 'tablet'] }],
  ['take one 150 mg tab twice a day x 5 days', { dose: [1, 'tablet'], route: 'oral', inferred: true, freq: [2, 1, 'd'], days: 5 }],
  ['inject 40 units subq 2 times a day', { dose: [40, 'unit'], route: 'subcutaneous', freq: [2, 1, 'd'] }],
  ['2.4M IU IM once', { dose: [2400000, 'unit'], route: 'intramuscular', freq: [1, 1, 'd'], days: 1 }],
  ['Apply 1 click 0.25 ml bid', { dose: [0.25, 'ml'], route: 'transdermal', inferred: true }],
];

const durationCases: Array<[string, Expect]> = [
  ['Give 1 tablet PO BID x 10d', { days: 10 }],
  ['Give 1 tablet PO BID x10 days', { days: 10 }],
  ['Give 1 tablet PO BID for 14 days', { days: 14 }],
  ['Give 1 tablet PO BID for 2 weeks', { days: 14 }],
  ['Give 1 tablet PO SID x 1 month', { days: 30 }],
  ['Give 1 tablet PO SID for 3 months', { days: 90 }],
  ['Give 1 tablet PO BID x 7 days then as needed', { days: 7, prn: true, freq: [2, 1, 'd'] }],
  ['Give 1 tablet PO SID for a week', { days: 7 }],
  ['Give 1 capsule PO q8h for 5-7 days', { days: 7 }],
  ['Take 1 tablet by mouth daily for 1 year', { days: 365 }],
  ['Give 2.5 ml by mouth q12h for 2 weeks', { dose: [2.5, 'ml'], route: 'oral', inferred: false, freq: [1, 12, 'h'], perDay: 2, days: 14 }],
  ['1 caps po bidx10 days', { dose: [1, 'capsule'], freq: [2, 1, 'd'], days: 10 }],
  ['1 tablet orally once a day 90 days', { days: 90 }],
  ['Give 1 tablet PO SID', { days: null }],
  ['Give 1 tablet PO BID x 2 wks', { days: 14 }],
  ['Give 1 tablet PO every 12 days', { freq: [1, 12, 'd'], days: null }],
];

const incompleteCases: Array<[string, Expect]> = [
  ['As directed', { dose: null, route: null, freq: null, missing: ALL }],
  ['Use as directed', { missing: ALL }],
  ['Give as needed', { prn: true, missing: ALL }],
  ['Use as needed', { prn: true, missing: ALL }],
  ['Take as directed by your veterinarian', { missing: ALL }],
  ['', { missing: ALL }],
  ['   ', { missing: ALL }],
  ['Give 1 tablet', { route: 'oral', inferred: true, missing: ['frequency'] }],
  ['Give by mouth twice daily', { dose: null, route: 'oral', missing: ['dose'] }],
  ['Instill in both eyes', { route: 'ophthalmic', site: 'both eyes', missing: ['dose', 'frequency'] }],
  ['BID', { freq: [2, 1, 'd'], missing: ['dose', 'route'] }],
  ['Apply to inner pinna', { route: 'transdermal', site: 'inner ear pinna', missing: ['dose', 'frequency'] }],
  ['Give 2 drops BID', { dose: [2, 'drop'], route: null, missing: ['route'] }],
  ['1 drop OD', { route: 'ophthalmic', site: 'right eye', missing: ['frequency'] }],
  ['take 1 tablet by mouth', { missing: ['frequency'] }],
  ['Give 1 tablet PO as directed', { missing: ['frequency'] }],
  ['Inject 0.5 ml BID', { dose: [0.5, 'ml'], missing: ['route'] }],
  ['uad', { missing: ALL }],
];

const humanCases: Array<[string, Expect]> = [
  ['TAKE 1 TABLET BY MOUTH EVERY 6 HOURS AS NEEDED FOR PAIN', { dose: [1, 'tablet'], route: 'oral', freq: [1, 6, 'h'], prn: true }],
  ['1 tab po qhs prn', { freq: [1, 1, 'd'], prn: true }],
  ['1-2 tabs 5-10mg q6h prn po pain', { dose: [1, 2, 'tablet'], route: 'oral', freq: [1, 6, 'h'], prn: true }],
  ['1 tabs po tidprnas needed for pain', { freq: [3, 1, 'd'], prn: true }],
  ['Tkae 1 tabet 3 tiems a day for 2 wekes', { dose: [1, 'tablet'], freq: [3, 1, 'd'], days: 14 }],
  ['Take 1 tab of Benadryl 3 times a day', { dose: [1, 'tablet'], freq: [3, 1, 'd'] }],
  ['take 4 TABS q.4.d for 4 weeks', { dose: [4, 'tablet'], freq: [1, 4, 'd'], days: 28 }],
  ['Take 4 tabs by mouth Q.O.D for 2 weeks', { freq: [1, 2, 'd'], days: 14 }],
  ['1 bd as required', { dose: [1], freq: [2, 1, 'd'], prn: true, missing: ['route'] }],
  ['one puff morning and night', { dose: [1, 'puff'], route: 'inhalation', freq: [2, 1, 'd'] }],
  ['1x3 po pc', { dose: [1], route: 'oral', freq: [3, 1, 'd'] }],
  ['500 mg po O.D.', { dose: [500, 'mg'], route: 'oral', freq: [1, 1, 'd'], site: null }],
  ['1 drop OS OD', { route: 'ophthalmic', site: 'left eye', freq: [1, 1, 'd'] }],
  ['2 tab po q6h prn pain', { dose: [2, 'tablet'], freq: [1, 6, 'h'], prn: true }],
  ['2 supp q 6-8 h prn constipation', { dose: [2, 'suppository'], route: 'rectal', freq: [1, 6, 'h'], prn: true }],
  ['1 tab 3/day', { freq: [3, 1, 'd'] }],
  ['2 puffs 2/week', { freq: [2, 1, 'wk'] }],
  ['Apply 1 patch 1/month', { freq: [1, 1, 'mo'] }],
  ['take 1 tablet by mouth on monday wednesdays and Fridays', { freq: [3, 1, 'wk'] }],
  ['take 2 tablets orally at 6am 2pm and 9pm', { freq: [3, 1, 'd'] }],
  ['take 1 tablet 40 mg total by mouth 2 times daily 8:00 am and 2:00 pm', { dose: [1, 'tablet'], freq: [2, 1, 'd'] }],
  ['take one tablet by mouth daily at 5 in the evening', { dose: [1, 'tablet'], freq: [1, 1, 'd'] }],
  ['1 tabs po q8hr intprnas needed for nausea/vomiting', { freq: [1, 8, 'h'], prn: true }],
  ['take 3 ml by mouth once a day for 10 days 3 ml = 150 mg', { dose: [3, 'ml'], days: 10 }],
  ['1 tablet under the tongue and allow to dissolve sublingual bid 9 days', { route: 'sublingual', days: 9 }],
  ['tome una tableta por via oral tres veces al dia segun sea necesario', { prn: true, route: 'oral', missing: ['dose', 'frequency'] }],
  ['Take 1 tablet by mouth every 12 hours for 10 days. Disp #20', { dose: [1, 'tablet'], freq: [1, 12, 'h'], days: 10 }],
  ['Take 2 tablets by mouth twice daily. Refills: 3', { dose: [2, 'tablet'], freq: [2, 1, 'd'] }],
];

const vetCases: Array<[string, Expect]> = [
  ['Give 1/4 tablet PO BID with food', { dose: [0.25, 'tablet'], route: 'oral', freq: [2, 1, 'd'] }],
  ['Give 0.3 ml PO SID in food', { dose: [0.3, 'ml'], route: 'oral', freq: [1, 1, 'd'] }],
  ['Give 1 chew PO once monthly for heartworm prevention', { dose: [1, 'chew'], freq: [1, 1, 'mo'] }],
  ['Apply 2.5 mg/0.1 ml methimazole gel to inner pinna q12h, alternate ears', { route: 'transdermal', site: 'inner ear pinna', freq: [1, 12, 'h'] }],
  ['Inject 2 units SQ q12h with meals', { dose: [2, 'unit'], route: 'subcutaneous', freq: [1, 12, 'h'] }],
  ['Give 5 mg/kg PO q24h x 14 days', { dose: [5, 'mg/kg'], freq: [1, 24, 'h'], days: 14 }],
  ['Instill 4 drops AU SID x 7d then EOD', { site: 'both ears', freq: [1, 1, 'd'], days: 7 }],
  ['Give 1 tab PO SID for 30 days; recheck before refill', { days: 30 }],
  ['Administer 10 mg per kilogram body weight orally once a day', { dose: [10, 'mg/kg'], route: 'oral', freq: [1, 1, 'd'] }],
  ['Give 1 capsule PO SID on an empty stomach', { freq: [1, 1, 'd'] }],
  ['Give 0.1 ml transdermally on the ear BID', { route: 'transdermal', inferred: false }],
  ['Give 1 chew by mouth every 3 months', { freq: [1, 3, 'mo'] }],
  ['Inject 1 ml SQ every other week', { freq: [1, 2, 'wk'] }],
  ['Give 2 tablets by mouth every 12 hours until gone', { dose: [2, 'tablet'], freq: [1, 12, 'h'] }],
  ['Give 1/2 tab po bid x 10 days, give with food', { dose: [0.5, 'tablet'], days: 10 }],
  ['Mix 1 scoop in food SID', { dose: [1, 'scoop'], freq: [1, 1, 'd'], missing: ['route'] }],
];

describe('parseSig', () => {
  const groups: Array<[string, Array<[string, Expect]>]> = [
    ['frequency', frequencyCases],
    ['route and site', routeCases],
    ['numbers', numberCases],
    ['units', unitCases],
    ['duration', durationCases],
    ['incomplete SIGs', incompleteCases],
    ['human SIGs', humanCases],
    ['veterinary SIGs', vetCases],
  ];
  describeSigTables(groups);

  it('has at least 150 table cases', () => {
    expect(groups.reduce((n, [, cases]) => n + cases.length, 0)).toBeGreaterThanOrEqual(150);
  });

  it('gives the issue example in full', () => {
    expect(parseSig('Give 1/2 tablet PO BID')).toEqual({
      complete: true,
      missing: [],
      dose: { amount: 0.5, unit: 'tablet' },
      route: 'oral',
      routeInferred: false,
      frequency: { count: 2, period: 1, periodUnit: 'd' },
      timesPerDay: 2,
      asNeeded: false,
    });
  });

  it('returns an incomplete result for input that is not a string', () => {
    expect(parseSig(undefined as unknown as string)).toEqual({ complete: false, missing: ALL, asNeeded: false });
    expect(parseSig(42 as unknown as string).complete).toBe(false);
  });
});

const SIG_TOKENS = [
  'give', 'take', 'apply', 'instill', 'inject', 'inhale', '1', '2', '0.5', '.5', '1/2', '1 1/2', '½', 'one', 'two',
  'half', 'and', 'a', 'tablet', 'tabs', 'capsule', 'ml', 'mL', 'cc', 'mg', 'mg/kg', 'gtts', 'drop', 'click', 'pump',
  'puff', 'patch', 'PO', 'by mouth', 'SQ', 'SC', 'IM', 'IV', 'OU', 'OD', 'OS', 'AU', 'AD', 'AS', 'inner pinna',
  'ear tip', 'topically', 'SID', 'BID', 'TID', 'QID', 'q8h', 'q 12 h', 'q4-6h', 'every', 'other', 'day', 'hours',
  'EOD', 'QOD', 'weekly', 'monthly', 'PRN', 'as needed', 'as directed', 'x', '10d', 'for', '2 weeks', 'then', '-',
  '/', '(', ')', '.', ',', 'to', 'or', 'at', 'bedtime', 'morning', 'with meals', 'max', 'mdd', '#30', '9am', '10:30',
];

describe('parseSig on any input', () => {
  const inputs = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
    fc.array(fc.constantFrom(...SIG_TOKENS), { maxLength: 24 }).map((t) => t.join(' ')),
    fc.array(fc.oneof(fc.constantFrom(...SIG_TOKENS), fc.string({ maxLength: 3 })), { maxLength: 16 }).map((t) => t.join('')),
  );

  it('never throws, is deterministic and keeps its own invariants', () => {
    fc.assert(
      fc.property(inputs, (text) => {
        const a = parseSig(text);
        const b = parseSig(text);
        expect(b).toEqual(a);
        expect(a.complete).toBe(a.missing.length === 0);
        expect(a.missing).toEqual(ALL.filter((part) => a.missing.includes(part)));
        expect(a.missing.includes('dose')).toBe(a.dose === undefined);
        expect(a.missing.includes('route')).toBe(a.route === undefined);
        expect(a.missing.includes('frequency')).toBe(a.frequency === undefined);
        if (a.dose) expect(Number.isFinite(a.dose.amount)).toBe(true);
        if (a.frequency) expect(a.timesPerDay).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('handles a very long input quickly', () => {
    const long = 'Give 1 tablet PO BID '.repeat(5000) + '1-'.repeat(50000);
    const started = performance.now();
    const parsed = parseSig(long);
    expect(parsed.dose).toEqual({ amount: 1, unit: 'tablet' });
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('daysSupply', () => {
  it.each<[string, number, number | undefined, number | undefined]>([
    ['Give 1 tablet PO BID', 60, undefined, 30],
    ['Give 1/2 tablet PO BID', 30, undefined, 30],
    ['Give 1 tablet PO q8h', 30, undefined, 10],
    ['Give 1 tablet PO BID', 25, undefined, 12.5],
    ['Give 1-2 tablets PO q8h prn', 30, undefined, 5],
    ['Give 0.5 ml PO BID', 1, 30, 30],
    ['Give 0.5 ml PO BID', 2, 15, 30],
    ['Give 1 chew monthly', 6, undefined, 180],
    ['Give 1 tablet PO EOD', 15, undefined, 30],
    ['Give 1 tablet PO once weekly', 4, undefined, 28],
    ['Instill 1 drop OU BID', 300, undefined, 150],
    ['Give 1 tablet PO BID', 0, undefined, 0],
  ])('%s, quantity %d (×%s per package) lasts %s days', (sig, quantity, perPackage, days) => {
    expect(daysSupply(parseSig(sig), quantity, perPackage)).toBe(days);
  });

  it.each<[string, number, number?]>([
    ['Give 1 tablet PO PRN', 30],
    ['As directed', 30],
    ['Give 1 tablet PO', 30],
    ['Give by mouth twice daily', 30],
    ['Give 5 mg/kg PO BID', 100],
    ['Give 1 tablet PO BID', -1],
    ['Give 1 tablet PO BID', Number.NaN],
    ['Give 1 tablet PO BID', Number.POSITIVE_INFINITY],
    ['Give 1 tablet PO BID', 30, 0],
  ])('is undefined for %s with quantity %d', (sig, quantity, perPackage) => {
    expect(daysSupply(parseSig(sig), quantity, perPackage)).toBeUndefined();
  });
});
