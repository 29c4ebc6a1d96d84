/** The adapter for each way a pharmacy connects; services look adapters up here, by the pharmacy's `connection`. */
import { csvFeedAdapter } from './csv-feed';
import { portalAdapter } from './portal';
import { restAdapter } from './rest';
import type { AdapterKind, PharmacyAdapter } from './types';

const adapters: Record<AdapterKind, PharmacyAdapter> = {
  rest: restAdapter,
  portal: portalAdapter,
  'csv-feed': csvFeedAdapter,
};

/** Every adapter kind, e.g. for a settings form's options. */
export const ADAPTER_KINDS = Object.keys(adapters) as AdapterKind[];

/** The adapter for `kind`. Throws for an unknown kind (a stored value outside `AdapterKind` is a bug). */
export function getAdapter(kind: AdapterKind): PharmacyAdapter {
  const adapter = Object.hasOwn(adapters, kind) ? adapters[kind] : undefined;
  if (!adapter) throw new Error(`no pharmacy adapter for connection kind "${String(kind)}"`);
  return adapter;
}
