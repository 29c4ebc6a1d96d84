/**
 * The REST adapter: the pharmacy has an order API (signed POST, `submit.ts`) and publishes its
 * catalog as a JSON feed (`feed.ts`). It answers through the pharmacy API with its key.
 */
import { parseOrderStatusEvent } from '../status-event';
import type { PharmacyAdapter } from '../types';
import { FeedFetchError, fetchJsonFeed } from './feed';
import { postOrder } from './submit';

export const restAdapter: PharmacyAdapter = {
  kind: 'rest',
  async fetchCatalog(settings, ctx) {
    if (!settings.feedUrl || !settings.apiKey) {
      throw new FeedFetchError('invalid_document', `pharmacy ${settings.slug} has no feed URL or API key configured`);
    }
    return fetchJsonFeed(settings.feedUrl, settings.apiKey, {
      expectedSlug: settings.slug,
      ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  },
  async submitOrder(order, settings, ctx) {
    if (!settings.orderEndpoint || !settings.signingSecret) {
      return { outcome: 'permanent', message: `pharmacy ${settings.slug} has no order endpoint or signing secret configured` };
    }
    return postOrder(settings.orderEndpoint, settings.signingSecret, order, {
      now: ctx.now,
      ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  },
  parseStatusCallback: parseOrderStatusEvent,
};
