import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DateText, DateTimeText, RelativeTime } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { TimeZoneProvider } from '~/components/time-zone';
import { Toaster } from '~/components/toast';
import { formatSpecies, humanize } from '~/lib/format';
import { WeightText } from '~/components/weight-text';
import { requestQueueLook } from '~/lib/status';
import { requestsActionSchema } from '~/schemas/refill-request';
import { firstError, formAction, readForm } from '~/http/forms.server';
import { requireUser } from '~/services/identity/auth.server';
import { allowed, requestAction } from '~/services/identity/permissions';
import { now } from '~/services/platform/clock.server';
import {
  addNote,
  assignToMe,
  decideRefillRequest,
  getIntakeSettings,
  markDispensed,
  markOwnerCalled,
  queueItems,
  queueSummary,
  resolveMatch,
  type QueueItem,
} from '~/services/requests/index.server';
import { REQUEST_QUEUES, calendarDay } from '../../validators/vocabulary';
import { renewalQueue, type RenewalQueueItem } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'Requests — vialcart' }];

const TABS = [...REQUEST_QUEUES, 'to_dispense'] as const;
type Tab = (typeof TABS)[number];
const tabQuery = z.object({ queue: z.enum(TABS).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const { queue } = tabQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const summary = await queueSummary(user);
  // Without a choice, open the tab the role works first, or the first with something in it.
  const preferred: Tab = user.role === 'veterinarian' ? 'vet_review' : user.role === 'front_desk' ? 'front_desk' : (summary.queues.find((q) => q.count > 0)?.queue ?? 'tech_urgent');
  const tab: Tab = queue ?? preferred;
  // Renewal requests wait in the veterinarian-review queue too, one batch per veterinarian (docs/records.md).
  const [items, settings, renewals] = await Promise.all([queueItems(user, tab), getIntakeSettings(user), renewalQueue(user)]);
  // The role table (docs/roles.md) decides which decision buttons each request shows.
  const decisions = items.map((i) => ({ id: i.id, deny: allowed(user, requestAction('deny', i.queue)), requestExam: allowed(user, requestAction('request_exam', i.queue)) }));
  return json({ tab, summary, items, renewals, decisions, now: now().toISOString(), timezone: settings.timezone, role: user.role });
}

type ActionResult = { ok: boolean; message: string; id?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  const id = String(form.get('id') ?? '') || undefined;
  return formAction(
    async (): Promise<ActionResult> => {
      const input = readForm(form, requestsActionSchema);
      const { id } = input;
      switch (input.intent) {
        case 'assign':
          await assignToMe(user, id);
          return { ok: true, message: 'Assigned to you.', id };
        case 'approve':
        case 'deny':
        case 'request_exam': {
          const out = await decideRefillRequest(user, id, { decision: input.intent, ...(input.reason ? { reason: input.reason } : {}) });
          const ref = out.request.reference;
          const message =
            out.status === 'approved' ? `${ref} approved: the line is in the refill-day cart.` : out.status === 'to_dispense' ? `${ref} approved: on the to-dispense list.` : out.status === 'denied' ? `${ref} denied; the owner is told why.` : `${ref}: exam requested; the owner gets the booking link.`;
          return { ok: true, message, id };
        }
        case 'owner_called':
          await markOwnerCalled(user, id, input.text);
          return { ok: true, message: 'Owner call recorded.', id };
        case 'note':
          await addNote(user, id, input.text);
          return { ok: true, message: 'Note added.', id };
        case 'dispensed':
          await markDispensed(user, id);
          return { ok: true, message: 'Marked dispensed; the owner is told it is ready for pickup.', id };
        case 'resolve':
          await resolveMatch(user, id, { prescriptionId: input.prescriptionId });
          return { ok: true, message: 'Match confirmed; the request was routed again.', id };
      }
    },
    // The page's toast reads `message`; the row it belongs to is `id`.
    { extra: (errors): ActionResult => ({ ok: false, message: firstError(errors, 'That action is not available.'), ...(id ? { id } : {}) }) },
  );
}

export default function RequestsPage() {
  const { tab, summary, items, renewals, decisions, now, timezone } = useLoaderData<typeof loader>();
  const renewalCount = renewals.reduce((n, b) => n + b.open, 0);
  const renewalsOverdue = renewals.some((b) => b.sla.overdue);
  const actionData = useActionData<typeof action>();
  const tabLabel = tab === 'to_dispense' ? 'To dispense' : requestQueueLook(tab).label;
  const totalOpen = summary.queues.reduce((s, q) => s + q.count, 0);
  return (
    <TimeZoneProvider timeZone={timezone}>
      <div className="stack-lg">
        <PageHeader title="Requests" description={`Owner refill requests by queue: ${totalOpen} open, ${summary.toDispense.count} to dispense.`} />
        <Toaster message={actionData ? { id: `${actionData.id ?? ''}-${actionData.message}`, text: actionData.message, tone: actionData.ok ? 'success' : 'danger' } : null} />
        <nav aria-label="Request queues">
          <ul className="tabs" role="list">
            {summary.queues.map((q) => (
              <li key={q.queue}>
                <Link to={`?queue=${q.queue}`} aria-current={q.queue === tab ? 'page' : undefined}>
                  {requestQueueLook(q.queue).label}{' '}
                  <Badge tone={q.overdue > 0 || (q.queue === 'vet_review' && renewalsOverdue) ? 'danger' : 'neutral'}>{q.queue === 'vet_review' ? q.count + renewalCount : q.count}</Badge>
                  {q.oldestAt ? (
                    <span className="text-xs muted">
                      {' '}
                      oldest <RelativeTime value={q.oldestAt} now={now} />
                    </span>
                  ) : null}
                  {q.overdue > 0 ? <span className="visually-hidden">, {q.overdue} overdue</span> : null}
                </Link>
              </li>
            ))}
            <li>
              <Link to="?queue=to_dispense" aria-current={tab === 'to_dispense' ? 'page' : undefined}>
                To dispense <Badge>{summary.toDispense.count}</Badge>
              </Link>
            </li>
          </ul>
        </nav>
        <section aria-labelledby="queue-heading" className="stack">
          <h2 id="queue-heading">{tabLabel}</h2>
          {tab === 'vet_review' && renewals.length > 0 ? <RenewalBatches batches={renewals} now={now} /> : null}
          {items.length === 0 ? (
            <EmptyState title="Nothing waiting" description={tab === 'to_dispense' ? 'Approved commercial refills appear here until they are dispensed.' : 'New requests in this queue appear here.'} />
          ) : (
            <ol className="stack request-list" role="list" aria-label={`${tabLabel} requests`}>
              {items.map((item) => (
                <li key={item.id}>
                  <RequestCard item={item} now={now} timezone={timezone} may={decisions.find((d) => d.id === item.id) ?? { deny: false, requestExam: false }} />
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </TimeZoneProvider>
  );
}

/** The veterinarians' batches of renewal requests waiting in this queue, each with its target. */
function RenewalBatches({ batches, now }: { batches: RenewalQueueItem[]; now: string }) {
  return (
    <section aria-labelledby="renewal-batches-heading" className="stack-sm">
      <h3 id="renewal-batches-heading">Prescription renewals</h3>
      <ol className="stack-sm" role="list">
        {batches.map((b) => (
          <li key={b.id} className="card card--padded split">
            <span>
              <Link to={`/renewals/${b.id}`}>
                {b.open} {b.open === 1 ? 'prescription' : 'prescriptions'} to renew for {b.prescriberName}
              </Link>
              {b.mine ? <Badge tone="info">Yours</Badge> : null}
              {b.sla.escalatedAt ? <Badge tone="danger">Escalated to manager</Badge> : b.sla.remindedAt ? <Badge tone="warning">Reminder sent</Badge> : null}
            </span>
            <span className={b.sla.overdue ? 'overdue' : undefined}>
              Target <RelativeTime value={b.sla.dueAt} now={now} deadline />
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function RequestCard({ item, now, timezone, may }: { item: QueueItem; now: string; timezone: string; may: { deny: boolean; requestExam: boolean } }) {
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle' && navigation.formData?.get('id') === item.id;
  const title = item.pet ? item.pet.name : item.patientName;
  const rx = item.prescription;
  const isOpen = item.status === 'open';
  return (
    <article className="card card--padded stack-sm" aria-labelledby={`req-${item.id}`}>
      <div className="split">
        <div className="cluster">
          <h3 id={`req-${item.id}`}>
            {title} · {rx ? rx.medication : item.medication}
          </h3>
          <StatusBadge kind="queue" code={item.queue} />
          {item.urgency !== 'routine' ? <Badge tone="warning">{item.urgency === 'today' ? 'Runs out today' : 'Runs out in 1–2 days'}</Badge> : null}
          {item.sla.remindedAt ? <Badge tone="warning">Reminder sent</Badge> : null}
          {item.sla.escalatedAt ? <Badge tone="danger">Escalated to manager</Badge> : null}
          {!isOpen ? <Badge tone="info">{humanize(item.status)}</Badge> : null}
        </div>
        <p className="nowrap">
          <span className="mono text-sm">{item.reference}</span>
          {isOpen ? (
            <>
              {' · '}
              <span className={item.sla.overdue ? 'overdue' : undefined}>
                Target{' '}
                <RelativeTime value={item.sla.dueAt} now={now} deadline />
              </span>
            </>
          ) : null}
        </p>
      </div>
      <dl className="dl">
        <dt>Owner</dt>
        <dd>
          {item.ownerName}
          {item.ownerPhone ? ` · ${item.ownerPhone}` : ''}
          {item.ownerEmail ? ` · ${item.ownerEmail}` : ''}
          {item.smsConsent ? ' · texts OK' : ''}
        </dd>
        <dt>Pet</dt>
        <dd>
          {item.pet ? (
            <>
              <Link to={`/patients/${item.patientId}`}>{item.pet.name}</Link> · {formatSpecies(item.pet.species)} ·{' '}
              <WeightText kg={item.pet.weightKg} measuredOn={item.pet.weightMeasuredOn} today={calendarDay(new Date(now), timezone)} /> · last exam <DateText value={item.pet.lastWellnessExamOn} />
              {item.pet.status !== 'active' ? ` · ${item.pet.status}` : ''}
            </>
          ) : (
            `${item.patientName} (not matched)`
          )}
        </dd>
        <dt>Asked for</dt>
        <dd>
          “{item.medication}”{item.dosesLeft !== null ? ` · ${item.dosesLeft} doses left` : ''} · via {item.channel} <DateTimeText value={item.createdAt} />
        </dd>
        {rx ? (
          <>
            <dt>Prescription</dt>
            <dd>
              {rx.medication}
              {rx.controlledSchedule ? ` · C-${rx.controlledSchedule}` : ''}
              {rx.compounded ? ' · compounded' : ' · commercial'} · by {rx.prescriberName} · written <DateText value={rx.writtenOn} />, expires <DateText value={rx.expiresOn} /> · {rx.refillsUsed} of {rx.refillsAuthorized} refills used
              {rx.standingOrder ? ' · standing order' : ''}
            </dd>
            <dt>SIG</dt>
            <dd>{rx.sig}</dd>
            <dt>Last fill</dt>
            <dd>
              <DateText value={rx.lastFill} />
            </dd>
          </>
        ) : null}
        <dt>Assigned</dt>
        <dd>{item.assigneeName ?? 'Nobody yet'}</dd>
      </dl>
      <div>
        <h4 className="text-sm">Checks</h4>
        <ul className="request-item__checks stack-sm" aria-label="Eligibility checks">
          {item.eligibility.map((c) => (
            <li key={c.check} className="cluster">
              <Badge tone={c.ok ? 'success' : 'warning'}>{c.ok ? 'OK' : 'Attention'}</Badge>
              <span>
                <span className="visually-hidden">{c.check}: </span>
                {c.detail}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {item.candidates.length > 0 ? (
        <div className="stack-sm">
          <h4 className="text-sm">Possible matches</h4>
          <ul className="stack-sm" aria-label="Possible matches">
            {item.candidates.map((c) => (
              <li key={`${c.kind}-${c.id}`} className="cluster">
                <span>{c.label}</span>
                {c.kind === 'prescription' && isOpen ? (
                  <Form method="post">
                    <input type="hidden" name="id" value={item.id} />
                    <input type="hidden" name="intent" value="resolve" />
                    <input type="hidden" name="prescriptionId" value={c.id} />
                    <Button size="sm" type="submit">
                      Use this prescription
                    </Button>
                  </Form>
                ) : c.kind === 'patient' ? (
                  <Link to={`/patients/${c.id}`}>Open record</Link>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="cluster no-print">
        {isOpen ? (
          <>
            <ActionButton id={item.id} intent="assign" label="Assign to me" busy={busy} />
            {item.approval.allowed ? (
              <ActionButton id={item.id} intent="approve" label={rx?.compounded ? 'Approve into cart' : 'Approve'} variant="primary" busy={busy} />
            ) : (
              <span className="text-sm muted">{item.approval.reason}</span>
            )}
            {may.requestExam ? <ActionButton id={item.id} intent="request_exam" label="Request exam" busy={busy} /> : null}
            <ActionButton id={item.id} intent="owner_called" label="Mark owner called" busy={busy} />
            {may.deny ? (
              <details>
                <summary>Deny…</summary>
                <Form method="post" className="stack-sm">
                  <input type="hidden" name="id" value={item.id} />
                  <input type="hidden" name="intent" value="deny" />
                  <label className="field__label" htmlFor={`reason-${item.id}`}>
                    Reason (the owner is told)
                  </label>
                  <textarea id={`reason-${item.id}`} name="reason" className="textarea" required maxLength={500} rows={2} />
                  <Button type="submit" variant="danger" size="sm" loading={busy}>
                    Deny request
                  </Button>
                </Form>
              </details>
            ) : null}
          </>
        ) : item.status === 'to_dispense' ? (
          <ActionButton id={item.id} intent="dispensed" label="Mark dispensed" variant="primary" busy={busy} />
        ) : null}
        <details>
          <summary>Add note…</summary>
          <Form method="post" className="stack-sm">
            <input type="hidden" name="id" value={item.id} />
            <input type="hidden" name="intent" value="note" />
            <label className="field__label" htmlFor={`note-${item.id}`}>
              Note
            </label>
            <textarea id={`note-${item.id}`} name="text" className="textarea" required maxLength={1000} rows={2} />
            <Button type="submit" size="sm" loading={busy}>
              Save note
            </Button>
          </Form>
        </details>
      </div>
      {item.history.length > 0 ? (
        <details>
          <summary>History ({item.history.length})</summary>
          <ol className="stack-sm text-sm">
            {item.history.map((h, i) => (
              <li key={i}>
                <DateTimeText value={h.at} /> · {h.actor} · {humanize(h.action.replace('refill_request.', ''))}
                {typeof (h.detail as { text?: unknown }).text === 'string' ? `: ${(h.detail as { text: string }).text}` : ''}
                {typeof (h.detail as { reason?: unknown }).reason === 'string' ? `: ${(h.detail as { reason: string }).reason}` : ''}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </article>
  );
}

function ActionButton({ id, intent, label, variant = 'secondary', busy }: { id: string; intent: string; label: string; variant?: 'primary' | 'secondary'; busy: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="intent" value={intent} />
      <Button type="submit" size="sm" variant={variant} loading={busy}>
        {label}
      </Button>
    </Form>
  );
}
