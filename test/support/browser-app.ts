import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createDb, type DB } from '../../db/client';
import { startAppServer, type AppServer } from './app-server';
import { launchBrowser } from './browser';
import { createTestDatabase, type TEMPLATES } from './postgres';

/** What a browser test works with: the running app, Chromium, and the app's database. */
export type BrowserApp = { server: AppServer; browser: Browser; db: DB; databaseUrl: string };

/**
 * The setup every browser test shares: a database cloned from the demo template (or the
 * migrated-only `empty` one), `prepare` to add the test's own rows, the real server on it, and
 * Chromium; all torn down after. `env` may be a function, read when the server starts (after
 * the file's earlier `beforeAll` hooks, e.g. one starting a local SMTP server). Read the fields
 * inside tests (they are filled in `beforeAll`).
 */
export function setUpBrowserApp(
  options: {
    template?: keyof typeof TEMPLATES;
    env?: Record<string, string> | (() => Record<string, string>);
    prepare?: (db: DB, databaseUrl: string) => Promise<void>;
  } = {},
): BrowserApp {
  const app = {} as BrowserApp;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(options.template ?? 'demo');
    app.databaseUrl = database.url;
    app.db = createDb(database.url);
    await options.prepare?.(app.db, database.url);
    app.server = await startAppServer(database.url, typeof options.env === 'function' ? options.env() : options.env);
    app.browser = await launchBrowser();
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
    await app.db?.destroy();
    await database?.drop();
  });
  return app;
}
