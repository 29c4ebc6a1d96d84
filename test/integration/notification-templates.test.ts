import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as templatesPage from '../../app/routes/_clinic.settings_.templates';
import { enqueueNotification } from '../../app/services/owners/notifications.server';
import { DEFAULT_TEMPLATES } from '../../app/services/owners/notification-templates.server';
import { NOTIFICATION_TEMPLATES, TEMPLATE_PLACEHOLDERS, unknownPlaceholders } from '../../app/lib/notification-templates';
import { call, request, signIn } from '../support/requests';

const PATH = '/settings/templates';

/** An owner of `clinicId` who gets email, with one of their pets. */
async function emailOwner(clinicId: string) {
  const pet = await getDb()
    .selectFrom('patients')
    .innerJoin('clients', 'clients.id', 'patients.clientId')
    .select(['patients.id as patientId', 'patients.name as petName', 'clients.id as clientId'])
    .where('patients.clinicId', '=', clinicId)
    .where('patients.status', '=', 'active')
    .where('clients.email', 'is not', null)
    .orderBy('patients.id')
    .executeTakeFirstOrThrow();
  await getDb().updateTable('clients').set({ preferredChannel: 'email', emailOptIn: true, unsubscribedAt: null }).where('id', '=', pet.clientId).execute();
  return pet;
}

/** Enqueues a "request received" message and answers the outbox row it wrote. */
async function acknowledge(clinicId: string, owner: { clientId: string; patientId: string }, reference: string) {
  await getDb()
    .transaction()
    .execute((tx) => enqueueNotification(tx, { clinicId, clientId: owner.clientId, patientId: owner.patientId, template: 'request.acknowledged', data: { reference }, dedupeKey: reference }));
  return getDb().selectFrom('notifications').select(['subject', 'body', 'channel']).where('dedupeKey', '=', reference).executeTakeFirstOrThrow();
}

function save(cookie: string, fields: Record<string, string>) {
  return call(templatesPage.action, request(PATH, { cookie, form: { intent: 'save', template: 'request.acknowledged', channel: 'email', ...fields } }));
}

async function override(clinicId: string) {
  return getDb().selectFrom('notificationTemplates').selectAll().where('clinicId', '=', clinicId).where('template', '=', 'request.acknowledged').where('channel', '=', 'email').executeTakeFirst();
}

describe('clinic message templates', () => {
  it('the default wording uses only the placeholders each template allows', () => {
    for (const template of NOTIFICATION_TEMPLATES) {
      for (const channel of ['email', 'sms'] as const) {
        const text = DEFAULT_TEMPLATES[template][channel];
        expect(unknownPlaceholders(template, `${text.subject ?? ''}\n${text.body}`), `${template} ${channel}`).toEqual([]);
      }
    }
    expect(unknownPlaceholders('refill.reminder', 'Hi {{ownerName}}, {{ trackingNumber }} {{petname}} {{}}')).toEqual(['{{ trackingNumber }}', '{{petname}}', '{{}}']);
    expect(TEMPLATE_PLACEHOLDERS['order.shipped']).toContain('carrier');
  });

  it("uses a manager's wording for that clinic only, audits it, and lists it as overridden", async () => {
    const manager = await signIn('manager@riverside.example');
    const res = await save(manager, { subject: 'About {{petName}}', body: 'Dear {{ownerName}}, Riverside has {{petName}}’s {{medicationName}} request ({{reference}}).' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ saved: 'saved' });

    const riverside = await emailOwner(DEMO_IDS.riverside);
    const mine = await acknowledge(DEMO_IDS.riverside, riverside, 'TPL-R-1');
    expect(mine.subject).toBe(`About ${riverside.petName}`);
    expect(mine.body).toContain(`Riverside has ${riverside.petName}’s medication request (TPL-R-1).`);

    const lakeside = await emailOwner(DEMO_IDS.lakeside);
    const theirs = await acknowledge(DEMO_IDS.lakeside, lakeside, 'TPL-L-1');
    expect(theirs.subject).toBe(`We received your refill request for ${lakeside.petName}`);
    expect(theirs.body).not.toContain('Riverside has');

    const events = await getDb().selectFrom('auditEvents').selectAll().where('action', '=', 'notification_template.updated').where('clinicId', '=', DEMO_IDS.riverside).execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.subjectId).toBe('request.acknowledged:email');
    expect(events[0]!.actorId).toBe(DEMO_IDS.user('manager@riverside.example'));

    const page = await (await call(templatesPage.loader, request(`${PATH}?template=request.acknowledged&channel=email`, { cookie: manager }))).json();
    expect(page.canEdit).toBe(true);
    expect(page.templates).toHaveLength(16);
    expect(page.selected.override.subject).toBe('About {{petName}}');
    // Lakeside's manager sees the default, and cannot reset Riverside's wording.
    const lakesideManager = await signIn('manager@lakeside.example');
    const theirPage = await (await call(templatesPage.loader, request(`${PATH}?template=request.acknowledged&channel=email`, { cookie: lakesideManager }))).json();
    expect(theirPage.selected.override).toBeNull();
    const reset = await call(templatesPage.action, request(PATH, { cookie: lakesideManager, form: { intent: 'reset', template: 'request.acknowledged', channel: 'email' } }));
    expect(reset.status).toBe(200);
    expect(await override(DEMO_IDS.riverside)).toBeDefined();
  });

  it('refuses an unknown placeholder with a 400 naming the field and the placeholder, keeping what was typed', async () => {
    const manager = await signIn('manager@riverside.example');
    const before = await override(DEMO_IDS.riverside);
    const body = 'Hi {{ownerName}}, {{petname}} is ready.';
    const res = await save(manager, { subject: 'Hello {{carrier}}', body });
    expect(res.status).toBe(400);
    const out = await res.json();
    expect(out.fieldErrors.body).toContain('{{petname}}');
    expect(out.fieldErrors.subject).toContain('{{carrier}}');
    expect(out.values.body).toBe(body);
    expect(await override(DEMO_IDS.riverside)).toEqual(before);
  });

  it('lets a technician read the templates but not change them', async () => {
    const tech = await signIn('tech@riverside.example');
    const page = await (await call(templatesPage.loader, request(PATH, { cookie: tech }))).json();
    expect(page.canEdit).toBe(false);
    const before = await override(DEMO_IDS.riverside);
    const res = await save(tech, { subject: '', body: 'Technician wording for {{petName}}' });
    expect(res.status).toBe(403);
    const reset = await call(templatesPage.action, request(PATH, { cookie: tech, form: { intent: 'reset', template: 'request.acknowledged', channel: 'email' } }));
    expect(reset.status).toBe(403);
    expect(await override(DEMO_IDS.riverside)).toEqual(before);
  });

  it('"Reset to default" removes the override, so the default wording is sent again', async () => {
    const manager = await signIn('manager@riverside.example');
    expect(await override(DEMO_IDS.riverside)).toBeDefined();
    const res = await call(templatesPage.action, request(PATH, { cookie: manager, form: { intent: 'reset', template: 'request.acknowledged', channel: 'email' } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ saved: 'reset' });
    expect(await override(DEMO_IDS.riverside)).toBeUndefined();
    const owner = await emailOwner(DEMO_IDS.riverside);
    const message = await acknowledge(DEMO_IDS.riverside, owner, 'TPL-R-2');
    expect(message.subject).toBe(`We received your refill request for ${owner.petName}`);
    const events = await getDb().selectFrom('auditEvents').select('detail').where('action', '=', 'notification_template.reset').where('clinicId', '=', DEMO_IDS.riverside).execute();
    expect(events).toHaveLength(1);
  });
});
