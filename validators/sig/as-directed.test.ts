import { describe, expect, it } from 'vitest';
import { asDirected } from './as-directed';

describe('asDirected', () => {
  it('flags a bare "as directed" and a "… then as directed" tail', () => {
    expect(asDirected('as directed')).toBe('bare');
    expect(asDirected('Use as directed.')).toBe('bare');
    expect(asDirected('Give as directed by your veterinarian')).toBe('bare');
    expect(asDirected('Give 1 tablet by mouth twice daily for 7 days then as directed')).toBe('then');
    expect(asDirected('Give 1 tab PO BID x7d, then as directed')).toBe('then');
    expect(asDirected('1 tab q24h x 5 days, thereafter as directed by the vet')).toBe('then');
  });

  it('leaves spelled-out directions alone', () => {
    expect(asDirected('Give 1 tablet by mouth twice daily')).toBeNull();
    expect(asDirected('Give 1 tablet by mouth twice daily as directed')).toBeNull();
    expect(asDirected('Apply as directed to the ear twice daily')).toBeNull();
    expect(asDirected('')).toBeNull();
  });
});
