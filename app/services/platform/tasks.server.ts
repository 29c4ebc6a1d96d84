// Importing this module registers every task handler and periodic sweep with the job queue.
// Each service that owns background work exports a `register…Tasks()` function; add it here.
import { registerCatalogImportTasks } from '../catalog/catalog-import.server';
import { registerCheckoutTasks } from '../checkout/index.server';
import { registerPasswordResetTasks } from '../identity/password-reset.server';
import { registerTasks } from './jobs.server';
import { registerPaymentTasks } from '../payments/index.server';
import { registerRoutingTasks } from '../orders/index.server';
import { registerNotificationTasks } from '../owners/delivery.server';
import { registerRefillRequestTasks, registerReminderTasks } from '../requests/index.server';
import { registerPrescriberTasks } from '../records/prescribers-expiry.server';
import { registerRenewalTasks } from '../records/renewals-queue.server';

let registered = false;

/** Registers every task handler once per process (the web process, `npm run worker`, tests). */
export function registerAllTasks(): void {
  if (registered) return;
  registered = true;
  registerTasks({
    // A no-op that proves the queue is wired; health checks and tests enqueue it.
    'system.ping': async () => {},
  });
  registerCatalogImportTasks();
  registerCheckoutTasks();
  registerPaymentTasks();
  registerRoutingTasks();
  registerNotificationTasks();
  registerReminderTasks();
  registerRefillRequestTasks();
  registerPasswordResetTasks();
  registerPrescriberTasks();
  registerRenewalTasks();
}
