import { jsonResponse } from '~/http/api.server';
import { openApiDocument } from '~/lib/openapi.server';

/** `GET /api/v1/openapi.json`: public, no key needed to read the contract. */
export const loader = () => jsonResponse(openApiDocument());
