import { Badge } from './badge';

/** Where a pharmacy's payouts stand (platform-admin/pharmacies.server.ts `PayoutsState`). */
export function PayoutsBadge({ state }: { state: 'not_set_up' | 'pending' | 'enabled' | 'unknown' }) {
  if (state === 'enabled') return <Badge tone="success">Stripe transfers</Badge>;
  if (state === 'unknown') return <Badge tone="info">Stripe (status not reported yet)</Badge>;
  return <Badge tone="warning">{state === 'pending' ? 'On account: onboarding unfinished' : 'On account: not set up'}</Badge>;
}
