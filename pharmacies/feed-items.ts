import type { z } from 'zod';
import { catalogFeedItemSchema, type CatalogFeedItem, type RejectedRow } from './types';

/**
 * One item of a feed, before validation: its row number (see `RejectedRow.row`) and either the
 * value to check against `catalogFeedItemSchema`, or the reason it could not even be read.
 */
export type FeedCandidate =
  | { row: number; value: unknown }
  | { row: number; problem: { field?: string; reason: string } };

/**
 * Validates feed items one by one, so one bad item costs only itself: the good ones come back
 * parsed, each bad one as a rejected row naming its field. A SKU seen before in the same feed
 * is rejected too (the import would otherwise apply whichever came last, silently).
 *
 * `label` turns a field path (`unitPriceCents`, `shipStates.2`) into what the sender calls it
 * (a CSV column header); by default the path is used as it is.
 */
export function acceptFeedItems(
  candidates: Iterable<FeedCandidate>,
  label: (path: string) => string = (path) => path,
): { items: CatalogFeedItem[]; rejected: RejectedRow[] } {
  const acceptor = feedItemAcceptor(label);
  for (const candidate of candidates) acceptor.accept(candidate);
  return acceptor.result();
}

/** `acceptFeedItems` one candidate at a time, for feeds read as a stream. */
export function feedItemAcceptor(label: (path: string) => string = (path) => path) {
  const items: CatalogFeedItem[] = [];
  const rejected: RejectedRow[] = [];
  const rowOfSku = new Map<string, number>();
  return {
    accept(candidate: FeedCandidate): void {
      if ('problem' in candidate) {
        rejected.push({ row: candidate.row, ...candidate.problem });
        return;
      }
      const parsed = catalogFeedItemSchema.safeParse(candidate.value);
      if (!parsed.success) {
        rejected.push({ row: candidate.row, ...describeIssues(candidate.value, parsed.error.issues, label) });
        return;
      }
      const firstRow = rowOfSku.get(parsed.data.sku);
      if (firstRow !== undefined) {
        const field = label('sku');
        rejected.push({ row: candidate.row, field, reason: `${field}: ${parsed.data.sku} already appears in row ${firstRow}` });
        return;
      }
      rowOfSku.set(parsed.data.sku, candidate.row);
      items.push(parsed.data);
    },
    result(): { items: CatalogFeedItem[]; rejected: RejectedRow[] } {
      return { items, rejected };
    },
  };
}

/** Every problem of an item in one reason, so the sender can fix the row in one pass. */
function describeIssues(
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  label: (path: string) => string,
): { field?: string; reason: string } {
  const parts = issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    // A type error on an absent field reads better to a sender as "is missing".
    const message = issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined ? 'is missing' : issue.message;
    return path ? `${label(path)}: ${message}` : message;
  });
  const first = issues[0]?.path.map(String).join('.');
  return { ...(first ? { field: label(first) } : {}), reason: parts.join('; ') };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}
