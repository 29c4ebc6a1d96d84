import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { listPharmacies } from '~/services/records/directory.server';

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({
    pharmacies: (await listPharmacies(principal)).map((p) => ({
      id: p.id,
      slug: p.slug,
      name: p.name,
      residentState: p.residentState,
      shipStates: p.shipStates,
      turnaroundDays: p.turnaroundDays,
      connection: p.connection,
      shippingCents: p.shippingCents,
      coldChainFeeCents: p.coldChainFeeCents,
    })),
  }));
