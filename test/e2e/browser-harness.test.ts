import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, takeBrowserProblems } from '../support/browser';
import { startLocalHttpServer, type LocalHttpServer } from '../support/local-http-server';

// The checks every browser test gets (test/support/fail-on-browser-error.ts), tried on a page
// made to go wrong in each way.
let server: LocalHttpServer;
let browser: Browser;
beforeAll(async () => {
  server = await startLocalHttpServer((request, res) => {
    const html = (body: string) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>t</title>${body}`);
    };
    if (request.url === '/console') return html(`<script>console.error('the widget broke')</script>`);
    if (request.url === '/throws') return html(`<script>const QUEUE_ORDER = undefined; [...QUEUE_ORDER]</script>`);
    if (request.url === '/missing-module') return html(`<script type="module" src="/build/routes/gone-1234.js"></script>`);
    if (request.url === '/form-error') {
      res.writeHead(400, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>bad</title><p role="alert">Quantity is required</p>');
      return;
    }
    if (request.url === '/dropped-module') return html(`<script type="module" src="/build/entry.client-drop.js"></script>`);
    if (request.url === '/build/entry.client-drop.js') return void res.socket?.destroy();
    if (request.url === '/crash') {
      res.writeHead(500, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>oops</title>');
      return;
    }
    if (request.url === '/fine') return html(`<script>console.log('all good')</script><p>fine</p>`);
    res.writeHead(404);
    res.end();
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function visit(path: string): Promise<string[]> {
  const page = await browser.newPage();
  await page.goto(`${server.url}${path}`);
  await page.waitForLoadState('networkidle');
  await page.close();
  return takeBrowserProblems();
}

describe('the browser test harness', () => {
  it('reports a console error with its page', async () => {
    expect(await visit('/console')).toEqual([expect.stringMatching(/^console error on http:\/\/127\.0\.0\.1:\d+\/console: the widget broke/)]);
  });

  it('reports an uncaught exception with its message', async () => {
    expect(await visit('/throws')).toEqual([expect.stringMatching(/^uncaught error on .*\/throws: TypeError: .*QUEUE_ORDER/)]);
  });

  it('reports a route module under /build/ that does not load', async () => {
    expect(await visit('/missing-module')).toEqual([expect.stringMatching(/^asset answered 404: http:\/\/127\.0\.0\.1:\d+\/build\/routes\/gone-1234\.js$/)]);
  });

  it('reports an asset whose connection fails, and any 5xx answer', async () => {
    expect(await visit('/dropped-module')).toEqual([expect.stringMatching(/^asset did not load: .*\/build\/entry\.client-drop\.js \(net::ERR_/)]);
    expect(await visit('/crash')).toEqual([expect.stringMatching(/^server answered 500: GET .*\/crash$/)]);
  });

  it('lets a page that logs nothing wrong, or a designed 4xx answer, pass', async () => {
    expect(await visit('/fine')).toEqual([]);
    expect(await visit('/form-error')).toEqual([]);
  });
});
