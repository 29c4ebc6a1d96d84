import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, setDb } from '../../db/client';
import { DEMO_API_KEYS } from '../../db/seed';
import { loader as orderLoader } from '../../app/routes/api.v1.orders.$id';
import { loader as patientLoader } from '../../app/routes/api.v1.patients.$id';
import { loader as requestLoader } from '../../app/routes/api.v1.refill-requests.$id';
import { loader as pharmacyOrderLoader } from '../../app/routes/api.pharmacy.v1.orders.$id';
import { call, request } from '../support/requests';

// Ids that look like ids to a loose pattern but are none: all-hex without a UUID's version and
// variant, 36 dashes (PostgreSQL would refuse it with an error), and text.
const NOT_IDS = ['aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', '-'.repeat(36), "1' or '1'='1"];

const ENDPOINTS = [
  { name: 'clinic order', loader: orderLoader, path: '/api/v1/orders/', key: DEMO_API_KEYS.riverside },
  { name: 'patient', loader: patientLoader, path: '/api/v1/patients/', key: DEMO_API_KEYS.riverside },
  { name: 'refill request', loader: requestLoader, path: '/api/v1/refill-requests/', key: DEMO_API_KEYS.riverside },
  { name: 'pharmacy order', loader: pharmacyOrderLoader, path: '/api/pharmacy/v1/orders/', key: DEMO_API_KEYS.pharmacy('pacific') },
];

describe('record ids from outside', () => {
  let counting: ReturnType<typeof createDb>;
  const parameters: unknown[] = [];
  beforeAll(() => {
    counting = createDb(process.env.DATABASE_URL!, {
      log: (event: LogEvent) => {
        parameters.push(...event.query.parameters);
      },
    });
    setDb(counting);
  });
  afterAll(async () => {
    setDb(undefined);
    await counting.destroy();
  });

  it.each(ENDPOINTS)('$name: a value that is no UUID is a 404 naming the record, and never reaches PostgreSQL', async ({ loader, path, key }) => {
    for (const id of NOT_IDS) {
      parameters.length = 0;
      const res = await call(loader as never, request(path + encodeURIComponent(id), { apiKey: key }), { id });
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect(parameters, `${id} was sent to PostgreSQL`).not.toContain(id);
      // The key was looked up, so the database was in use: the id was held back, not lost.
      expect(parameters.length).toBeGreaterThan(0);
    }
  });
});
