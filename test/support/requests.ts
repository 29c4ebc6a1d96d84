import type { LoaderFunctionArgs } from '@remix-run/node';
import { DEMO_API_KEYS, DEMO_PASSWORD } from '../../db/seed';
import { authenticate, createUserSession } from '../../app/services/identity/auth.server';

const BASE = 'http://vialcart.test';

/** Signs a demo user in through the real login service; returns the Cookie header value. */
export async function signIn(email: string, password = DEMO_PASSWORD): Promise<string> {
  const user = await authenticate(email, password, `test-${email}`);
  const res = await createUserSession(user, '/');
  const setCookie = res.headers.get('set-cookie');
  if (!setCookie) throw new Error('no session cookie');
  return setCookie.split(';')[0]!;
}

/** A Request as Remix hands it to loaders and actions. */
export function request(path: string, init: RequestInit & { cookie?: string; apiKey?: string; json?: unknown; form?: Record<string, string> } = {}): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('Cookie', init.cookie);
  if (init.apiKey) headers.set('Authorization', `Bearer ${init.apiKey}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  }
  if (init.form) {
    headers.set('Content-Type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(init.form).toString();
  }
  return new Request(BASE + path, { ...init, headers, body, method: init.method ?? (body ? 'POST' : 'GET') });
}

/**
 * Calls a loader or action; a thrown Response (redirect, 404) is returned rather than thrown.
 * The load context carries the client's address as the HTTP edge would behind one trusted proxy
 * (`TRUST_PROXY=1`): the request's `X-Forwarded-For`, else 127.0.0.1.
 */
export async function call(
  fn: (args: LoaderFunctionArgs) => unknown,
  req: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  try {
    const clientIp = req.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() || '127.0.0.1';
    const out = await fn({ request: req, params, context: { clientIp } });
    if (out instanceof Response) return out;
    return new Response(JSON.stringify(out), { status: 200, headers: { 'Content-Type': 'application/json' } });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** A route module's loader (GET) and action (everything else). */
export type RouteModule = { loader?: (args: any) => unknown; action?: (args: any) => unknown };

/**
 * Calls a clinic API route with a key (`apiKey`, default Riverside's demo key): JSON in, the
 * status, the parsed body and the headers out; `key` sends an `Idempotency-Key`.
 */
export async function callApi(
  route: RouteModule,
  path: string,
  init: { method?: string; json?: unknown; key?: string; apiKey?: string; params?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, any>; headers: Headers }> {
  const method = init.method ?? (init.json !== undefined ? 'POST' : 'GET');
  const fn = method === 'GET' ? route.loader! : route.action!;
  const res = await call(fn as never, request(path, { method, apiKey: init.apiKey ?? DEMO_API_KEYS.riverside, json: init.json, headers: init.key ? { 'Idempotency-Key': init.key } : {} }), init.params ?? {});
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
}
