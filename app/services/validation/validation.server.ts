/**
 * The validation room: the server side of line validation. The pure rules in `validators/`
 * judge; this room loads what they read and stores what people acknowledge. File by file:
 *
 * - `loader.server.ts`       fills a `ValidationContext` for a whole cart in a fixed number of
 *                            queries (never per line) and builds the lines the rules read
 * - `sig-cache.server.ts`    parsed SIGs remembered across validations
 * - `carts.server.ts`        validating the clinic's stored cart (located by the cart store) and
 *                            draft lines; findings as the API shows them
 * - `acknowledge.server.ts`  acknowledging a warning on a line, stored and audited
 *
 * docs/validation.md describes the rules, the loader and the findings' shape.
 */
export { loadValidationContext, type DraftLine, type ValidationLineInput } from './loader.server';
export { clearSigCache } from './sig-cache.server';
export {
  toPublicFinding,
  validateClinicCart,
  validateClinicCartIn,
  validateDraftLines,
  type Acknowledgement,
  type ClinicCartValidation,
  type ClinicLineValidation,
} from './carts.server';
export { acknowledgeWarning } from './acknowledge.server';
