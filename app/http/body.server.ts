import { badRequest } from '~/services/platform/errors';

/**
 * A request body as text, or null once it passes `limit` bytes: reading stops there, so an
 * oversized (1 MB) post is refused without being buffered. Public endpoints (the refill form,
 * the intake webhook) read bodies through this before parsing anything.
 */
export async function readBodyBounded(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The JSON of a request body the route has already read as text (because something, such as a
 * signature, had to be checked over the exact bytes first). A blank body reads as `{}`, so the
 * schema then names the missing fields (or, with `blank: 'invalid'`, is not JSON either);
 * anything else that is not JSON is a 400 on `(body)`.
 */
export function parseJsonBody(raw: string, options: { blank?: 'empty object' | 'invalid' } = {}): unknown {
  if (raw.trim() === '' && options.blank !== 'invalid') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('The body is not valid JSON.', { '(body)': 'not valid JSON' });
  }
}

/** The media type of a request (`application/json`), without parameters, in lower case. */
export function mediaTypeOf(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A public page's form post, read bounded: its fields, or why it was refused (`unsupported`: not
 * `application/x-www-form-urlencoded`; `too_large`: over `limit` bytes, never buffered whole).
 */
export async function readUrlEncodedForm(request: Request, limit: number): Promise<{ ok: true; form: FormData } | { ok: false; reason: 'unsupported' | 'too_large' }> {
  if (mediaTypeOf(request) !== 'application/x-www-form-urlencoded') return { ok: false, reason: 'unsupported' };
  const text = await readBodyBounded(request, limit);
  if (text === null) return { ok: false, reason: 'too_large' };
  const form = new FormData();
  for (const [k, v] of new URLSearchParams(text)) form.append(k, v);
  return { ok: true, form };
}
