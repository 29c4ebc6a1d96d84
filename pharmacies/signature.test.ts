import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature';

const secret = 'whsec_test_3f9a';
const body = '{"schema":"vialcart.order.v1","orderId":"ord_1"}';
const t = 1_760_000_000;

describe('signPayload', () => {
  it('signs "t.body" with HMAC-SHA256 in hex, as a pharmacy would recompute it', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signPayload(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(signPayload(secret, Buffer.from(body), t)).toBe(`t=${t},v1=${expected}`);
  });

  it('refuses a timestamp that is not whole seconds', () => {
    expect(() => signPayload(secret, body, 1.5)).toThrow(RangeError);
  });
});

describe('verifySignature', () => {
  const header = signPayload(secret, body, t);

  it('accepts its own signature within the window, on either side of now', () => {
    expect(verifySignature(secret, body, header, { nowSeconds: t })).toEqual({ ok: true });
    expect(verifySignature(secret, body, header, { nowSeconds: t + 300 })).toEqual({ ok: true });
    expect(verifySignature(secret, body, header, { nowSeconds: t - 300 })).toEqual({ ok: true });
  });

  it('refuses a replay outside the window', () => {
    expect(verifySignature(secret, body, header, { nowSeconds: t + 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(secret, body, header, { nowSeconds: t + 60, toleranceSeconds: 30 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(secret, body, header, { nowSeconds: t - 3600 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a tampered body, a moved timestamp and the wrong secret', () => {
    const tampered = body.replace('ord_1', 'ord_2');
    expect(verifySignature(secret, tampered, header, { nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
    const moved = header.replace(`t=${t}`, `t=${t + 10}`);
    expect(verifySignature(secret, body, moved, { nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature('another', body, header, { nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('says which header is missing or malformed', () => {
    const check = (h: string | null | undefined) => verifySignature(secret, body, h, { nowSeconds: t });
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check(null)).toEqual({ ok: false, reason: 'missing' });
    expect(check('  ')).toEqual({ ok: false, reason: 'missing' });
    const v1 = header.split(',')[1]!;
    for (const bad of ['garbage', v1, `t=${t}`, `t=abc,${v1}`, `t=${t},v1=zz`, `t=${t},v1=abcd`, `t=${t},t=${t},${v1}`]) {
      expect(check(bad), bad).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('accepts any one of several v1 signatures, for secret rotation', () => {
    const old = signPayload('old-secret', body, t).split(',')[1]!;
    expect(verifySignature(secret, body, `${header},${old}`, { nowSeconds: t })).toEqual({ ok: true });
    expect(verifySignature(secret, body, `t=${t},${old}`, { nowSeconds: t })).toEqual({ ok: false, reason: 'mismatch' });
  });
});
