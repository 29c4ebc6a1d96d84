/**
 * Every call vialcart makes to Twilio, with the official `twilio` package: sending a text
 * (Messages create, with a status callback) and checking the signature Twilio puts on its
 * webhooks. The REST base URL is configurable (TWILIO_API_BASE_URL) through the package's
 * supported custom HTTP client option, so tests and demos talk to a local stand-in.
 */
import twilio from 'twilio';
import { getEnv } from '../../env.server';
import type { SmsSender, TwilioCredentials } from './setup.server';

type RequestOptions<TData> = Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0];

const TWILIO_API = 'https://api.twilio.com';

/**
 * Twilio's own request client, sending to another origin: the SDK builds `https://api.twilio.com/…`
 * URLs and hands every request to `httpClient.request` (ClientOpts.httpClient, the documented
 * way to bring a custom HTTP client), which swaps the origin and sends it as usual.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL) {
    super({ timeout: 15_000 });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const rebased = new URL(target.pathname + target.search, this.base);
    return super.request<TData>({ ...opts, uri: rebased.toString() });
  }
}

const CLIENTS_KEY = Symbol.for('vialcart.twilio-clients');
type WithClients = typeof globalThis & { [CLIENTS_KEY]?: Map<string, twilio.Twilio> };

/** A Twilio client for these credentials, reused while the credentials and base URL stay the same. */
export function twilioClient(credentials: TwilioCredentials): twilio.Twilio {
  const base = getEnv().TWILIO_API_BASE_URL;
  const key = JSON.stringify([credentials.accountSid, credentials.username, credentials.password, base ?? '']);
  const g = globalThis as WithClients;
  const cache = (g[CLIENTS_KEY] ??= new Map());
  let client = cache.get(key);
  if (!client) {
    const opts: twilio.ClientOpts = { accountSid: credentials.accountSid, autoRetry: true, maxRetries: 2 };
    if (base && new URL(base).origin !== TWILIO_API) opts.httpClient = new RebasedRequestClient(new URL(base));
    client = twilio(credentials.username, credentials.password, opts);
    if (cache.size > 100) cache.clear();
    cache.set(key, client);
  }
  return client;
}

/** What Twilio answered to a send: the Message SID, its first status, and an error code when it has one. */
export type TwilioSendResult = { sid: string; status: string; errorCode: number | null; segments: number | null };

/** Sends one text through Twilio's Messages resource; Twilio reports later states to `statusCallback`. */
export async function sendTwilioMessage(
  credentials: TwilioCredentials,
  message: { to: string; body: string; sender: SmsSender; statusCallback: string },
): Promise<TwilioSendResult> {
  const created = await twilioClient(credentials).messages.create({
    to: message.to,
    body: message.body,
    statusCallback: message.statusCallback,
    ...('messagingServiceSid' in message.sender ? { messagingServiceSid: message.sender.messagingServiceSid } : { from: message.sender.from }),
  });
  const segments = Number(created.numSegments);
  return { sid: created.sid, status: created.status, errorCode: created.errorCode ?? null, segments: Number.isFinite(segments) ? segments : null };
}

/** Whether a Twilio error is final (a retry would get the same answer), e.g. 21610: the number texted STOP. */
export function isPermanentTwilioError(error: unknown): boolean {
  return error instanceof twilio.RestException && error.status >= 400 && error.status < 500 && error.status !== 429;
}

/** A Twilio error as a person reads it in the mailbox: "Twilio 21610: Attempt to send to unsubscribed recipient". */
export function describeTwilioError(error: unknown): string {
  if (error instanceof twilio.RestException) return `Twilio ${error.code ?? error.status}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether a webhook really comes from Twilio: `X-Twilio-Signature` over the public URL Twilio
 * was given and the posted form fields, with the account's auth token (the package's validator).
 */
export function validTwilioSignature(authToken: string, signature: string | null, publicUrl: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, publicUrl, params);
}

/** A TwiML answer to an incoming text: one reply message, or none. */
export function twimlReply(text: string | null): string {
  const response = new twilio.twiml.MessagingResponse();
  if (text) response.message(text);
  return response.toString();
}
