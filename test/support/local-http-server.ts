import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test server received it, body read in full. */
export type ReceivedRequest = { method: string; url: string; headers: IncomingMessage['headers']; body: string };

/** A real HTTP server on 127.0.0.1 and a free port, for testing HTTP clients without mocks. */
export type LocalHttpServer = {
  url: string;
  /** Every request received so far, in order. */
  received: ReceivedRequest[];
  close: () => Promise<void>;
};

/**
 * Starts a server whose `handle` answers each request (the body is already read). Connections
 * are dropped on close (which may be called more than once) so a handler that never answers (a timeout test) cannot hang the suite.
 */
export async function startLocalHttpServer(
  handle: (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>,
): Promise<LocalHttpServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    received.push(request);
    await handle(request, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    // Idempotent, so a test may close early and the afterEach hook close again.
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })),
  };
}

/** Answers with `body` as JSON and `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
