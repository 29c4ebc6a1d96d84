import { describe, expect, it } from 'vitest';
import { searchTerm, searchWords } from './search.server';

describe('search words', () => {
  it('lower-cases, splits into at most four words and marks short ones for prefix search', () => {
    expect(searchWords('  Bella  GARCIA ')).toEqual([{ like: 'bella', prefix: false }, { like: 'garcia', prefix: false }]);
    expect(searchWords('Lu')).toEqual([{ like: 'lu', prefix: true }]);
    expect(searchWords('a b c d e')).toHaveLength(4);
    expect(searchWords('   ')).toBeNull();
  });

  it('reads a phone typed with punctuation as its digits', () => {
    expect(searchWords('(916) 555-01')).toEqual([{ like: '91655501', prefix: false }]);
    expect(searchWords('+1 9')).toEqual([{ like: '19', prefix: true }]);
  });

  it('escapes LIKE wildcards so they match themselves', () => {
    expect(searchWords('50%_off')).toEqual([{ like: '50\\%\\_off', prefix: false }]);
    expect(searchTerm('ana  garcia')).toEqual({ like: 'ana garcia' });
  });
});
