/**
 * The HTTP edge in front of Remix (docs/security.md): every request passes here before a
 * loader or action sees it.
 *
 * - Unsafe methods (POST, PUT, PATCH, DELETE, `?_data=` ones included) must come from our own
 *   origin (`Origin`, or `Sec-Fetch-Site: same-origin`), unless they carry an API key
 *   (`Authorization: Bearer`) or go to a signed webhook (`/webhooks/*`): 403 otherwise.
 * - A body is read here, bounded (`MAX_BODY_BYTES`, larger for the catalog import), chunked or
 *   not, before Remix reads it: over the limit is a 413 with the JSON error shape; the rest of
 *   the upload is drained (up to a cap) so a keep-alive client reads the 413 instead of a reset.
 * - No NUL character reaches a loader, an action or PostgreSQL: one in the path, the query or
 *   the body is a 400 naming the field.
 * - Pages' forms are forms: a page action posted something else (JSON, nothing parseable, a
 *   broken multipart body) is a 415/400 here rather than a 500 inside the route.
 * - The client's address (`req.ip`, which follows `TRUST_PROXY` hops, never a raw
 *   `X-Forwarded-For`) and the request id go to the routes in the load context.
 * - An unexpected error never shows a stack, a path or a database message: Remix runs in
 *   production mode unless `NODE_ENV=development`, and a `_data` request's 500 is our JSON error
 *   with the request id the log keeps the details under.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from '@remix-run/node';
import type { ErrorRequestHandler, Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from 'express';
import type { Env } from '../env.server';
import { log } from '../services/platform/logger.server';
import { REQUEST_ID_HEADER } from './request-log';

/** Bytes of a refused upload read and thrown away so the client gets its 413; beyond, the connection closes. */
export const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

/** Routes that take more than `MAX_BODY_BYTES`: the catalog CSV upload (20 MB and its form). */
const LARGER_BODIES: { path: RegExp; bytes: number }[] = [{ path: /^\/admin\/imports\/?$/, bytes: 20 * 1024 * 1024 + 64 * 1024 }];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How an answer from the edge is shaped: the API's JSON error, or a plain text page. */
type Kind = 'json' | 'page';

declare module '@remix-run/node' {
  interface AppLoadContext {
    /** The client's address as Express sees it (`TRUST_PROXY` hops trusted). */
    clientIp?: string;
    /** The id of this request in the log (`X-Request-Id`). */
    requestId?: string;
    /** This request's Content-Security-Policy nonce, for the inline scripts Remix renders (app/server/headers.ts). */
    cspNonce?: string;
  }
}

/** The body limit of a path. */
export function bodyLimitFor(pathname: string, env: Pick<Env, 'MAX_BODY_BYTES'>): number {
  return LARGER_BODIES.find((l) => l.path.test(pathname))?.bytes ?? env.MAX_BODY_BYTES;
}

function kindOf(req: ExpressRequest): Kind {
  if (req.path.startsWith('/api/') || req.path.startsWith('/webhooks/') || req.query._data !== undefined) return 'json';
  return /application\/json/i.test(req.get('accept') ?? '') && !/text\/html/i.test(req.get('accept') ?? '') ? 'json' : 'page';
}

function requestIdOf(res: ExpressResponse): string {
  return String(res.getHeader(REQUEST_ID_HEADER) ?? '');
}

/** Answers from the edge itself, in the shape the caller reads. */
function refuse(req: ExpressRequest, res: ExpressResponse, status: number, code: string, message: string, fields?: Record<string, string>) {
  if (res.headersSent) return;
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  if (kindOf(req) === 'json') {
    res.json({ error: { code, message, ...(fields ? { fields } : {}) } });
  } else {
    res.type('text/plain; charset=utf-8').send(`${status} — ${message}\n${Object.entries(fields ?? {}).map(([k, v]) => `${k}: ${v}\n`).join('')}`);
  }
}

/** The same origin as the app: `APP_URL`'s, or the one the request was sent to. */
function sameOrigin(req: ExpressRequest, env: Pick<Env, 'APP_URL'>): boolean {
  const origin = req.get('origin');
  if (origin && origin !== 'null') {
    const own = new Set([new URL(env.APP_URL).origin, `${req.protocol}://${req.get('host') ?? ''}`]);
    return own.has(origin);
  }
  return !origin && req.get('sec-fetch-site') === 'same-origin';
}

