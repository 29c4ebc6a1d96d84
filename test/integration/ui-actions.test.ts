import { beforeAll, describe, expect, it } from 'vitest';
import * as checkoutPage from '../../app/routes/_clinic.checkouts.$id';
import * as mailboxPage from '../../app/routes/_clinic.mailbox';
import * as orderPage from '../../app/routes/_clinic.orders.$id';
import * as patientPage from '../../app/routes/_clinic.patients.$id';
import * as requestsPage from '../../app/routes/_clinic.requests';
import * as templatesPage from '../../app/routes/_clinic.settings_.templates';
import * as deliveriesPage from '../../app/routes/admin.deliveries';
import * as importsPage from '../../app/routes/admin.imports';
import * as pharmacyOrderPage from '../../app/routes/pharmacy.orders.$id';
import { call, request, signIn } from '../support/requests';

// UI actions are edges (docs/conventions.md, "Routes are edges"): every intent is read by a zod
// schema, so a bad intent or field is a 400 naming it and a missing record a 404, never a 500.

type Json = Record<string, any>;
const ANY_ID = '0b5e3c1e-2f7a-4d8e-9c61-5a0f7d3e9b21';

let tech: string;
let manager: string;
let admin: string;
let pharmacist: string;

beforeAll(async () => {
  [tech, manager, admin, pharmacist] = await Promise.all([signIn('tech@riverside.example'), signIn('manager@riverside.example'), signIn('admin@vialcart.example'), signIn('pharmacist@pacific.example')]);
});

const post = async (action: (args: any) => Promise<Response>, path: string, cookie: string, form: Record<string, string>, params: Record<string, string> = {}) => {
  const res = await call(action, request(path, { cookie, form }), params);
  return { status: res.status, body: (await res.json()) as Json };
};

describe('UI actions read every intent through a schema', () => {
  it('refuses an unknown intent with a 400 on intent, in the shape each page reads', async () => {
    const requests = await post(requestsPage.action, '/requests', tech, { intent: 'launch', id: ANY_ID });
    expect(requests).toMatchObject({ status: 400, body: { ok: false, message: 'That action is not available.', id: ANY_ID, fieldErrors: { intent: 'That action is not available.' } } });

    const order = await post(orderPage.action, `/orders/${ANY_ID}`, tech, { intent: 'launch' }, { id: ANY_ID });
    expect(order).toMatchObject({ status: 400, body: { ok: false, message: 'Unknown action.' } });

    const checkout = await post(checkoutPage.action, `/checkouts/${ANY_ID}`, tech, { intent: 'pay-twice' }, { id: ANY_ID });
    expect(checkout).toMatchObject({ status: 400, body: { fieldErrors: { intent: 'Unknown action.' } } });

    const patient = await post(patientPage.action, `/patients/${ANY_ID}`, tech, { intent: 'clone', orderId: ANY_ID }, { id: ANY_ID });
    expect(patient).toMatchObject({ status: 400, body: { added: 0, error: 'Unknown action.' } });

    const templates = await post(templatesPage.action, '/settings/templates', manager, { intent: 'delete', template: 'request.acknowledged', channel: 'email' });
    expect(templates).toMatchObject({ status: 400, body: { fieldErrors: { intent: 'Unknown action.' } } });

    const portal = await post(pharmacyOrderPage.action, `/pharmacy/orders/${ANY_ID}`, pharmacist, { intent: 'teleport', eventId: 'e-1' }, { id: ANY_ID });
    expect(portal).toMatchObject({ status: 400, body: { intent: 'teleport', fieldErrors: { intent: 'Unknown action.' } } });

    const imports = await post(importsPage.action, '/admin/imports', admin, { intent: 'fetch', pharmacyId: 'pacific', priceMovePercent: 'lots' });
    expect(imports.status).toBe(400);
    expect(imports.body).toMatchObject({ ok: false, intent: 'fetch' });
    expect(Object.keys(imports.body.fieldErrors).sort()).toEqual(['pharmacyId', 'priceMovePercent']);
  });

  it('refuses a bad id with a 400 naming the field', async () => {
    expect(await post(mailboxPage.action, '/mailbox', tech, { id: 'not-a-message' })).toMatchObject({ status: 400, body: { ok: false, fieldErrors: { id: 'Choose the message to send again.' } } });
    expect(await post(deliveriesPage.action, '/admin/deliveries', admin, { orderId: '' })).toMatchObject({ status: 400, body: { ok: false, message: 'Choose the order to send again.' } });
    expect(await post(patientPage.action, `/patients/${ANY_ID}`, tech, { intent: 'reorder', orderId: '12' }, { id: ANY_ID })).toMatchObject({
      status: 400,
      body: { fieldErrors: { orderId: 'This order is not in the history any more: reload the page.' } },
    });
  });

  it('answers a record that is not there (or another clinic’s) with a 404 on the form, not a 500', async () => {
    expect(await post(orderPage.action, `/orders/${ANY_ID}`, tech, { intent: 'retry' }, { id: ANY_ID })).toMatchObject({ status: 404, body: { ok: false, message: expect.stringMatching(/not found/i) } });
    expect(await post(mailboxPage.action, '/mailbox', tech, { id: ANY_ID })).toMatchObject({ status: 404, body: { ok: false, formError: 'That message is no longer failed.' } });
    expect(await post(checkoutPage.action, `/checkouts/${ANY_ID}`, tech, { intent: 'cancel' }, { id: ANY_ID })).toMatchObject({ status: 404, body: { formError: expect.stringMatching(/not found/i) } });
    expect(await post(pharmacyOrderPage.action, `/pharmacy/orders/${ANY_ID}`, pharmacist, { intent: 'accepted', eventId: 'e-1' }, { id: ANY_ID })).toMatchObject({ status: 404, body: { intent: 'accepted' } });
  });
});
