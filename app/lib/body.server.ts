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
