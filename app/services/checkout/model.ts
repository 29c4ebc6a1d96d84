/**
 * The checkout's shapes (the plan it charges, the views it shows) and the constants more than
 * one of its files needs. Types only, plus two constants: no database access here.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import type { CheckoutStatus } from '../../../validators/vocabulary';
import type { PricedLine, PricedShipment } from '~/lib/pricing';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/** How long an unpaid Stripe checkout holds its stock (Stripe allows 30 minutes to 24 hours). */
export const CHECKOUT_TTL_MS = 60 * 60_000;

/** The actor the checkout's own steps (split, expiry, confirmation) are audited as. */
export const CHECKOUT_SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart checkout' };


/** One line of the plan: its exact price share and what the split snapshots. */
export type PlanLine = PricedLine & {
  cartLineId: string;
  patientId: string;
  offerId: string;
  medicationId: string;
  prescriberId: string;
  prescriptionId: string | null;
  sig: string;
  shipTo: 'clinic' | 'owner';
  shipState: string;
  source: string;
};

/** The priced cart as charged, stored on the checkout; the split reads nothing else for money. */
export type CheckoutPlan = {
  lines: PlanLine[];
  shipments: PricedShipment[];
  totalCents: number;
  platformFeePerVialCents: number;
};

/** One pharmacy's order as checkout shows it. */
export type OrderSummary = {
  id: string;
  pharmacyId: string;
  pharmacyName: string;
  status: string;
  lineCount: number;
  vials: number;
  subtotalCents: number;
  shippingCents: number;
  feesCents: number;
  platformFeeCents: number;
  totalCents: number;
  /** What the pharmacy is owed: total less vialcart's platform fee. */
  payableCents: number;
};

/** A checkout as the API and the pages show it. */
export type CheckoutView = {
  id: string;
  cartId: string;
  cartVersion: number;
  status: CheckoutStatus;
  provider: 'stripe' | 'invoice';
  amountCents: number;
  createdAt: string;
  expiresAt: string | null;
  paidAt: string | null;
  failureReason: string | null;
  redirectUrl: string | null;
  invoiceNumber: string | null;
  dueOn: string | null;
  refundedCents: number;
  orders: OrderSummary[];
};

/** What `checkoutCart` answers: the checkout and, once split, its orders. `replayed` = an earlier request's answer. */
export type CheckoutOutcome = { checkout: CheckoutView; replayed: boolean };
