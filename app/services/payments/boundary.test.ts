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
  it('only the payments room talks to Stripe: the SDK is imported in two files and its client used in three', () => {
    expect(filesMatching(/from ['"]stripe['"]/)).toEqual(['app/services/payments/stripe-client.server.ts', 'app/services/payments/stripe.server.ts']);
    expect(filesMatching(/\bgetStripe\(/)).toEqual([
      'app/services/payments/stripe-client.server.ts',
      'app/services/payments/stripe-money.server.ts',
      'app/services/payments/stripe.server.ts',
    ]);
  });

  it('only the ledger triggers write ledger entries: no code inserts into them', () => {
    expect(filesMatching(/insertInto\(['"]ledgerEntries['"]\)|insert into ledger_entries/i)).toEqual(['db/migrations/2026_12_03_1400_create_money_ledger.ts']);
  });
});
