import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

describe('safeRedirect', () => {
  it('keeps paths on this site', () => {
    expect(safeRedirect('/patients?q=rex#top')).toBe('/patients?q=rex#top');
    expect(safeRedirect('/requests/3f2b', '/x')).toBe('/requests/3f2b');
  });

  it.each([
    '/\\evil.example/login',
    '/\\/evil.example',
    '/\t/evil.example',
    '/%09/evil.example',
    '/%0a/evil.example',
    '/%0D%0A/evil.example',
    '//evil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    '/%255Cevil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    ' /evil',
    'evil.example',
    '/%E0%A4%A',
    '',
  ])('refuses %j, falling back', (to) => {
    expect(safeRedirect(to)).toBe('/');
    expect(safeRedirect(to, '/pharmacy')).toBe('/pharmacy');
  });

  it('refuses what is not a string', () => {
    expect(safeRedirect(undefined)).toBe('/');
    expect(safeRedirect(null, '/admin')).toBe('/admin');
  });
});
