import { redirect } from '@remix-run/node';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError, notFound } from '~/services/platform/errors';
import { formAction, ifNotFound, orNotFoundPage, readForm } from './forms.server';

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
};

const schema = z.discriminatedUnion('intent', [z.object({ intent: z.literal('save'), name: z.string().min(1, 'Enter a name.') }), z.object({ intent: z.literal('reset') })], {
  error: 'Unknown action.',
});

describe('formAction', () => {
  it('sends the work’s data as JSON, and a redirect as it is', async () => {
    const ok = await formAction(async () => ({ saved: true }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ saved: true });
    const moved = await formAction(async () => redirect('/done'));
    expect(moved.status).toBe(302);
    expect(moved.headers.get('location')).toBe('/done');
  });

  it('answers a field the schema refuses with 400 naming it, and what was typed', async () => {
    const res = await formAction(async () => readForm(form({ intent: 'save', name: '' }), schema));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ fieldErrors: { name: 'Enter a name.' }, values: { intent: 'save', name: '' } });
  });

  it('answers an unknown intent with 400 on intent, never a 500', async () => {
    const res = await formAction(async () => readForm(form({ intent: 'launch' }), schema), { extra: { intent: 'launch' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ intent: 'launch', fieldErrors: { intent: 'Unknown action.' } });
  });

  it('maps every domain error code to its status with the message on the form', async () => {
    const cases: [DomainError, number][] = [
      [new DomainError('bad_request', 'Check the SIG.', { sig: 'Enter the directions.' }), 400],
      [new DomainError('unauthorized', 'Email and password do not match.'), 400],
      [new DomainError('forbidden', 'Only a manager can change this.'), 403],
      [notFound('Order'), 404],
      [new DomainError('conflict', 'The line changed.'), 409],
      [new DomainError('unprocessable', 'Fix the blocking findings first.'), 422],
      [new DomainError('rate_limited', 'Too many tries.', undefined, { retryAfterSeconds: 90 }), 429],
    ];
    for (const [error, status] of cases) {
      const res = await formAction(async () => {
        throw error;
      });
      expect(res.status, error.code).toBe(status);
      expect(await res.json()).toEqual({ formError: error.message, ...(error.fields ? { fieldErrors: error.fields } : {}) });
      expect(res.headers.get('Retry-After')).toBe(error.code === 'rate_limited' ? '90' : null);
    }
  });

  it('puts a batch service’s line fields on the single form’s fields, adds the page’s keys and the typed values', async () => {
    const typed = form({ sig: 'x', quantity: '0' });
    const res = await formAction(
      async () => {
        throw new DomainError('bad_request', 'Check line 1.', { 'lines.0.quantity': 'At least 1.' });
      },
      { singleLine: true, values: typed, extra: (errors, error) => ({ ok: false, message: errors.formError, code: error?.code }) },
    );
    expect(await res.json()).toEqual({ formError: 'Check line 1.', fieldErrors: { quantity: 'At least 1.' }, values: { sig: 'x', quantity: '0' }, ok: false, message: 'Check line 1.', code: 'bad_request' });
  });

  it('lets an error that is not the user’s to fix through', async () => {
    await expect(
      formAction(async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
  });
});

describe('loaders’ not found', () => {
  it('turns a service’s not-found into the 404 page and lets other errors through', async () => {
    const thrown = await Promise.reject(notFound('Order')).catch(orNotFoundPage('Order not found')).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
    expect(await (thrown as Response).text()).toBe('Order not found');
    await expect(Promise.reject(new DomainError('conflict', 'no')).catch(orNotFoundPage('x'))).rejects.toBeInstanceOf(DomainError);
    expect(await Promise.reject(notFound('Line')).catch(ifNotFound(null))).toBeNull();
  });
});
