import { describe, expect, it } from 'vitest';
import { greetingName } from '../../app/lib/format';

describe('dashboard greeting', () => {
  it('greets a veterinarian by title and surname, everyone else by first name', () => {
    expect(greetingName('Dr. Maria Alvarez')).toBe('Dr. Alvarez');
    expect(greetingName('Tina Morales')).toBe('Tina');
    expect(greetingName('Cher')).toBe('Cher');
  });
});
