import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS } from '../../db/seed';
import { loader as orderLoader } from '../../app/routes/api.v1.orders.$id';
import { loader as listLoader } from '../../app/routes/api.v1.orders';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { call, request } from '../support/requests';
import { createPendingOrders } from '../support/routing-fixtures';

registerAllTasks();

describe('clinic API: orders', () => {
  it('lists the clinic’s orders with events and tracking, and one order with its delivery log and audit chain', async () => {
    const [id] = await createPendingOrders(getDb(), { pharmacySlug: 'pacific', count: 1 });
    await drainJobs();
    const list = await call(listLoader, request('/api/v1/orders?status=delivered&limit=5', { apiKey: DEMO_API_KEYS.riverside }));
    expect(list.status).toBe(200);
    const { orders } = (await list.json()) as { orders: any[] };
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) {
      expect(o).toMatchObject({ status: 'delivered', pharmacyName: expect.any(String), trackingUrl: expect.stringMatching(/^https:\/\/(tools\.usps|www\.ups|www\.fedex)\.com/) });
      expect(o.events.map((e: { type: string }) => e.type)).toContain('delivered');
    }

    const one = await call(orderLoader, request(`/api/v1/orders/${id}`, { apiKey: DEMO_API_KEYS.riverside }), { id: id! });
    const { order } = (await one.json()) as { order: any };
    expect(order).toMatchObject({ id, status: 'submitted', events: [{ type: 'submitted', fromStatus: 'pending_delivery', toStatus: 'submitted' }] });
    expect(order.deliveryLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
    expect(Array.isArray(order.audit)).toBe(true);
    expect(order.lines.length).toBeGreaterThan(0);

    expect((await call(orderLoader, request(`/api/v1/orders/${id}`, { apiKey: DEMO_API_KEYS.lakeside }), { id: id! })).status).toBe(404);
    expect((await call(orderLoader, request(`/api/v1/orders/${id}`), { id: id! })).status).toBe(401);
    expect((await call(listLoader, request('/api/v1/orders', { apiKey: DEMO_API_KEYS.pharmacy('pacific') }))).status).toBe(401);
  });
});
