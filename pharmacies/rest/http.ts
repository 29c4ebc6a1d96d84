/** What the REST adapter's HTTP calls share: a bounded deadline and telling a timeout from other failures. */

/** Ten seconds: long enough for a slow pharmacy server, short enough that a job worker is never stuck. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A signal that fires after `timeoutMs` or when `signal` (the caller's) fires, whichever is first. */
export function deadline(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([timeout, signal]) : timeout;
}

/** A fetch failure in words: "timed out after 10000 ms", or the network error's own cause. */
export function describeFetchError(error: unknown, timeoutMs: number): { timedOut: boolean; message: string } {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return { timedOut: true, message: `timed out after ${timeoutMs} ms` };
  if (name === 'AbortError') return { timedOut: false, message: 'cancelled' };
  // undici puts the useful part ("ECONNREFUSED …") in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return { timedOut: false, message: `${error instanceof Error ? error.message : String(error)}${cause}` };
}
