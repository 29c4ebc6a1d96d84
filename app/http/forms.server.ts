/**
 * The UI actions' edge: a form is read through its zod schema (`readForm`), and whatever a
 * service throws becomes what the form shows (`formAction`):
 *
 * - bad input → 400 with `{ fieldErrors, values }` (what the user typed comes back);
 * - a `DomainError` → `{ formError, fieldErrors }` with the status of its code (400 bad input
 *   or refused credentials, 403 forbidden, 404 not found, 409 conflict, 422 unprocessable, 429
 *   rate limited with `Retry-After`), the JSON API's table (`status.server.ts`);
 * - anything else is not the user's to fix: it is rethrown, logged and answered as a 500 page.
 *
 * Loaders use `orNotFoundPage(message)` to turn a service's not-found into the 404 page.
 */
import { json, type TypedResponse } from '@remix-run/node';
import type { z } from 'zod';
import { parseFormData, type FormErrors } from '~/lib/forms';
import { DomainError } from '~/services/platform/errors';
import { FORM_STATUS_OF, headersOf } from './status.server';

export type { FormErrors };

/** Thrown by `readForm` for input its schema refuses; `formAction` answers it with a 400. */
export class InvalidForm extends Error {
  constructor(readonly errors: FormErrors) {
    super('The form is not valid.');
    this.name = 'InvalidForm';
  }
}

/** The strings of a form, as typed (files left out), to give back with an error. */
export function valuesOf(form: FormData): Record<string, string> {
  return Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * Parses a UI action's form with its schema (the one react-hook-form uses in the browser; a
 * discriminated union on `intent` where the page has several actions). Bad input throws
 * `InvalidForm`, which `formAction` answers with a 400 naming each field.
 */
export function readForm<S extends z.ZodType>(form: FormData, schema: S): z.output<S> {
  const parsed = parseFormData(form, schema);
  if (!parsed.ok) throw new InvalidForm(parsed.errors);
  return parsed.data;
}

export type FormErrorOptions = {
  /** Give the typed values back with a domain error too (forms that re-render from `values`). */
  values?: FormData;
  /** The form edits one line of a batch service: `lines.0.quantity` lands on `quantity`. */
  singleLine?: boolean;
};

/** What a domain error means to a form: its message for the whole form, its fields on theirs. */
export function formErrorsOf(error: DomainError, options: FormErrorOptions = {}): FormErrors {
  const fields = error.fields && options.singleLine ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k.replace(/^lines\.\d+\./, ''), v])) : error.fields;
  return { formError: error.message, ...(fields ? { fieldErrors: fields } : {}), ...(options.values ? { values: valuesOf(options.values) } : {}) };
}

type Answer<T> = T extends Response ? T : TypedResponse<T>;
/** An error answer: the form's errors, the page's `extra`, and none of the success keys (optional). */
type Failure<T, E> = FormErrors & E & Omit<Partial<T extends Response ? Record<never, never> : T>, keyof FormErrors | keyof E>;

/**
 * Runs a UI action's work and answers it: data is sent as JSON (200), a Response (a redirect)
 * as it is; `InvalidForm` is a 400 with its field errors, a `DomainError` has its code's status
 * with `{ formError, fieldErrors }`. `extra` adds the page's own keys to every error answer
 * (which `intent` or row failed, the message where the page's toast reads `message`, or what
 * the domain error's `details` say).
 */
export async function formAction<T, E extends object = Record<never, never>>(
  work: () => Promise<T>,
  options: FormErrorOptions & { extra?: E | ((errors: FormErrors, error?: DomainError) => E) } = {},
): Promise<Answer<T> | TypedResponse<Failure<T, E>>> {
  const withExtra = (errors: FormErrors, error?: DomainError) => ({ ...errors, ...(typeof options.extra === 'function' ? options.extra(errors, error) : (options.extra ?? ({} as E))) });
  try {
    const result = await work();
    return (result instanceof Response ? result : json(result)) as Answer<T>;
  } catch (error) {
    if (error instanceof InvalidForm) return json(withExtra(error.errors) as Failure<T, E>, { status: 400 });
    if (!(error instanceof DomainError)) throw error;
    return json(withExtra(formErrorsOf(error, options), error) as Failure<T, E>, { status: FORM_STATUS_OF[error.code], headers: headersOf(error) });
  }
}

/** The first message of a form's errors: the whole form's, else the first field's. */
export function firstError(errors: FormErrors, fallback = 'Check the form.'): string {
  return errors.formError ?? Object.values(errors.fieldErrors ?? {})[0] ?? fallback;
}

/** For a `.catch(...)` where not found has an answer of its own: `value` then, other errors go on. */
export function ifNotFound<T>(value: T) {
  return (error: unknown): T => {
    if (error instanceof DomainError && error.code === 'not_found') return value;
    throw error;
  };
}

/**
 * For a loader's `.catch(...)`: a service's not-found (another clinic's record included)
 * becomes the 404 page with `message`; every other error goes on.
 */
export function orNotFoundPage(message: string) {
  return (error: unknown): never => {
    if (error instanceof DomainError && error.code === 'not_found') throw new Response(message, { status: 404 });
    throw error;
  };
}
