import { z } from 'zod';

/** The mailbox's "Send again" on one failed message. */
export const retryMessageFormSchema = z.object({ id: z.uuid({ message: 'Choose the message to send again.' }) });
