/** The shapes the refill-day page's components share: the loader's cart, and what the action answers. */
import type { SerializeFrom } from '@remix-run/node';
import type { FormErrors } from '~/lib/forms';
import type { loader } from './route';

type LoaderData = SerializeFrom<typeof loader>;
export type Cart = LoaderData['cart'];
export type Line = Cart['lines'][number];
export type Shipment = Cart['shipments'][number];
export type Prescriber = { id: string; name: string };
/** Open renewal requests by prescription id: whom it was asked of, and when. */
export type Renewals = LoaderData['renewals'];

/** Which line's editor is open; `focusSig` and `missing` when "Edit SIG" opened it. */
export type Editing = { lineId: string; focusSig?: boolean; missing?: string[] } | null;

/** A stale edit: what the line holds now. */
export type Conflict = { message: string; current: Record<string, unknown> };

/** What the action answers: which intent, on which line, and how it went. */
export type ActionResult = FormErrors & {
  intent: string;
  lineId?: string;
  ok?: boolean;
  message?: string;
  conflict?: Conflict;
  removed?: { lineId: string; label: string };
  /** "Optimise pharmacies": the proposal for the cart version it names, nothing applied yet. */
  proposal?: ProposalView;
};

/** A proposal as the page shows it: the API's proposal, the cart version it was made for, and names. */
export type ProposalView = ReturnType<typeof import('~/services/cart/optimize.server').proposalJson> & {
  cartVersion: number;
  pharmacyNames: Record<string, string>;
  offerPharmacyIds: Record<string, string>;
  maxPharmacies: number | null;
};
