import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { authorizationChainCsv, getAuthorizationChain, orderAuditTrail } from '../../app/services/audit/audit-chain.server';
import type { Principal } from '../../app/services/identity/principal';

const riverside: Principal = { kind: 'clinic_key', keyId: 'test', clinicId: DEMO_IDS.riverside };
const lakeside: Principal = { kind: 'clinic_key', keyId: 'test', clinicId: DEMO_IDS.lakeside };

async function deliveredLine() {
  return getDb()
    .selectFrom('orderLines')
    .innerJoin('orders', 'orders.id', 'orderLines.orderId')
    .select(['orderLines.id', 'orderLines.orderId'])
    .where('orders.clinicId', '=', DEMO_IDS.riverside)
    .where('orders.status', '=', 'delivered')
    .orderBy('orderLines.id')
    .executeTakeFirstOrThrow();
}

describe('audit trail', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of audit events, even by the app', async () => {
    const db = getDb();
    const before = await sql<{ n: number }>`select count(*)::int as n from audit_events`.execute(db);
    await expect(sql`update audit_events set actor_label = 'someone else' where id = (select min(id) from audit_events)`.execute(db)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(sql`delete from audit_events where id = (select min(id) from audit_events)`.execute(db)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only: TRUNCATE refused/);
    const after = await sql<{ n: number }>`select count(*)::int as n from audit_events`.execute(db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('shows the complete chain of a seeded delivered line: authorization → payment → acceptance → shipment → delivery', async () => {
    const line = await deliveredLine();
    const { lines } = await getAuthorizationChain(riverside, line.id);
    expect(lines).toHaveLength(1);
    const chain = lines[0]!;
    expect(chain.missing).toEqual([]);
    expect(chain.complete).toBe(true);
    const steps = chain.entries.map((e) => e.step);
    const firstOf = (s: string) => steps.indexOf(s as never);
    expect(firstOf('authorization')).toBeGreaterThanOrEqual(0);
    expect(firstOf('authorization')).toBeLessThan(firstOf('payment'));
    expect(firstOf('payment')).toBeLessThan(firstOf('acceptance'));
    expect(firstOf('acceptance')).toBeLessThan(firstOf('shipment'));
    expect(firstOf('shipment')).toBeLessThan(firstOf('delivery'));
    const authorized = chain.entries.find((e) => e.action === 'prescription.authorized')!;
    expect(authorized.actor).toMatch(/^Dr\.? /);
    expect(chain.entries.find((e) => e.step === 'shipment')!.detail.carrier).toMatch(/UPS|FedEx|USPS/);
    // The same chain is the order's `audit` field, entry by entry, naming the line.
    const trail = await orderAuditTrail(riverside, line.orderId);
    expect(trail.filter((e) => e.detail.lineId === line.id).map((e) => e.action)).toEqual(chain.entries.map((e) => e.action));
  });

  it("does not show another clinic's chain", async () => {
    const line = await deliveredLine();
    await expect(getAuthorizationChain(lakeside, line.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getAuthorizationChain(lakeside, line.orderId)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('exports the chains of a date range as CSV', async () => {
    const csv = await authorizationChainCsv(riverside, { from: '2000-01-01', to: '2100-01-01' });
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('order_id,line_id,patient,medication,step,at,actor,action,detail');
    expect(rows.length).toBeGreaterThan(100);
    expect(csv).toContain(',delivery,');
    await expect(authorizationChainCsv(riverside, { from: '2026-02-01', to: '2026-01-01' })).rejects.toMatchObject({ code: 'bad_request' });
  });
});
