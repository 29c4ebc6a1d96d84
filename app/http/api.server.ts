/**
 * The JSON API's edge: who is calling (`api`), what they sent (`readJson`, `readQuery`) and the
 * one mapping from any error to `{"error":{code,message,fields}}` with its status. Services
 * below never see a Request or shape a Response (docs/conventions.md, "Routes are edges").
 */
import { z } from 'zod';
import { requireApiKey } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { log } from '~/services/platform/logger.server';
import type { Principal } from '~/services/identity/principal';
import type { ApiKeyScope } from '../../db/schema';
import { fieldsOf } from '../../validators/vocabulary';
import { headersOf, STATUS_OF } from './status.server';


/** Largest JSON body the API reads (bytes). */
export const MAX_BODY_BYTES = 256 * 1024;

/** A JSON response with the API's conventions. */
export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('Content-Type', 'application/json; charset=utf-8');
  headers.set('Cache-Control', 'no-store');
  return new Response(JSON.stringify(body), { ...init, headers });
}

/**
 * The answer to an idempotent create (`idempotent`/`createOnce` in the platform room): 201 with
 * the created value, the first one again for a replay, marked `Idempotent-Replayed: true`.
 */
export function createdResponse(answer: { value: unknown; replayed: boolean }): Response {
  return jsonResponse(answer.value, { status: 201, headers: answer.replayed ? { 'Idempotent-Replayed': 'true' } : {} });
}

/** `{"error":{code,message,fields}}` with its status. */
export function errorResponse(status: number, code: string, message: string, fields?: Record<string, string>, extra?: Record<string, unknown>): Response {
  return jsonResponse({ error: { code, message, ...(fields ? { fields } : {}), ...(extra ?? {}) } }, { status });
}

/** The one place that turns an error into an API response. Unknown errors are logged, never shown. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof Response) return error;
  if (error instanceof DomainError) {
    const res = errorResponse(STATUS_OF[error.code], error.code, error.message, error.fields, error.details ? { details: error.details } : undefined);
    for (const [k, v] of Object.entries(headersOf(error))) res.headers.set(k, v);
    return res;
  }
  if (error instanceof z.ZodError) {
    return errorResponse(400, 'bad_request', 'Some fields are not valid.', fieldsOf(error.issues));
  }
  log().error({ err: error }, 'unhandled API error');
  return errorResponse(500, 'internal', 'Something went wrong on our side. The request was not completed.');
}

/** Reads and validates a JSON body: 400 naming the field for bad input, 413-as-400 for oversized bodies. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) throw new DomainError('bad_request', `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`, { '(body)': 'too large' });
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new DomainError('bad_request', `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`, { '(body)': 'too large' });
  let data: unknown;
  try {
    data = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new DomainError('bad_request', 'The body is not valid JSON.', { '(body)': 'not valid JSON' });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new DomainError('bad_request', 'Some fields are not valid.', fieldsOf(parsed.error.issues));
  return parsed.data;
}

/** Parses query parameters with a zod object schema (400 naming the parameter). */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new DomainError('bad_request', 'Some query parameters are not valid.', fieldsOf(parsed.error.issues));
  return parsed.data;
}

/**
 * Runs an API handler for a clinic or pharmacy key, mapping every error in one place. A read
 * key may only GET, unless the route says its POST only reads (`scope: 'read'`).
 */
export async function api(
  request: Request,
  kind: 'clinic' | 'pharmacy',
  handler: (principal: Principal) => Promise<Response | unknown>,
  options: { scope?: ApiKeyScope } = {},
): Promise<Response> {
  try {
    const principal = await requireApiKey(request, kind, options.scope);
    const result = await handler(principal);
    return result instanceof Response ? result : jsonResponse(result);
  } catch (error) {
    return toErrorResponse(error);
  }
}
