import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, REQUEST_QUEUES } from '../../validators/vocabulary';
import { checkoutStatusLook, orderStatusLook, requestQueueLook, severityLook } from './status';

describe('status looks', () => {
  it('gives every order status and queue a label and a tone', () => {
    for (const status of ORDER_STATUSES) expect(orderStatusLook(status).label).not.toBe('');
    for (const queue of REQUEST_QUEUES) expect(requestQueueLook(queue).label).not.toBe('');
  });

  it('marks the states that need someone in danger and the good ends in success', () => {
    expect(orderStatusLook('rejected')).toEqual({ label: 'Rejected', tone: 'danger' });
    expect(orderStatusLook('delivery_failed').tone).toBe('danger');
    expect(orderStatusLook('delivered')).toEqual({ label: 'Delivered', tone: 'success' });
    expect(requestQueueLook('tech_urgent').tone).toBe('warning');
    expect(requestQueueLook('exception_exam').label).toBe('Exception: exam due');
    expect(severityLook('error').tone).toBe('danger');
  });

  it('shows an unknown code plainly instead of failing', () => {
    expect(orderStatusLook('on_hold')).toEqual({ label: 'On hold', tone: 'neutral' });
    expect(requestQueueLook('constructor')).toEqual({ label: 'Constructor', tone: 'neutral' });
  });
});

describe('checkout statuses', () => {
  it('reads a paid checkout as paid and an unknown one plainly', () => {
    expect(checkoutStatusLook('split')).toEqual({ label: 'Paid', tone: 'success' });
    expect(checkoutStatusLook('awaiting_payment').tone).toBe('warning');
    expect(checkoutStatusLook('on_hold')).toEqual({ label: 'On hold', tone: 'neutral' });
  });
});
