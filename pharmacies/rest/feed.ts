/**
 * The REST adapter's catalog: a JSON feed document (`catalogFeedEnvelopeSchema`) fetched over
 * HTTP with the pharmacy's key. The envelope must be right; items are checked one by one so a
 * bad item is reported in the import, not fatal to it.
 */
import { acceptFeedItems } from '../feed-items';
import { catalogFeedEnvelopeSchema, type CatalogFeed } from '../types';
import { DEFAULT_TIMEOUT_MS, deadline, describeFetchError } from './http';

/** Why a feed could not be read at all (as opposed to items in it being bad). */
export type FeedFetchErrorCode = 'timeout' | 'network' | 'http' | 'invalid_json' | 'invalid_document' | 'wrong_pharmacy';

/** A feed that could not be read at all; `code` says why, `status` is the HTTP status when there was one. */
export class FeedFetchError extends Error {
  override name = 'FeedFetchError';
  constructor(
    readonly code: FeedFetchErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type FetchJsonFeedOptions = {
  /** Bound on the whole exchange, body included. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** When given, a feed naming another pharmacy is refused (a misconfigured URL must not overwrite a catalog). */
  expectedSlug?: string;
};

/**
 * Fetches and parses a JSON catalog feed. Throws `FeedFetchError` when the feed as a whole is
 * unusable; otherwise returns its good items and every bad one as `{ row, field, reason }`,
 * `row` counting items from 1.
 */
export async function fetchJsonFeed(url: string, apiKey: string, options: FetchJsonFeedOptions = {}): Promise<CatalogFeed> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  let raw: string;
  try {
    const response = await doFetch(url, {
      headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
      signal: deadline(timeoutMs, options.signal),
    });
    raw = await response.text();
    if (!response.ok) {
      throw new FeedFetchError('http', `feed answered HTTP ${response.status}${raw ? `: ${raw.slice(0, 200)}` : ''}`, response.status);
    }
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    const { timedOut, message } = describeFetchError(error, timeoutMs);
    throw new FeedFetchError(timedOut ? 'timeout' : 'network', `could not fetch the feed: ${message}`);
  }

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new FeedFetchError('invalid_json', `feed is not JSON: ${(error as Error).message}`);
  }
  const envelope = catalogFeedEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const detail = envelope.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ');
    throw new FeedFetchError('invalid_document', `feed document is invalid: ${detail}`);
  }
  const { pharmacySlug, generatedAt, full, items } = envelope.data;
  if (options.expectedSlug !== undefined && pharmacySlug !== options.expectedSlug) {
    throw new FeedFetchError('wrong_pharmacy', `feed is for pharmacy "${pharmacySlug}", expected "${options.expectedSlug}"`);
  }
  const accepted = acceptFeedItems(items.map((value, i) => ({ row: i + 1, value })));
  return { pharmacySlug, generatedAt, full, ...accepted };
}
