import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { loadCartView } from '../cart/index.server';
import { now } from '../platform/clock.server';
import { clinicScope, type Principal } from '../identity/principal';

// The clinic's home page: today's refill day, the request queues with their SLA state, orders
// still on their way, and owner messages that failed. Each part is one small query.

/** How close to its target a queue is. */
export type SlaState = 'on_track' | 'due_soon' | 'overdue';

/** A request is "due soon" this long before its target. */
const DUE_SOON_MS = 30 * 60_000;

export async function getDashboard(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const at = now();
  const soon = new Date(at.getTime() + DUE_SOON_MS);

  const [cart, queues, orders, outbox] = await Promise.all([
    loadCartView(principal),
    sql<{ queue: string; open: number; overdue: number; dueSoon: number; oldest: Date | null; nextDue: Date | null }>`
      select queue, count(*)::int as open,
             count(*) filter (where due_at < ${at.toISOString()}::timestamptz)::int as overdue,
             count(*) filter (where due_at >= ${at.toISOString()}::timestamptz and due_at < ${soon.toISOString()}::timestamptz)::int as due_soon,
             min(created_at) as oldest, min(due_at) as next_due
      from refill_requests where clinic_id = ${clinicId} and status = 'open'
      group by queue`.execute(db),
    sql<{ status: string; n: number; oldest: Date }>`
      select status, count(*)::int as n, min(created_at) as oldest from orders
      where clinic_id = ${clinicId} and status not in ('delivered', 'cancelled', 'rejected')
      group by status`.execute(db),
    sql<{ failed: number; outbox: number; textsDelivered: number; textsUndelivered: number; textsInFlight: number }>`
      select count(*) filter (where status = 'failed')::int as failed, count(*) filter (where status = 'outbox')::int as outbox,
             count(*) filter (where channel = 'sms' and delivery_status = 'delivered')::int as texts_delivered,
             count(*) filter (where channel = 'sms' and delivery_status in ('undelivered', 'failed'))::int as texts_undelivered,
             count(*) filter (where channel = 'sms' and delivery_status in ('queued', 'sending', 'sent'))::int as texts_in_flight
      from notifications where clinic_id = ${clinicId}`.execute(db),
  ]);

  const patients = new Set(cart.lines.map((l) => l.patientId)).size;
  return {
    now: at.toISOString(),
    refillDay: {
      lines: cart.lines.length,
      patients,
      pharmacies: new Set(cart.lines.map((l) => l.pharmacyId)).size,
      totalCents: cart.totalCents,
      blockingCount: cart.blockingCount,
      warningCount: cart.warningCount,
    },
    queues: queues.rows.map((q) => ({
      queue: q.queue,
      open: q.open,
      overdue: q.overdue,
      dueSoon: q.dueSoon,
      state: (q.overdue > 0 ? 'overdue' : q.dueSoon > 0 ? 'due_soon' : 'on_track') as SlaState,
      oldest: q.oldest ? q.oldest.toISOString() : null,
      nextDue: q.nextDue ? q.nextDue.toISOString() : null,
    })),
    ordersInFlight: orders.rows.map((o) => ({ status: o.status, count: o.n, oldest: o.oldest.toISOString() })),
    notifications: outbox.rows[0] ?? { failed: 0, outbox: 0, textsDelivered: 0, textsUndelivered: 0, textsInFlight: 0 },
  };
}

export type Dashboard = Awaited<ReturnType<typeof getDashboard>>;
