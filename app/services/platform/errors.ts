/** Codes of domain errors; API routes map them to HTTP statuses in one place. */
export type DomainErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  /** The payment provider cannot be used right now (our key refused, no answer): try again later. */
  | 'payments_unavailable';

/**
 * An error a user can act on: what went wrong (`message`), and for bad input, which field
 * (`fields`: path → message). Services throw these; routes turn them into responses.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError('conflict', message, undefined, details);
export const badRequest = (message: string, fields?: Record<string, string>) =>
  new DomainError('bad_request', message, fields);
