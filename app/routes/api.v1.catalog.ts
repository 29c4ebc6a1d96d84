import type { LoaderFunctionArgs } from '@remix-run/node';
import { api, readQuery } from '~/http/api.server';
import { catalogQuerySchema } from '~/schemas/catalog';
import { searchCatalog } from '~/services/catalog/catalog.server';

// GET /api/v1/catalog — API.md's shape exactly; `landedCostCents` is per vial, quoted against the key's clinic's open cart.
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    const page = await searchCatalog(principal, readQuery(request, catalogQuerySchema));
    return {
      medications: page.medications.map((m) => ({
        id: m.id,
        name: m.name,
        strength: m.strength,
        form: m.form,
        controlledSchedule: m.controlledSchedule,
        compounded: m.compounded,
        offers: m.offers.map((o) => ({
          id: o.id,
          pharmacyId: o.pharmacyId,
          pharmacyName: o.pharmacyName,
          sku: o.sku,
          package: o.package,
          unitPriceCents: o.unitPriceCents,
          landedCostCents: o.landedCostCents,
          stock: o.stock,
          turnaroundDays: o.turnaroundDays,
          shipStates: o.shipStates,
        })),
      })),
    };
  });
