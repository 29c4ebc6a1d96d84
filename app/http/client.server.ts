import type { AppLoadContext } from '@remix-run/node';

/**
 * The address a request came from, as the HTTP edge worked it out (`req.ip`: the socket's, or
 * `TRUST_PROXY` hops back along `X-Forwarded-For`; app/server/edge.ts). Never read
 * `X-Forwarded-For` yourself: a client writes what it likes there. Outside the server (a route
 * called directly) it is `unknown`.
 */
export function clientIpOf(context: AppLoadContext | undefined): string {
  return context?.clientIp || 'unknown';
}
