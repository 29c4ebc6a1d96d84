import { json } from '@remix-run/node';
import { DomainError, type DomainErrorCode } from '~/services/platform/errors';
import type { FormErrors } from './forms';

const STATUS: Record<DomainErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
};

/**
 * A UI action's answer to a service's domain error: its message for the form, its fields on
 * theirs, the typed values back (never passwords), with its code's status. Any other error is
 * rethrown (a 500 page, logged).
 */
export function formErrorAnswer<E extends object = Record<never, never>>(error: unknown, form?: FormData, extra?: E) {
  if (!(error instanceof DomainError)) throw error;
  const values = form ? Object.fromEntries([...form.entries()].filter(([k, v]) => typeof v === 'string' && !/password/i.test(k))) : undefined;
  const headers: Record<string, string> = {};
  if (error.code === 'rate_limited' && typeof error.details?.retryAfterSeconds === 'number') headers['Retry-After'] = String(error.details.retryAfterSeconds);
  return json<FormErrors & E>(
    { formError: error.message, ...(error.fields ? { fieldErrors: error.fields } : {}), ...(values ? { values } : {}), ...(extra ?? ({} as E)) },
    { status: STATUS[error.code], headers },
  );
}
