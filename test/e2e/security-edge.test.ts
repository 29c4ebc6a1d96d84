import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DB } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS, DEMO_PASSWORD } from '../../db/seed';
import { startAppServer, type AppServer } from '../support/app-server';
import { launchBrowser, signInAs } from '../support/browser';
import { createTestDatabase } from '../support/postgres';

// The HTTP edge against the real server (app/server/edge.ts, docs/security.md): each block is
// one finding of the security review, asserted the way a client meets it.

let server: AppServer;
let db: DB;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const ALL_A = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';

beforeAll(async () => {
  database = await createTestDatabase('demo');
  db = createDb(database.url);
  server = await startAppServer(database.url);
});
afterAll(async () => {
  await server?.stop();
  await db?.destroy();
  await database?.drop();
});

const url = (path: string) => server.url + path;
const own = () => ({ Origin: server.url });

async function login(email: string, extra: Record<string, string> = {}, headers: Record<string, string> = own()) {
  return fetch(url('/login'), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, ...extra }),
  });
}

async function cookieOf(email: string): Promise<string> {
  const res = await login(email);
  expect(res.status).toBe(302);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** No stack, file path or database message in what a client reads. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\n\s+at |node_modules|\/app\/|\.tsx?:\d+|\bat Object\.|syntax error at|violates|relation "|invalid input syntax/);
}

describe('open redirect after login (finding 3)', () => {
  it.each(['/\\evil.example/x', '/\\t/evil.example', '/%5Cevil.example', '//evil.example', '/%09/evil.example', 'https://evil.example/'])('sends %j home instead', async (to) => {
    const res = await login('tech@riverside.example', { redirectTo: to });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
  });

  it('keeps a path on this site', async () => {
    const res = await login('tech@riverside.example', { redirectTo: '/patients?q=rex' });
    expect(res.headers.get('location')).toBe('/patients?q=rex');
  });
});

