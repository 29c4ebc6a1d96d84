import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// What went wrong in any page of any browser this file launched, since the last look. The e2e
// setup (test/support/fail-on-browser-error.ts) fails the test that was running when it happened.
const problems: string[] = [];

/** The browser problems seen since the last call (and forgets them). */
export function takeBrowserProblems(): string[] {
  return problems.splice(0);
}

const isAsset = (url: string) => new URL(url).pathname.startsWith('/build/');

/**
 * Watches every page of a context for: console errors, uncaught exceptions, and route modules or
 * other built assets (`/build/**`) that fail to load or answer 400+; plus any 5xx answer.
 */
function watchForProblems(context: BrowserContext): void {
  // A Content-Security-Policy violation fails the test like a console error (docs/security.md).
  void context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  context.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium echoes every 4xx/5xx answer as a console error; the answers are judged below
    // (/build/ failures and 5xx fail the test; a 4xx page or form answer is the app's design).
    if (message.text().startsWith('Failed to load resource:')) return;
    const at = message.location();
    problems.push(`console error on ${message.page()?.url() ?? '?'}: ${message.text()}${at.url ? ` (at ${at.url}:${at.lineNumber})` : ''}`);
  });
  context.on('weberror', (error) => {
    const e = error.error();
    problems.push(`uncaught error on ${error.page()?.url() ?? '?'}: ${e.stack ?? e.message}`);
  });
  context.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    // ERR_ABORTED is the browser cancelling the load itself (the page navigated or closed), not a failed load.
    if (isAsset(request.url()) && failure !== 'net::ERR_ABORTED') problems.push(`asset did not load: ${request.url()} (${failure})`);
  });
  context.on('response', (response) => {
    const status = response.status();
    if (isAsset(response.url()) && status >= 400) problems.push(`asset answered ${status}: ${response.url()}`);
    else if (status >= 500) problems.push(`server answered ${status}: ${response.request().method()} ${response.url()}`);
  });
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  browser.on('context', watchForProblems);
  return browser;
}

/** Saves a full-page screenshot for review under test-results/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve('test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the login form, as a person would. */
export async function signInAs(page: Page, baseUrl: string, email: string, password = 'vialcart-demo'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * Waits until React has taken over the page at its current location: the root sets
 * `<html data-hydrated="true">` after hydrating and after every navigation.
 */
export async function waitForHydration(page: Page, timeout = 10_000): Promise<boolean> {
  return page
    .waitForFunction(() => document.documentElement.dataset.hydrated === 'true', undefined, { timeout })
    .then(() => true)
    .catch(() => false);
}

/** Clears the hydration mark, so `waitForHydration` after an action waits for the next page. */
export async function clearHydration(page: Page): Promise<void> {
  await page.evaluate(() => {
    delete document.documentElement.dataset.hydrated;
  });
}