function csrfExempt(req: ExpressRequest): boolean {
  return req.path.startsWith('/webhooks/') || /^Bearer\s+\S/i.test(req.get('authorization') ?? '');
}

const NUL_MESSAGE = 'contains a NUL character (\\u0000), which is not allowed';

/** The first field of a query or form holding a NUL, if any. */
function nulField(params: URLSearchParams): string | undefined {
  for (const [k, v] of params) if (k.includes('\0') || v.includes('\0')) return k.replaceAll('\0', '') || '(name)';
  return undefined;
}

/** The path of the first string holding a NUL in a parsed JSON value (`lines.0.sig`). */
function nulPathInJson(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path.join('.') || '(body)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPathInJson(value[i], [...path, String(i)]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\0')) return [...path, k.replaceAll('\0', '')].join('.') || '(body)';
      const found = nulPathInJson(v, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

type BodyRead = { ok: true; body: Buffer } | { ok: false };

/**
 * Reads the request's body up to `limit` bytes. Over it: the rest is read and thrown away (up to
 * `DRAIN_CAP_BYTES`) before answering, so a keep-alive client reads the 413; past the cap the
 * connection is closed after the answer.
 */
function readBody(req: ExpressRequest, res: ExpressResponse, limit: number, onTooLarge: () => void): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const tooLarge = () => {
      over = true;
      chunks.length = 0;
      resolve({ ok: false });
    };
    const finishOver = (closeAfter: boolean) => {
      req.off('data', onData);
      if (closeAfter) {
        res.setHeader('Connection', 'close');
        res.on('finish', () => req.socket.destroy());
      }
      onTooLarge();
    };
    const declared = Number(req.get('content-length') ?? 'NaN');
    if (Number.isFinite(declared) && declared > limit) {
      tooLarge();
      if (declared > DRAIN_CAP_BYTES) {
        req.pause();
        return finishOver(true);
      }
    }
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (over) {
        if (size > DRAIN_CAP_BYTES) finishOver(true);
        return;
      }
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    }
    req.on('data', onData);
    req.on('end', () => {
      if (over) finishOver(false);
      else resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', (error) => (over ? undefined : reject(error)));
  });
}

function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(incoming)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}

async function send(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  // Pages and data hold patients' and owners' details: no cache keeps them unless a route says so.
  if (!response.headers.has('cache-control')) res.setHeader('Cache-Control', 'no-store');
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/** The media type of a request, lower case, without parameters. */
const mediaType = (req: ExpressRequest) => (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Express middleware serving the Remix build through the checks above.
 * `mode`: Remix shows error details only in `development`, which must be asked for.
 */
export function remixEdge(build: ServerBuild, env: Pick<Env, 'NODE_ENV' | 'APP_URL' | 'MAX_BODY_BYTES'>): RequestHandler {
  const mode = env.NODE_ENV === 'development' ? 'development' : 'production';
  const handle = createRequestHandler(build, mode);
  return async (req, res, next) => {
    try {
      const requestId = requestIdOf(res);
      const url = new URL(req.originalUrl, 'http://edge.invalid');
      // A NUL in the path (an id) or the query (a search) never reaches a query.
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return refuse(req, res, 400, 'bad_request', 'The address is not valid.', { '(path)': 'not valid percent-encoding' });
      }
      if (path.includes('\0')) return refuse(req, res, 400, 'bad_request', 'The address is not valid.', { '(path)': NUL_MESSAGE });
      const badQuery = nulField(url.searchParams);
      if (badQuery) return refuse(req, res, 400, 'bad_request', 'Some query parameters are not valid.', { [badQuery]: NUL_MESSAGE });

      const unsafe = !SAFE_METHODS.has(req.method);
      if (unsafe && !csrfExempt(req) && !sameOrigin(req, env)) {
        return refuse(req, res, 403, 'forbidden', 'This request did not come from a vialcart page (its Origin is missing or another site’s), so it was refused.');
      }

      const headers = headersOf(req.headers);
      let body: Buffer | undefined;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const limit = bodyLimitFor(req.path, env);
        const read = await readBody(req, res, limit, () =>
          refuse(req, res, 413, 'payload_too_large', `The body is larger than this address accepts (${Math.floor(limit / 1024)} KB).`, { '(body)': `larger than ${limit} bytes` }),
        );
        if (!read.ok) return;
        body = read.body;
        const type = mediaType(req);
        const formRoute = !req.path.startsWith('/api/') && !req.path.startsWith('/webhooks/');
        if (formRoute && unsafe) {
          if (body.length === 0 && type === '') headers.set('Content-Type', 'application/x-www-form-urlencoded');
          else if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
            return refuse(req, res, 415, 'unsupported_media_type', 'Pages take forms: send application/x-www-form-urlencoded or multipart/form-data.', { '(body)': `not a form (${type || 'no Content-Type'})` });
          }
        }
        const bad = await nulInBody(body, type, headers);
        if (bad) return refuse(req, res, 400, 'bad_request', bad.message, bad.fields);
      }

      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const request = new Request(`${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`, {
        method: req.method,
        headers,
        signal: controller.signal,
        ...(body ? { body, duplex: 'half' } : {}),
      } as RequestInit);
      const context: AppLoadContext = { clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown', requestId, cspNonce: (res.locals as { cspNonce?: string }).cspNonce };
      const response = await handle(request, context);
      await send(res, await masked(response, requestId));
    } catch (error) {
      next(error);
    }
  };
}

