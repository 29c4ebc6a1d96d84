import { afterAll, afterEach } from 'vitest';
import { takeBrowserProblems } from './browser';

// Every browser test fails on a console error, an uncaught page error, or a built asset (a route
// module, the entry, a stylesheet under /build/) that does not load; see `watchForProblems`.
function check(when: string): void {
  const problems = takeBrowserProblems();
  if (problems.length > 0) throw new Error(`the browser reported ${problems.length} problem(s) ${when}:\n- ${problems.join('\n- ')}`);
}
afterEach(() => check('during the test'));
afterAll(() => check('after the last test of the file'));
