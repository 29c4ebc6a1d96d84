import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { listStaff } from '~/services/records/index.server';

// GET: the clinic's active staff; a veterinarian's entry has the prescriber id prescriptions name.
// A clinic key writes prescriptions for one of these veterinarians (`actingUserId`).
export const loader = ({ request }: LoaderFunctionArgs) => api(request, 'clinic', (principal) => listStaff(principal));