/** Whether a body holds a NUL: the field that does, or a broken multipart body. */
async function nulInBody(body: Buffer, type: string, headers: Headers): Promise<{ message: string; fields: Record<string, string> } | undefined> {
  if (body.length === 0) return undefined;
  if (type === 'application/x-www-form-urlencoded') {
    const field = nulField(new URLSearchParams(body.toString('utf8')));
    return field ? { message: 'Some fields are not valid.', fields: { [field]: NUL_MESSAGE } } : undefined;
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    const text = body.toString('utf8');
    if (!text.includes('\0') && !/\\u0000/i.test(text)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { message: 'Some fields are not valid.', fields: { '(body)': NUL_MESSAGE } };
    }
    const field = nulPathInJson(parsed);
    return field ? { message: 'Some fields are not valid.', fields: { [field]: NUL_MESSAGE } } : undefined;
  }
  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Request('http://edge.invalid/', { method: 'POST', headers: { 'Content-Type': headers.get('content-type')! }, body: new Uint8Array(body) }).formData();
    } catch {
      return { message: 'The form could not be read.', fields: { '(body)': 'not valid multipart/form-data' } };
    }
    for (const [k, v] of form) if (k.includes('\0') || (typeof v === 'string' && v.includes('\0'))) return { message: 'Some fields are not valid.', fields: { [k.replaceAll('\0', '') || '(name)']: NUL_MESSAGE } };
    return undefined;
  }
  return body.includes(0) ? { message: 'The body is not valid.', fields: { '(body)': NUL_MESSAGE } } : undefined;
}

/**
 * An unexpected error's answer, with the request id to quote: a `_data` request's (Remix, in
 * production mode, answers `{"message":"Unexpected Server Error"}`) gets the JSON error shape
 * too; the API's `internal` error gets the id added.
 */
async function masked(response: Response, requestId: string): Promise<Response> {
  if (response.status < 500) return response;
  const message = `Something went wrong on our side. Nothing was lost; try again. Reference: ${requestId}.`;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.set('Content-Type', 'application/json; charset=utf-8');
  if (response.headers.has('X-Remix-Error')) {
    return new Response(JSON.stringify({ message, error: { code: 'internal', message, requestId } }), { status: response.status, headers });
  }
  if (!/application\/json/.test(response.headers.get('content-type') ?? '')) return response;
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: string } };
    if (body.error?.code === 'internal') return new Response(JSON.stringify({ error: { code: 'internal', message, requestId } }), { status: response.status, headers });
  } catch {
    // Not ours: sent as it was.
  }
  return new Response(text, { status: response.status, headers });
}

/**
 * Express's last error handler: whatever escaped is logged with the request id and answered
 * without details (Express's own handler shows stacks outside production).
 */
export const plainErrors: ErrorRequestHandler = (error, req, res, _next) => {
  const requestId = requestIdOf(res);
  log().error({ err: error, path: req.path }, 'request failed before Remix answered');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  refuse(req, res, 500, 'internal', `Something went wrong on our side. Reference: ${requestId}.`);
};
