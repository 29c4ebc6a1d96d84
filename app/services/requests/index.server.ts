/**
 * The requests room: owners' refill requests, from intake to a decision. Routes and other
 * rooms import from here.
 *
 * It owns
 * - intake channels (intake.server.ts): the public form, the clinic API, the signed PIMS and
 *   SMS webhook, all ending in one `createRefillRequest` transaction; SMS reading (sms.ts);
 * - matching (matching.ts, pure): owner → pet → prescription by contact, names, synonyms and
 *   typos, never guessing between equals;
 * - eligibility and the routing table (routing.ts, pure): the checks run through the request
 *   registry of the rule engine (validators/requests), the table picks the queue;
 * - service levels (sla.ts, pure) and the clinic's settings for them (settings.server.ts);
 * - the queues and the API's views (views.server.ts);
 * - decisions (decisions.server.ts, with who may approve in approval.ts): approve into the
 *   cart or the to-dispense list, deny, ask for an exam, dispense, take, call, note, resolve;
 * - timers (timers.server.ts): reminder and escalation jobs and the sweep behind them;
 * - refill reminders to owners when a fill runs out (reminders.server.ts);
 * - what a patient leaving the books means for its requests and reminders (patient-status.server.ts).
 *
 * Queue names, statuses and ids come from the shared vocabulary (validators/vocabulary).
 * docs/refill-requests.md describes the behaviour.
 */
export { approvalRule } from './approval';
export { addNote, assignToMe, decideRefillRequest, markDispensed, markOwnerCalled, resolveMatch } from './decisions.server';
export {
  MAX_WEBHOOK_BYTES,
  PUBLIC_FORM_LIMITS,
  WEBHOOK_TOLERANCE_SECONDS,
  clinicBySlug,
  createRefillRequest,
  createRequestFromApi,
  publicClinic,
  publicRequestStatus,
  submitPublicRefillForm,
  type CreatedRequest,
  type IntakeActor,
  type IntakeInput,
} from './intake.server';
export {
  answerSmsQuestion,
  receivePimsEvent,
  receiveSmsMessage,
  takeSmsRequest,
  verifyIntakeDelivery,
  type IntakeClinic,
  type PublicCreatedRequest,
} from './intake-channels.server';
export { normalizePhone } from './matching';
export { dispatchReminders, registerReminderTasks, scheduleReminders } from './reminders.server';
export { cancelPatientRequests, suppressPatientReminders } from './patient-status.server';
export { getIntakeSettings, updateIntakeSettings } from './settings.server';
export { readSlaSettings, slaTimers, type SlaSettings } from './sla';
export { enqueueSlaSweep, escalateIfDue, registerRefillRequestTasks, remindIfDue, runSlaSweep } from './timers.server';
export { getRefillRequest, listRefillRequests, queueItems, queueSummary, requestView, type QueueItem, type RequestSla, type RequestView } from './views.server';
