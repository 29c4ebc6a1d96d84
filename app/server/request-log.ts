import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { log, logFields, pathForLog, withLogger, type Logger } from '../services/platform/logger.server';

/** The header a request id comes in and goes back out in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// An id from a proxy or client is kept only when it is short and plain, so it cannot forge or
// break a log line.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the incoming `X-Request-Id` when it is safe, else a new UUID. */
export function requestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}

/**
 * Express middleware: gives each request an id (echoed in `X-Request-Id`), makes every line
 * logged while serving it carry `reqId` (through `log()`), and logs one line when it completes
 * with method, path, status, duration and the fields added on the way (`addLogFields`). Static assets that load fine are logged at debug.
 */
export function requestLogging(): RequestHandler[] {
  const http = pinoHttp({
    logger: log(),
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestId(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // Only the id is bound to the request's logger; the completion line says the rest.
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel(req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return /^\/(build\/|favicon)/.test(req.url ?? '') ? 'debug' : 'info';
    },
    // Fields added while serving (`addLogFields`: the clinic, the user) go on the completion line.
    customProps: (req) => (req as { logFields?: Record<string, unknown> }).logFields ?? {},
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, value: Record<string, unknown>) => ({
      method: req.method,
      path: pathForLog(req.url),
      status: res.statusCode,
      durationMs: value.responseTime,
    }),
    customErrorObject: (req, res, error, value: Record<string, unknown>) => ({
      method: req.method,
      path: pathForLog(req.url),
      status: res.statusCode,
      durationMs: value.responseTime,
      err: error,
    }),
  });
  const scope: RequestHandler = (req, _res, next) =>
    withLogger((req as unknown as { log: Logger }).log, () => {
      (req as { logFields?: Record<string, unknown> }).logFields = logFields();
      next();
    });
  return [http as unknown as RequestHandler, scope];
}
