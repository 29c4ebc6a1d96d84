/**
 * What importing a catalog feed would change, worked out without touching the database: the
 * import job loads a pharmacy's offers, calls `planImport`, applies the plan in one transaction
 * and stores `plan.summary` with the rejected rows and price flags as the import report.
 */
import type { CatalogFeedItem, RejectedRow } from './types';

/** An offer of the pharmacy as stored now: the fields a feed can change. */
export type ExistingOffer = {
  sku: string;
  unitPriceCents: number;
  stock: number;
  turnaroundDays: number;
  /** `null`: ships wherever the pharmacy is licensed. */
  shipStates: readonly string[] | null;
  /** False once a full feed no longer listed it (offers are never deleted: cart lines and orders refer to them). */
  available: boolean;
};

/** The fields of an offer an import compares and may change. */
export type OfferField = 'unitPriceCents' | 'stock' | 'turnaroundDays' | 'shipStates' | 'available';

/** One field of an offer that the feed changes. */
export type FieldChange = {
  [F in OfferField]: { field: F; from: ExistingOffer[F]; to: ExistingOffer[F] };
}[OfferField];

/** A price that moved by more than the threshold; imported anyway, and shown to an admin. */
export type PriceFlag = {
  sku: string;
  oldCents: number;
  newCents: number;
  /** |new − old| / old, e.g. 0.25; `null` when the old price was 0 (any move is infinite). */
  share: number | null;
};

/** Counts for the import report. */
export type ImportSummary = {
  /** Items of the feed that passed validation (= inserted + changed + unchanged). */
  accepted: number;
  /** New offers. */
  inserted: number;
  changed: number;
  unchanged: number;
  rejected: number;
  /** Offers a full feed no longer lists, now marked unavailable. */
  unavailable: number;
  /** Prices that moved by more than the threshold. */
  flagged: number;
};

/** The plan `planImport` returns. */
export type ImportPlan = {
  /** Items with a SKU the pharmacy has no offer for yet. */
  insert: CatalogFeedItem[];
  /** Existing offers the feed changes, with the feed's item (for the fields not compared here) and what changed. */
  change: Array<{ sku: string; item: CatalogFeedItem; changes: FieldChange[] }>;
  /** SKUs the feed lists exactly as stored. */
  unchanged: string[];
  /** SKUs of available offers a full feed no longer lists; to be marked unavailable, never deleted. */
  markUnavailable: string[];
  /** The feed's rejected rows, passed through to the report. */
  rejected: RejectedRow[];
  priceFlags: PriceFlag[];
  summary: ImportSummary;
};

/** A parsed feed as the plan needs it (a `CatalogFeed`, or the result of a CSV upload plus `full`). */
export type FeedForPlan = { full: boolean; items: readonly CatalogFeedItem[]; rejected: readonly RejectedRow[] };

/**
 * Compares a feed with the pharmacy's stored offers.
 * - An item whose SKU is new → insert; one that differs in price, stock, turnaround, ship states
 *   or availability → change; otherwise unchanged. A listed offer that was unavailable comes back.
 * - Full feed only: available offers it does not list → mark unavailable. A partial feed leaves
 *   unlisted offers alone.
 * - A price moving by more than `priceMoveThreshold` (a share: 0.2 = 20 %) is flagged.
 * Applying the plan and planning the same feed again gives no changes.
 */
export function planImport(
  existing: readonly ExistingOffer[],
  feed: FeedForPlan,
  { priceMoveThreshold }: { priceMoveThreshold: number },
): ImportPlan {
  if (!(priceMoveThreshold >= 0)) throw new RangeError(`priceMoveThreshold must be a share ≥ 0, got ${priceMoveThreshold}`);
  const bySku = new Map(existing.map((offer) => [offer.sku, offer]));
  const listed = new Set<string>();
  const plan: Omit<ImportPlan, 'summary'> = { insert: [], change: [], unchanged: [], markUnavailable: [], rejected: [...feed.rejected], priceFlags: [] };

  for (const item of feed.items) {
    listed.add(item.sku);
    const offer = bySku.get(item.sku);
    if (!offer) {
      plan.insert.push(item);
      continue;
    }
    const changes = diff(offer, item);
    if (changes.length === 0) {
      plan.unchanged.push(item.sku);
      continue;
    }
    plan.change.push({ sku: item.sku, item, changes });
    const flag = priceFlag(item.sku, offer.unitPriceCents, item.unitPriceCents, priceMoveThreshold);
    if (flag) plan.priceFlags.push(flag);
  }
  if (feed.full) {
    for (const offer of existing) if (offer.available && !listed.has(offer.sku)) plan.markUnavailable.push(offer.sku);
  }

  return {
    ...plan,
    summary: {
      accepted: feed.items.length,
      inserted: plan.insert.length,
      changed: plan.change.length,
      unchanged: plan.unchanged.length,
      rejected: plan.rejected.length,
      unavailable: plan.markUnavailable.length,
      flagged: plan.priceFlags.length,
    },
  };
}

/** The offers as they are after `plan` is applied: the reference for what the import job's SQL must do. */
export function applyImportPlan(existing: readonly ExistingOffer[], plan: ImportPlan): ExistingOffer[] {
  const changed = new Map(plan.change.map((c) => [c.sku, c.item]));
  const gone = new Set(plan.markUnavailable);
  const updated = existing.map((offer): ExistingOffer => {
    const item = changed.get(offer.sku);
    if (item) return toOffer(item);
    return gone.has(offer.sku) ? { ...offer, available: false } : offer;
  });
  return [...updated, ...plan.insert.map(toOffer)];
}

function toOffer(item: CatalogFeedItem): ExistingOffer {
  const { sku, unitPriceCents, stock, turnaroundDays, shipStates } = item;
  return { sku, unitPriceCents, stock, turnaroundDays, shipStates: normaliseStates(shipStates), available: true };
}

function diff(offer: ExistingOffer, item: CatalogFeedItem): FieldChange[] {
  const changes: FieldChange[] = [];
  if (offer.unitPriceCents !== item.unitPriceCents) changes.push({ field: 'unitPriceCents', from: offer.unitPriceCents, to: item.unitPriceCents });
  if (offer.stock !== item.stock) changes.push({ field: 'stock', from: offer.stock, to: item.stock });
  if (offer.turnaroundDays !== item.turnaroundDays) changes.push({ field: 'turnaroundDays', from: offer.turnaroundDays, to: item.turnaroundDays });
  const from = normaliseStates(offer.shipStates);
  const to = normaliseStates(item.shipStates);
  // Order and repeats in a list of states mean nothing, so "CA;OR" and "OR;CA" are no change.
  if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: 'shipStates', from: offer.shipStates, to });
  if (!offer.available) changes.push({ field: 'available', from: false, to: true });
  return changes;
}

function normaliseStates(states: readonly string[] | null): string[] | null {
  return states === null ? null : [...new Set(states)].sort();
}

function priceFlag(sku: string, oldCents: number, newCents: number, threshold: number): PriceFlag | undefined {
  if (oldCents === newCents) return undefined;
  if (oldCents === 0) return { sku, oldCents, newCents, share: null };
  const share = Math.abs(newCents - oldCents) / oldCents;
  return share > threshold ? { sku, oldCents, newCents, share: Math.round(share * 10_000) / 10_000 } : undefined;
}
