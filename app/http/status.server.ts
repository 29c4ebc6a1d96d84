import type { DomainError, DomainErrorCode } from '~/services/platform/errors';

/**
 * The one table from a domain error's code to its HTTP status, shared by the JSON API
 * (`api.server.ts`) and UI actions (`forms.server.ts`): services name what went wrong, only the
 * HTTP layer knows statuses.
 */
export const STATUS_OF: Record<DomainErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  payments_unavailable: 503,
};

/**
 * The same table for a page's form: a refused sign-in or link is something the person typed
 * wrong (400 with the message on the form), not an HTTP authentication challenge (401).
 */
export const FORM_STATUS_OF: Record<DomainErrorCode, number> = { ...STATUS_OF, unauthorized: 400 };

/** The headers a domain error's answer carries: `Retry-After` for a rate limit that says when. */
export function headersOf(error: DomainError): Record<string, string> {
  const wait = error.details?.retryAfterSeconds;
  return error.code === 'rate_limited' && typeof wait === 'number' ? { 'Retry-After': String(wait) } : {};
}
