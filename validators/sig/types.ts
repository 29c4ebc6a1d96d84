/**
 * What a SIG says, in the shape integrations and validation rules rely on (docs/sig-parser.md).
 * Optional fields are absent when the text does not state them.
 */
export type ParsedSig = {
  /** Dose, route and frequency are all present (an inferred route counts as present). */
  complete: boolean;
  /** The absent parts, always in the order dose, route, frequency. */
  missing: Array<'dose' | 'route' | 'frequency'>;
  /**
   * The amount given each time. "1/2" → 0.5, "one and a half" → 1.5, "tab ss" → 0.5; a range
   * "1-2 tablets" gives amount 1 and amountMax 2. unit is singular lower-case: tablet, capsule,
   * chew, ml, mg, mg/kg, drop, puff, click, pump, application, patch, g, unit (and a few more,
   * see docs/sig-parser.md); absent for a bare number ("take 1 daily").
   */
  dose?: { amount: number; amountMax?: number; unit?: string };
  /** Route of administration, written or inferred (see routeInferred). */
  route?:
    | 'oral'
    | 'topical'
    | 'transdermal'
    | 'ophthalmic'
    | 'otic'
    | 'subcutaneous'
    | 'intramuscular'
    | 'intravenous'
    | 'rectal'
    | 'inhalation'
    | 'nasal'
    | 'buccal'
    | 'sublingual'
    | 'vaginal';
  /**
   * True when no route word or abbreviation is written and the route comes from the unit
   * (tablet → oral) or the site (drop in the left eye → ophthalmic); false when written.
   * Absent when there is no route.
   */
  routeInferred?: boolean;
  /**
   * `count` administrations every `period` `periodUnit`s, as FHIR Timing.repeat:
   * BID → {2,1,'d'}; q8h → {1,8,'h'}; EOD → {1,2,'d'}; weekly → {1,1,'wk'}. For ranges
   * ("every 4-6 hours", "1-2 times daily") the most frequent reading is kept.
   */
  frequency?: { count: number; period: number; periodUnit: 'h' | 'd' | 'wk' | 'mo' };
  /** Administrations per day derived from frequency: q8h → 3, EOD → 0.5, weekly → 1/7. */
  timesPerDay?: number;
  /** PRN / as needed. With a frequency ("q8h prn") the frequency is the ceiling. */
  asNeeded: boolean;
  /** Length of the course in days: "for 14 days", "x 2 weeks" → 14; a month is 30 days. */
  durationDays?: number;
  /** Where it goes, e.g. "left eye", "inner ear pinna", "both ears", "affected area". */
  site?: string;
};

/** A route of administration the parser can name. */
export type SigRoute = NonNullable<ParsedSig['route']>;

/** One part a complete SIG must state. */
export type SigPart = ParsedSig['missing'][number];

export type Frequency = NonNullable<ParsedSig['frequency']>;
export type Dose = NonNullable<ParsedSig['dose']>;


/**
 * What the caller knows about the product the SIG is for. The text decides everything else;
 * the product only keeps the parser from guessing a route the product cannot take.
 */
export type SigContext = {
  /**
   * The dosage form as the catalog states it ("oral suspension", "injectable solution").
   * With an injectable form, "give 0.4 ml q6h" names no route: it is not read as by mouth.
   */
  form?: string;
};
