import { afterAll, beforeAll } from 'vitest';
import { resetEnv } from '../../app/env.server';
import { SMTPServer } from 'smtp-server';

/** One email as it arrived at the test SMTP server. */
export type ReceivedMail = { from: string; to: string[]; raw: string; subject: string; text: string; headers: Record<string, string> };

// Enough MIME for our own messages: headers, the text/plain part, quoted-printable or base64.
function decodePart(headers: string, body: string): string {
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  if (/content-transfer-encoding:\s*base64/i.test(headers)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  ).replace(/\?=\s+=\?/g, '');
}

export function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  let text = raw.slice(split + 4);
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    const parts = text.split(`--${boundary}`);
    const plain = parts.find((p) => /content-type:\s*text\/plain/i.test(p)) ?? '';
    const at = plain.indexOf('\r\n\r\n');
    text = decodePart(plain.slice(0, at), plain.slice(at + 4)).trim();
  } else {
    text = decodePart(raw.slice(0, split), text).trim();
  }
  return { from, to, raw, headers, subject: decodeWords(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n') };
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function startSmtpServer(): Promise<{ url: string; port: number; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push(parseMail(Buffer.concat(chunks).toString('utf8'), from, session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Starts a loopback SMTP server for this test file and points SMTP_URL at it (hooks
 * registered here); `received` holds every mail that arrived.
 */
export function withSmtpServer(): { readonly url: string; readonly received: ReceivedMail[] } {
  let server: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
  beforeAll(async () => {
    server = await startSmtpServer();
    process.env.SMTP_URL = server.url;
    resetEnv();
  });
  afterAll(async () => {
    delete process.env.SMTP_URL;
    resetEnv();
    await server?.close();
  });
  return {
    get url() {
      return server!.url;
    },
    get received() {
      return server!.received;
    },
  };
}
