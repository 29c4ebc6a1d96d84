/**
 * Where a `redirectTo` (or any address a request names) may send a browser: a path on this
 * site, else `fallback`. Refused: absolute URLs, `//host`, and anything with a backslash or a
 * control character (tab, newline), raw or percent-encoded — browsers read `/\evil.example`
 * and `/\t/evil.example` as another host (docs/security.md).
 */
export function safeRedirect(to: unknown, fallback = '/'): string {
  if (typeof to !== 'string' || to === '' || to.length > 2048) return fallback;
  if (!to.startsWith('/') || to.startsWith('//')) return fallback;
  let decoded = to;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    decoded = next;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(decoded) || decoded.startsWith('//')) return fallback;
  const base = 'http://vialcart.invalid';
  const url = new URL(to, base);
  if (url.origin !== base) return fallback;
  return url.pathname + url.search + url.hash;
}
