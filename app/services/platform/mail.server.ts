/**
 * Mail from the platform to its own staff (the reconciliation's report to the admins), not to a
 * clinic's owners (those go through the owners' outbox). Sent over SMTP when SMTP_URL is set;
 * otherwise kept where its sender shows it (answers `outbox`), as the owners' outbox does.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { getEnv } from '../../env.server';

let transport: { url: string; transporter: Transporter } | undefined;

function transporterFor(url: string): Transporter {
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

/** Sends a plain-text message to `to`; answers `sent`, or `outbox` when no SMTP server is configured. Throws when the server refuses it. */
export async function sendPlatformMail(message: { to: string[]; subject: string; text: string }): Promise<'sent' | 'outbox'> {
  const smtp = getEnv().SMTP_URL;
  if (!smtp || message.to.length === 0) return 'outbox';
  const host = new URL(getEnv().APP_URL).hostname || 'localhost';
  const domain = host.includes('.') ? host : `${host}.localdomain`;
  await transporterFor(smtp).sendMail({ from: `"vialcart" <notifications@${domain}>`, to: message.to, subject: message.subject, text: message.text });
  return 'sent';
}
