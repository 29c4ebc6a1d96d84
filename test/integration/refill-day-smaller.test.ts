import { beforeAll, describe, expect, it } from 'vitest';
import * as adminLayout from '../../app/routes/admin';
import * as adminImports from '../../app/routes/admin.imports';
import * as builder from '../../app/routes/_clinic.refill-day_.builder';
import * as favicon from '../../app/routes/favicon[.]svg';
import { publicRefillFormSchema } from '../../app/schemas/refill-request';
import { call, request, signIn } from '../support/requests';

// The refill day's smaller fixes: a manager opening the admin catalog imports is told why it is
// closed (not silently sent home); the builder's "due within" reads empty as the default window
// and says on the field when a bound is broken; the public form says "Enter your name."; the
// site has an icon.

let manager: string;
let tech: string;

beforeAll(async () => {
  [manager, tech] = await Promise.all([signIn('manager@riverside.example'), signIn('tech@riverside.example')]);
});

describe('refill day: smaller fixes', () => {
  it('tells a manager the catalog imports are not theirs, with a 403 and a reason', async () => {
    for (const loader of [adminLayout.loader, adminImports.loader]) {
      const res = await call(loader as never, request('/admin/imports', { cookie: manager }));
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/Catalog imports are run by vialcart’s administrators/);
    }
    // Other admin pages still send staff home.
    const other = await call(adminLayout.loader as never, request('/admin/clinics', { cookie: manager }));
    expect(other.status).toBe(302);
  });

  it('reads an empty "due within" as 14 days, and a broken bound as an error on the field', async () => {
    const empty = (await (await call(builder.loader as never, request('/refill-day/builder?withinDays=', { cookie: tech }))).json()) as Record<string, unknown>;
    expect(empty).toMatchObject({ withinDays: 14, withinDaysError: null });
    for (const typed of ['400', '-1', '2.5', 'soon']) {
      const body = (await (await call(builder.loader as never, request(`/refill-day/builder?withinDays=${typed}`, { cookie: tech }))).json()) as Record<string, unknown>;
      expect(body.withinDays).toBe(14);
      expect(body.withinDaysTyped).toBe(typed);
      expect(body.withinDaysError).toMatch(/whole number of days from 0 to 365/);
    }
    const zero = (await (await call(builder.loader as never, request('/refill-day/builder?withinDays=0', { cookie: tech }))).json()) as Record<string, unknown>;
    expect(zero).toMatchObject({ withinDays: 0, withinDaysError: null });
  });

  it('asks the owner to "Enter your name." (never "the your name")', () => {
    const result = publicRefillFormSchema.safeParse({ ownerName: '', patientName: '', medication: 'Apoquel', ownerEmail: 'a@example.com', dosesLeft: '3' });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message);
    expect(messages).toContain('Enter your name.');
    expect(messages).toContain('Enter your pet\'s name.');
    expect(messages.join(' ')).not.toMatch(/the your/);
  });

  it('serves a favicon', async () => {
    const res = favicon.loader();
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg /);
  });
});
