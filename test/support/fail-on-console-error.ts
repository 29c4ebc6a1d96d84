import { afterEach, beforeEach, vi } from 'vitest';

// STYLE.md: console.error in a test fails it. Tests that expect an error log must
// spy on console.error themselves (vi.spyOn(console, 'error').mockImplementation(...)).
let calls: unknown[][] = [];
beforeEach(() => {
  calls = [];
  const original = console.error;
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    calls.push(args);
    original(...args);
  });
});
afterEach(() => {
  const spy = console.error as unknown as { mockRestore?: () => void };
  spy.mockRestore?.();
  if (calls.length > 0) {
    const first = calls[0]!.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ');
    throw new Error(`console.error was called during the test: ${first}`);
  }
});
