import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext, HandleErrorFunction } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { NonceContext } from '~/lib/nonce';
import { log, pathForLog } from '~/services/platform/logger.server';

// Remix's server entry, written out only so that errors go to our logger instead of the
// console: pages stream to browsers as soon as the shell is ready, and whole to crawlers.
const ABORT_DELAY_MS = 5_000;

export default function handleRequest(request: Request, status: number, headers: Headers, remixContext: EntryContext, loadContext: AppLoadContext): Promise<Response> {
  // The Content-Security-Policy allows inline scripts carrying this request's nonce only.
  const nonce = loadContext.cspNonce;
  const waitForAll = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      headers.set('Content-Type', 'text/html');
      resolve(new Response(createReadableStreamFromReadable(body), { headers, status }));
      pipe(body);
    };
    const page = (
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
      </NonceContext.Provider>
    );
    const { pipe, abort } = renderToPipeableStream(page, {
      nonce,
      ...(waitForAll ? { onAllReady: ready } : { onShellReady: ready }),
      onShellError: reject,
      onError(error: unknown) {
        status = 500;
        // Errors before the shell is ready reject above and reach `handleError`.
        if (shellRendered) log().error({ err: error, path: pathForLog(request.url) }, 'page failed while streaming');
      },
    });
    setTimeout(abort, ABORT_DELAY_MS);
  });
}

/** Unexpected errors of loaders, actions and rendering (thrown responses are not errors). */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  log().error({ err: error, method: request.method, path: pathForLog(request.url) }, 'unhandled error in a route');
};

/**
 * Warms the cart optimizer's solver in this build's module instance (the one requests use),
 * so the first "Optimise pharmacies" is not slow: app/server/main.ts calls it after listening.
 */
export { warmOptimizer } from '~/services/optimizer/index.server';
