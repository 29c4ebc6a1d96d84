/**
 * A local stand-in for the part of Twilio's REST API vialcart calls, for the real `twilio`
 * client to talk to over HTTP (TWILIO_API_BASE_URL): Messages create and fetch, with Basic
 * authentication, Twilio's JSON shapes and error bodies. It keeps a log of every text, and plays
 * Twilio's side of the status callbacks: signed with the account's auth token by the package's
 * own getExpectedTwilioSignature, either handed to a test (`callback`) or posted to the
 * callback URL (`autoDeliver`, and `report`).
 *
 * Run it alone for a demo: `npx tsx test/support/twilio-server.ts` prints the variables
 * to start vialcart with.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SegmentedMessage } from 'sms-segments-calculator';
import twilio from 'twilio';
import { sendJson, startLocalHttpServer, type LocalHttpServer } from './local-http-server';

export const TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
/** The demo clinic's auth token (db/seed.ts DEMO_SMS): one account signs both. */
export const TEST_AUTH_TOKEN = 'demo_twilio_auth_token';

/** A text as the stand-in received it, with its current state. */
export type StandInMessage = {
  sid: string;
  /** The account it was sent with, and who signed in (the account, or an API key). */
  accountSid: string;
  username: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  segments: number;
  createdAt: Date;
};

/** A status callback as Twilio would post it: where, the form, and its X-Twilio-Signature. */
export type SignedCallback = { url: string; params: Record<string, string>; signature: string };

export type TwilioStandIn = {
  url: string;
  accountSid: string;
  authToken: string;
  /** Every text created, in order. */
  messages: StandInMessage[];
  /** Environment that points vialcart at this stand-in with its account. */
  env: Record<string, string>;
  /** More accounts (Account SID → auth token) and API keys (SK… → secret and account) it accepts. */
  accounts: Map<string, string>;
  apiKeys: Map<string, { secret: string; accountSid: string }>;
  /** Texts to these numbers are refused at create with this Twilio error code (e.g. 21610 for an unsubscribed number). */
  refuse: Map<string, number>;
  /** Texts to these numbers are later reported undelivered with this error code (e.g. 30003). */
  undeliverable: Map<string, number>;
  /** A signed status callback for a text, to post to vialcart. */
  callback(sid: string, status: string, errorCode?: number): SignedCallback;
  /** Posts signed status callbacks for a text to its callback URL, in order; answers the HTTP statuses. */
  report(sid: string, statuses: string[]): Promise<number[]>;
  close(): Promise<void>;
};

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/**
 * Starts the stand-in on a free local port. `autoDeliver`: after each create, post `sent` and
 * then `delivered` (or `undelivered` for the numbers in `undeliverable`) to the text's callback.
 */
