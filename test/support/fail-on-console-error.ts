import { afterEach, beforeEach, vi } from 'vitest';
import { installTestLogger, resetTestLogs, unexpectedErrorLogs } from './logs';

// console.error in a test fails it, and so does an error line of the application's logger.
// A test that expects an error spies on console.error itself
// (vi.spyOn(console, 'error').mockImplementation(...)) or reads `capturedLogs()`.
installTestLogger();
let calls: unknown[][] = [];
beforeEach(() => {
  calls = [];
  resetTestLogs();
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
  const errors = unexpectedErrorLogs();
  if (errors.length > 0) {
    const first = errors[0]!;
    const err = first.err as { stack?: string } | undefined;
    throw new Error(`an error was logged during the test: ${first.msg ?? ''}${err?.stack ? `\n${err.stack}` : ''}`);
  }
});
