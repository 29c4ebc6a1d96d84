/**
 * The csv-feed adapter: the pharmacy sends its catalog as a CSV price/stock list, dropped in a
 * folder (`settings.feedPath`, streamed here) or uploaded by an admin (the import service passes the
 * upload to `parseCsvFeed` itself). It has no order API, so its orders go to the pharmacy portal.
 */
import { createReadStream } from 'node:fs';
import { portalAdapter } from '../portal';
import { parseOrderStatusEvent } from '../status-event';
import type { PharmacyAdapter } from '../types';
import { parseCsvFeedStream } from './parse';

export const csvFeedAdapter: PharmacyAdapter = {
  kind: 'csv-feed',
  async fetchCatalog(settings, ctx) {
    if (!settings.feedPath) throw new Error(`pharmacy ${settings.slug} has no feed file configured`);
    // Read as a stream: a price list is parsed record by record, never held twice in memory.
    const file = createReadStream(settings.feedPath, ctx.signal ? { signal: ctx.signal } : {});
    const { items, rejected } = await parseCsvFeedStream(file);
    return {
      pharmacySlug: settings.slug,
      generatedAt: ctx.now().toISOString(),
      // A price list is the whole catalog unless the pharmacy is set up to send partial lists.
      full: settings.feedIsFull ?? true,
      items,
      rejected,
    };
  },
  submitOrder: portalAdapter.submitOrder,
  parseStatusCallback: parseOrderStatusEvent,
};
