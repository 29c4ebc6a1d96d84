import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Files of app/, db/, pharmacies/ and validators/ whose text matches `pattern`, relative to the repository. */
function filesMatching(pattern: RegExp): string[] {
  return ['app', 'db', 'pharmacies', 'validators']
    .flatMap((dir) => sources(join(root, dir)))
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file))
    .sort();
}

describe('the payments boundary', () => {
  it('only the payments room talks to Stripe: the SDK is imported and its client used in two files', () => {
    expect(filesMatching(/from ['"]stripe['"]/)).toEqual(['app/services/payments/stripe-client.server.ts', 'app/services/payments/stripe.server.ts']);
    expect(filesMatching(/\bgetStripe\(/)).toEqual(['app/services/payments/stripe-client.server.ts', 'app/services/payments/stripe.server.ts']);
  });
});
