import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { getRefillRequest } from '~/services/requests/index.server';

// One request with its queue, SLA timers and audit trail; another clinic's id is a 404.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => getRefillRequest(principal, params.id ?? ''));
