import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { errorResponse } from '~/http/api.server';

// Unknown API paths answer JSON 404, not the HTML 404 page.
const notFound = ({ request }: LoaderFunctionArgs | ActionFunctionArgs) =>
  errorResponse(404, 'not_found', `No API endpoint at ${request.method} ${new URL(request.url).pathname}`);

export const loader = notFound;
export const action = notFound;
