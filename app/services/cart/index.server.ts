/**
 * The cart room: the clinic's refill-day cart, one open cart per clinic holding many patients'
 * lines, up to the moment checkout takes it. What it owns, file by file:
 *
 * - `store.server.ts`    the cart aggregate: find, create and lock carts, append lines, and the
 *                        only writes of `carts.version` (test/unit/architecture.test.ts)
 * - `lines.server.ts`    add, edit, remove and undo lines of the open cart; the API's add answer
 * - `input.server.ts`    what a new or edited line names, loaded and checked field by field
 * - `view.server.ts`     the priced cart with shipments, totals and findings; its pricing input
 * - `offers.server.ts`   alternatives and "switch pharmacy", the fast-entry offer search
 * - `history.server.ts`  quickfill and reorder from past orders
 * - `builder.server.ts`  the refill-day builder: who is due for a refill, "Add N lines"
 * - `patient-lines.server.ts` a patient's lines when the record changes: removed when deceased,
 *                        moved along when merged into another patient
 * - `renewals.server.ts` lines follow their prescription's renewal (repointed, never re-entered)
 * - `optimize.server.ts` "Optimise pharmacies": the optimizer's input from the cart, a proposal, applying
 *                        it, undoing the latest, and the lines' pins
 * - `signoffs.server.ts` a veterinarian's sign-off of a line, bound to its content (hash),
 *                        cleared when a bound field changes
 * - `queries.server.ts`  reads and helpers the files above share
 *
 * Other rooms use the cart through this file; routing (returned lines), validation (locating
 * the cart it judges) and checkout use `store.server.ts` directly, as owners of no cart.
 * Warnings are acknowledged in `../validation/`, which judges the lines.
 */
export { getOpenCart } from './store.server';
export { addCartLines, addCartLinesAnswer, addCartLinesIn, removeCartLine, undoRemoveCartLine, updateCartLine } from './lines.server';
export type { CartLinePatch, NewCartLineInput } from './input.server';
export { cartPricingInput, cartPricingInputIn, loadCartView, type CartFinding, type CartLineView, type CartView } from './view.server';
export { offerAlternatives, searchOffersForCart, switchOffer } from './offers.server';
export { quickfillFromOrderLine, reorderOrder, type OfferProposal } from './history.server';
export { addDueToCart, dueForRefill } from './builder.server';
export { reassignPatientLines, removePatientLines } from './patient-lines.server';
export { applyOptimization, loadOptimizerInputIn, proposalJson, proposeOptimization, setLinePinned, undoableOptimization, undoOptimization, type OptimizeRequest } from './optimize.server';
export { followRenewals, type PrescriptionMove } from './renewals.server';
export { signOffLines, signOffLinesIn, recordSignoffs, contentHash, signedContent, canonicalJson, type SignedContent, type SignoffRequest, type SignedLine } from './signoffs.server';
