import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import { now } from './clock.server';
import { DomainError } from './errors';

/** The first result of a create, replayed for the same key and body (`replayed` says which). */
export type Idempotent<T> = { value: T; replayed: boolean };

/** An `Idempotency-Key` header value: 1–200 printable characters without spaces. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a create once per (scope, key) (API.md: "the same key and body replayed returns the
 * first answer"). The work and the stored answer commit in one transaction, so a crash leaves
 * neither; two concurrent first calls race on the primary key and the loser returns the
 * winner's answer. The same key with a different body is a 409: the sender reused a key. The
 * value is stored as JSON, so `T` is plain data (what the route sends); the HTTP status of a
 * first answer or a replay is the route's to choose.
 */
export async function idempotent<T>(scope: string, key: string, body: unknown, work: (tx: Transaction<Database>) => Promise<T>): Promise<Idempotent<T>> {
  const db = getDb();
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new DomainError('bad_request', 'The Idempotency-Key header is 1–200 printable characters without spaces.', { 'Idempotency-Key': 'not valid' });
  }
  const requestHash = createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
  const stored = async () => {
    const row = await db.selectFrom('idempotencyKeys').select(['requestHash', 'response']).where('principal', '=', scope).where('key', '=', key).executeTakeFirst();
    if (!row) return null;
    if (row.requestHash !== requestHash) {
      throw new DomainError('conflict', 'This Idempotency-Key was already used with a different body.', { 'Idempotency-Key': 'reused with another body' });
    }
    return { value: row.response as T, replayed: true };
  };
  const first = await stored();
  if (first) return first;
  const LOST_RACE = Symbol('lost race');
  try {
    return await db
      .transaction()
      .execute(async (tx) => {
        const value = await work(tx);
        const inserted = await tx
          .insertInto('idempotencyKeys')
          .values({ principal: scope, key, requestHash, response: json(value), createdAt: now() })
          .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
          .returning('key')
          .executeTakeFirst();
        if (!inserted) throw LOST_RACE; // roll our work back; the other call's answer stands
        return { value, replayed: false };
      });
  } catch (error) {
    if (error !== LOST_RACE) throw error;
    const winner = await stored();
    if (!winner) throw new DomainError('conflict', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    return winner;
  }
}

/**
 * A create with an optional `Idempotency-Key`: with a key, {@link idempotent}; without one,
 * the work in its own transaction, as a first answer.
 */
export async function createOnce<T>(scope: string, key: string | null | undefined, body: unknown, work: (tx: Transaction<Database>) => Promise<T>): Promise<Idempotent<T>> {
  if (!key) return { value: await getDb().transaction().execute(work), replayed: false };
  return idempotent(scope, key, body, work);
}
