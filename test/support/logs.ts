import { configureLogger, type LogLevel } from '../../app/services/platform/logger.server';

/** One line the application logged, as pino wrote it. */
export type LogRecord = { level: string; msg?: string; [field: string]: unknown };

const lines: LogRecord[] = [];
let claimed = false;
// LOG_LEVEL set by whoever runs the tests: show the lines too (`LOG_LEVEL=debug npx vitest ...`).
const echo = Boolean(process.env.LOG_LEVEL);

/**
 * Points the application's logger at the test run: lines at warn and above (or LOG_LEVEL) are
 * kept for the test to look at and not printed unless LOG_LEVEL is set, so tests run quietly.
 */
export function installTestLogger(): void {
  configureLogger({
    level: (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'warn',
    destination: {
      write(line: string) {
        lines.push(JSON.parse(line) as LogRecord);
        if (echo) process.stdout.write(line);
      },
    },
  });
}

/** Starts a test's record of log lines (the setup file calls it before each test). */
export function resetTestLogs(): void {
  lines.length = 0;
  claimed = false;
}

/**
 * The lines logged so far in this test, for assertions. Calling it tells the setup that the test
 * looks at the logs itself, so an error line it expects does not fail it.
 */
export function capturedLogs(): LogRecord[] {
  claimed = true;
  return lines;
}

/** Error and fatal lines the test did not claim (the setup fails the test on them). */
export function unexpectedErrorLogs(): LogRecord[] {
  return claimed ? [] : lines.filter((l) => l.level === 'error' || l.level === 'fatal');
}
