import { afterAll } from 'vitest';
import { closeDb } from '../../db/client';
import { resetEnv } from '../../app/env.server';
import { createTestDatabase } from './postgres';

// Each integration test file gets its own database cloned from the demo template, so files
// run in parallel without seeing each other's rows.
const database = await createTestDatabase('demo');
process.env.DATABASE_URL = database.url;
process.env.DATA_DIR ??= '.data-test';
process.env.SESSION_SECRET ??= 'test-session-secret-0123456789';
resetEnv();

afterAll(async () => {
  await closeDb();
  await database.drop();
});
