import { describe, expect, it } from 'vitest';
import { redactSecrets, scrubSecrets } from './secrets';

describe('secrets in text', () => {
  it('masks Stripe keys, webhook secrets and whatever follows "API key provided"', () => {
    expect(redactSecrets('Invalid API Key provided: sk_test_vialcart_local')).toBe('Invalid API Key provided: [redacted]');
    expect(redactSecrets('key sk_live_51AbC and rk_test_x9 and whsec_abc123 done')).toBe('key [redacted] and [redacted] and [redacted] done');
    expect(redactSecrets("The provided key 'sk_test_abc' does not have the required permissions")).toBe("The provided key '[redacted]' does not have the required permissions");
    expect(redactSecrets('Invalid API Key provided: ****1234')).toBe('Invalid API Key provided: [redacted]');
  });

  it('leaves ordinary text and Stripe object ids alone', () => {
    expect(redactSecrets('refund re_123 of pi_456 for transfer tr_789')).toBe('refund re_123 of pi_456 for transfer tr_789');
  });

  it('scrubs nested log fields, leaving other values as they are', () => {
    const scrubbed = scrubSecrets({ err: { message: 'bad key sk_test_1', raw: { headers: ['x', 'whsec_2'] } }, n: 3, ok: true });
    expect(scrubbed).toEqual({ err: { message: 'bad key [redacted]', raw: { headers: ['x', '[redacted]'] } }, n: 3, ok: true });
  });
});