describe('CSRF (finding 6)', () => {
  it('refuses a form post or a _data action from another origin, or with no origin at all', async () => {
    const cookie = await cookieOf('tech@riverside.example');
    const note = (headers: Record<string, string>) =>
      fetch(url('/requests?_data=routes%2F_clinic.requests'), { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: 'intent=note&id=' + ALL_A + '&note=hi' });
    const foreign: Record<string, string>[] = [{ Origin: 'http://evil.example' }, { Origin: 'null' }, {}, { 'Sec-Fetch-Site': 'same-site' }, { 'Sec-Fetch-Site': 'cross-site' }];
    for (const headers of foreign) {
      const res = await note(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    // The same action from our own page passes the edge (and is answered by the route: no such request).
    expect((await note(own())).status).not.toBe(403);
    expect((await note({ 'Sec-Fetch-Site': 'same-origin' })).status).not.toBe(403);
    expect((await login('tech@riverside.example', {}, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('lets API keys and signed webhooks through without an Origin', async () => {
    const api = await fetch(url('/api/v1/carts/current/lines'), { method: 'POST', headers: { Authorization: `Bearer ${DEMO_API_KEYS.riverside}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(400);
    const hook = await fetch(url('/webhooks/stripe'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(hook.status).not.toBe(403);
    expect(hook.status).toBeLessThan(500);
  });
});

describe('5xx causes become 4xx (finding 7)', () => {
  it('answers a login post that is not a form with a 4xx', async () => {
    const asJson = await fetch(url('/login'), { method: 'POST', headers: { ...own(), 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'a@b.c', password: 'x' }) });
    expect(asJson.status).toBe(415);
    const empty = await fetch(url('/login'), { method: 'POST', headers: own() });
    expect(empty.status).toBe(400);
    const broken = await fetch(url('/login'), { method: 'POST', headers: { ...own(), 'Content-Type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nunterminated' });
    expect(broken.status).toBe(400);
    for (const res of [asJson, empty, broken]) expectNoInternals(await res.text());
  });

  it('refuses a NUL byte in a search, a typeahead, an API query and a JSON field, naming it', async () => {
    const cookie = await cookieOf('tech@riverside.example');
    for (const path of ['/patients?q=re%00x', '/catalog?q=%00', '/refill-day/search-patients?q=a%00', '/refill-day/search-offers?q=a%00']) {
      const res = await fetch(url(path), { headers: { Cookie: cookie } });
      expect(res.status, path).toBe(400);
    }
    const api = await fetch(url('/api/v1/catalog?q=ab%00c'), { headers: { Authorization: `Bearer ${DEMO_API_KEYS.riverside}` } });
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ error: { code: 'bad_request', fields: { q: expect.stringMatching(/NUL/) } } });
    const line = await fetch(url('/api/v1/carts/current/lines'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEMO_API_KEYS.riverside}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ lines: [{ patientId: ALL_A, offerId: ALL_A, quantity: 1, sig: 'give 1 \u0000 daily', prescriberId: ALL_A }] }),
    });
    expect(line.status).toBe(400);
    expect(await line.json()).toMatchObject({ error: { fields: { 'lines.0.sig': expect.stringMatching(/NUL/) } } });
    const form = await fetch(url('/requests'), { method: 'POST', headers: { ...own(), Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `intent=note&id=${ALL_A}&note=a%00b` });
    expect(form.status).toBe(400);
  });

  it('refuses a version past int32 and a day not on the calendar, naming the field', async () => {
    const key = { Authorization: `Bearer ${DEMO_API_KEYS.riverside}`, 'Content-Type': 'application/json' };
    const checkout = await fetch(url('/api/v1/carts/current/checkout'), { method: 'POST', headers: key, body: JSON.stringify({ version: 2147483648, actingUserId: DEMO_IDS.user('manager@riverside.example') }) });
    expect(checkout.status).toBe(400);
    expect(await checkout.json()).toMatchObject({ error: { fields: { version: expect.any(String) } } });
    const needBy = await fetch(url('/api/v1/carts/current/lines'), {
      method: 'POST',
      headers: key,
      body: JSON.stringify({ lines: [{ patientId: ALL_A, offerId: ALL_A, quantity: 1, sig: 'give 1 daily', prescriberId: ALL_A, needBy: '2026-02-31' }] }),
    });
    expect(needBy.status).toBe(400);
    expect(await needBy.json()).toMatchObject({ error: { fields: { 'lines.0.needBy': expect.any(String) } } });
  });

  it('answers an all-"a" id with a 404 on every page that takes an id', async () => {
    const tech = await cookieOf('tech@riverside.example');
    const adminCookie = await cookieOf('admin@vialcart.example');
    const pages: [string, string][] = [
      [`/patients/${ALL_A}`, tech],
      [`/owners/${ALL_A}`, tech],
      [`/checkouts/${ALL_A}`, tech],
      [`/invoices/${ALL_A}`, tech],
      [`/orders/${ALL_A}`, tech],
      [`/orders/${ALL_A}/lines/${ALL_A}/chain`, tech],
      [`/prescriptions/${ALL_A}`, tech],
      [`/renewals/${ALL_A}`, tech],
      [`/admin/clinics/${ALL_A}`, adminCookie],
      [`/admin/money/${ALL_A}`, adminCookie],
      [`/admin/imports/${ALL_A}`, adminCookie],
    ];
    for (const [path, cookie] of pages) {
      const res = await fetch(url(path), { headers: { Cookie: cookie }, redirect: 'manual' });
      expect(res.status, path).toBe(404);
      const data = await fetch(url(`${path}?_data=root`), { headers: { Cookie: cookie }, redirect: 'manual' });
      expect(data.status, `${path} _data`).toBeLessThan(500);
    }
    const retry = await fetch(url(`/orders/${ALL_A}`), { method: 'POST', redirect: 'manual', headers: { ...own(), Cookie: tech, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'intent=retry' });
    expect(retry.status).toBe(404);
  });

  it("answers a pharmacist's action on another pharmacy's order with a 404", async () => {
    const other = await db.selectFrom('orders').innerJoin('pharmacies', 'pharmacies.id', 'orders.pharmacyId').select('orders.id').where('pharmacies.slug', '!=', 'pacific').executeTakeFirstOrThrow();
    const cookie = await cookieOf('pharmacist@pacific.example');
    const res = await fetch(url(`/pharmacy/orders/${other.id}`), { method: 'POST', redirect: 'manual', headers: { ...own(), Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'intent=accepted&eventId=e-probe-1' });
    expect(res.status).toBe(404);
    const page = await fetch(url(`/pharmacy/orders/${other.id}`), { headers: { Cookie: cookie } });
    expect(page.status).toBe(404);
  });
});

/** A raw HTTP request (chunked when `chunks` is given), over `agent` to test keep-alive. */
function rawPost(path: string, options: { headers?: Record<string, string>; body?: Buffer; chunks?: Buffer[]; agent?: http.Agent }): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  const target = new URL(url(path));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', headers: options.headers, agent: options.agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    });
    req.on('error', reject);
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

describe('body limits (finding 5)', () => {
  const twoMb = Buffer.alloc(2 * 1024 * 1024, 'a');

  it('answers an oversized body with a 413 in the JSON error shape, chunked or not, the Stripe webhook included', async () => {
    for (const path of ['/webhooks/stripe', '/webhooks/intake/riverside', '/api/v1/refill-requests']) {
      const res = await rawPost(path, { headers: { 'Content-Type': 'application/json', 'Content-Length': String(twoMb.length), Authorization: `Bearer ${DEMO_API_KEYS.riverside}` }, body: twoMb });
      expect(res.status, path).toBe(413);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'payload_too_large', message: expect.any(String), fields: { '(body)': expect.any(String) } } });
      const chunked = await rawPost(path, { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${DEMO_API_KEYS.riverside}` }, chunks: Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 'b')) });
      expect(chunked.status, `${path} chunked`).toBe(413);
    }
    const page = await rawPost('/login', { headers: { Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' }, chunks: Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 'c')) });
    expect(page.status).toBe(413);
  });

  it('gives a keep-alive client its 413 every time, and the connection serves the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 6; i++) {
        const res = await rawPost('/webhooks/intake/riverside', { agent, headers: { 'Content-Type': 'application/json', 'Content-Length': String(twoMb.length) }, body: twoMb });
        expect(res.status).toBe(413);
        const next = await rawPost('/webhooks/intake/riverside', { agent, headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{}') });
        expect(next.status).toBeLessThan(500);
        expect(next.status).not.toBe(413);
      }
    } finally {
      agent.destroy();
    }
  });
});

describe('production is the default mode (finding 8)', () => {
  let unset: AppServer;
  beforeAll(async () => {
    unset = await startAppServer(database.url, { NODE_ENV: undefined as unknown as string });
  });
  afterAll(async () => {
    await unset?.stop();
  });

  it('shows no stack for an unknown _data route with NODE_ENV unset', async () => {
    const res = await fetch(`${unset.url}/?_data=routes%2Fnope`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectNoInternals(await res.text());
  });
});

describe('headers and storage (finding 11)', () => {
  it("sends a CSP whose nonce the page's inline scripts carry, HSTS, Permissions-Policy and no framing", async () => {
    const res = await fetch(url('/login'));
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    const html = await res.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const [, attributes] of inline) expect(attributes).toContain(`nonce="${nonce}"`);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+; includeSubDomains/);
    expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\), microphone=\(\), geolocation=\(\)/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // A new nonce on every request.
    expect((await fetch(url('/login'))).headers.get('content-security-policy')).not.toContain(nonce);
  });

  it('names the session cookie __Host-vialcart in production: Secure, HttpOnly, path /, no domain', async () => {
    const setCookie = (await login('tech@riverside.example')).headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^__Host-vialcart=/);
    expect(setCookie).toMatch(/; Secure/i);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it('keeps signed-in pages and their data out of caches', async () => {
    const cookie = await cookieOf('tech@riverside.example');
    for (const path of ['/patients', '/patients?_data=routes%2F_clinic.patients._index', '/', '/requests']) {
      const res = await fetch(url(path), { headers: { Cookie: cookie }, redirect: 'manual' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('runs the pages in Chromium without a CSP violation (the harness fails on one)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await signInAs(page, server.url, 'tech@riverside.example');
      await page.waitForURL(`${server.url}/`);
      await page.getByRole('link', { name: 'Patients' }).first().click();
      await page.waitForURL(/\/patients/);
      await page.locator('html[data-hydrated="true"]').waitFor();
      expect(await page.evaluate(() => document.querySelectorAll('script[nonce]').length)).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });
});

describe('login rate limits key on the socket address, not X-Forwarded-For (findings 4 and 10)', () => {
  it('lets 30 correct sign-ins from one address through in a minute', async () => {
    const people = ['tech@riverside.example', 'vet@riverside.example', 'manager@riverside.example', 'frontdesk@riverside.example', 'manager@lakeside.example'];
    for (let i = 0; i < 30; i++) expect((await login(people[i % people.length]!)).status, `sign-in ${i + 1}`).toBe(302);
  });

  // Last in the file: it leaves this address backing off.
  it('slows down failures from one address whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await fetch(url('/login'), {
        method: 'POST',
        redirect: 'manual',
        headers: { ...own(), 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': `198.51.100.${i + 1}` },
        body: new URLSearchParams({ email: `nobody-${i}@example.com`, password: 'wrong-password' }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20)).toContain(429);
  });
});