export async function startTwilioServer(options: { accountSid?: string; authToken?: string; autoDeliver?: boolean } = {}): Promise<TwilioStandIn> {
  const accountSid = options.accountSid ?? TEST_ACCOUNT_SID;
  const authToken = options.authToken ?? TEST_AUTH_TOKEN;
  const messages: StandInMessage[] = [];
  const accounts = new Map<string, string>([[accountSid, authToken]]);
  const apiKeys = new Map<string, { secret: string; accountSid: string }>();
  const refuse = new Map<string, number>();
  const undeliverable = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();

  const resource = (m: StandInMessage) => ({
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.createdAt),
    date_sent: null,
    date_updated: rfc2822(m.createdAt),
    direction: 'outbound-api',
    error_code: m.errorCode,
    error_message: null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(m.segments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`,
  });
  const error = (status: number, code: number, message: string) => ({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });

  const callback = (messageSid: string, status: string, errorCode?: number): SignedCallback => {
    const m = messages.find((x) => x.sid === messageSid);
    if (!m?.statusCallback) throw new Error(`no status callback for ${messageSid}`);
    const params: Record<string, string> = {
      AccountSid: m.accountSid,
      ApiVersion: '2010-04-01',
      From: m.from ?? '',
      MessageSid: m.sid,
      MessageStatus: status,
      SmsSid: m.sid,
      SmsStatus: status,
      To: m.to,
      ...(m.messagingServiceSid ? { MessagingServiceSid: m.messagingServiceSid } : {}),
      ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
    };
    // Twilio signs with the auth token of the account that sent the text, even when an API key sent it.
    return { url: m.statusCallback, params, signature: twilio.getExpectedTwilioSignature(accounts.get(m.accountSid)!, m.statusCallback, params) };
  };

  const report = async (messageSid: string, statuses: string[]): Promise<number[]> => {
    const answers: number[] = [];
    for (const status of statuses) {
      const m = messages.find((x) => x.sid === messageSid)!;
      const code = status === 'undelivered' || status === 'failed' ? (undeliverable.get(m.to) ?? 30008) : undefined;
      const c = callback(messageSid, status, code);
      m.status = status;
      if (code) m.errorCode = code;
      const res = await fetch(c.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': c.signature }, body: new URLSearchParams(c.params).toString() });
      await res.arrayBuffer();
      answers.push(res.status);
    }
    return answers;
  };

  const route = (method: string, path: string, auth: string | undefined, form: URLSearchParams): { status: number; body: unknown } => {
    const [user = '', pass] = Buffer.from((auth ?? '').replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    const key = apiKeys.get(user);
    const signedInAs = key ? (key.secret === pass ? key.accountSid : null) : accounts.get(user) === pass ? user : null;
    if (!signedInAs) return error(401, 20003, 'Authenticate');
    let m: RegExpMatchArray | null;
    if (method === 'POST' && (m = path.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/))) {
      if (m[1] !== signedInAs) return error(404, 20404, 'The requested resource was not found');
      const to = form.get('To') ?? '';
      const body = form.get('Body') ?? '';
      const from = form.get('From');
      const service = form.get('MessagingServiceSid');
      if (!to) return error(400, 21604, "A 'To' phone number is required.");
      if (!/^\+[1-9]\d{6,14}$/.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      if (!body) return error(400, 21602, 'Message body is required.');
      if (!from && !service) return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
      const refused = refuse.get(to);
      if (refused === 21610) return error(400, 21610, 'Attempt to send to unsubscribed recipient');
      if (refused) return error(400, refused, 'Message refused');
      const message: StandInMessage = {
        sid: sid('SM'),
        accountSid: signedInAs,
        username: user,
        to,
        from: from ?? null,
        messagingServiceSid: service ?? null,
        body,
        statusCallback: form.get('StatusCallback'),
        status: service && !from ? 'accepted' : 'queued',
        errorCode: null,
        segments: new SegmentedMessage(body).segmentsCount,
        createdAt: new Date(),
      };
      messages.push(message);
      if (options.autoDeliver && message.statusCallback) {
        const final = undeliverable.has(to) ? 'undelivered' : 'delivered';
        // After the create is answered, as Twilio does.
        const done = new Promise((resolve) => setTimeout(resolve, 50))
          .then(() => report(message.sid, ['sent', final]))
          .catch(() => undefined)
          .finally(() => pending.delete(done));
        pending.add(done);
      }
      return { status: 201, body: resource(message) };
    }
    if (method === 'GET' && (m = path.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/))) {
      const found = messages.find((x) => x.sid === m![2]);
      return found && m[1] === signedInAs && found.accountSid === signedInAs ? { status: 200, body: resource(found) } : error(404, 20404, 'The requested resource was not found');
    }
    return error(404, 20404, `The requested resource ${path} was not found`);
  };

  const server: LocalHttpServer = await startLocalHttpServer((req, res) => {
    const answer = route(req.method, req.url.split('?')[0]!, req.headers.authorization, new URLSearchParams(req.body));
    sendJson(res, answer.status, answer.body);
  });

  return {
    url: server.url,
    accountSid,
    authToken,
    messages,
    env: { TWILIO_API_BASE_URL: server.url, TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken },
    accounts,
    apiKeys,
    refuse,
    undeliverable,
    callback,
    report,
    close: async () => {
      await Promise.all([...pending]);
      await server.close();
    },
  };
}

// `npx tsx test/support/twilio-server.ts`: a stand-in for a demo, delivering every text.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const standIn = await startTwilioServer({ autoDeliver: true });
  process.stdout.write(`Twilio stand-in at ${standIn.url}. Start vialcart with:\n${Object.entries(standIn.env).map(([k, v]) => `  ${k}=${v}`).join('\n')}\n`);
  let printed = 0;
  setInterval(() => {
    for (const m of standIn.messages.slice(printed)) process.stdout.write(`${m.sid} → ${m.to}: ${m.body}\n`);
    printed = standIn.messages.length;
  }, 1000);
}
