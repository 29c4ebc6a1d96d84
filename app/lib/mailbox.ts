/** The mailbox's filters (the browser needs them, so they are not in the .server service). */
export const MAILBOX_FILTERS = ['all', 'outbox', 'sent', 'pending', 'failed', 'suppressed'] as const;
export type MailboxFilter = (typeof MAILBOX_FILTERS)[number];
