import { badRequest } from '~/services/platform/errors';

/**
 * The JSON of a request body the route has already read as text (because something, such as a
 * signature, had to be checked over the exact bytes first). A blank body reads as `{}`, so the
 * schema then names the missing fields; anything else that is not JSON is a 400 on `(body)`.
 */
export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('The body is not valid JSON.', { '(body)': 'not valid JSON' });
  }
}
