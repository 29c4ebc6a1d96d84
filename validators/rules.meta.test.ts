/**
 * Keeps the rule set honest: every rule file is registered, tested and documented, and the
 * registry holds exactly the rule ids the API contract names.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from './index';

const rulesDir = fileURLToPath(new URL('./rules/', import.meta.url));
const docsPath = fileURLToPath(new URL('../docs/validation.md', import.meta.url));
const apiPath = fileURLToPath(new URL('../../shared/API.md', import.meta.url));

/** API.md's list as of issue 5, for checkouts without ../shared. */
const API_RULE_IDS_FALLBACK = [
  'sig.complete', 'sig.duration', 'sig.days_supply', 'prescriber.license_state', 'prescriber.dea',
  'controlled.needs_vet', 'pharmacy.ship_state', 'pharmacy.stock', 'patient.active', 'prescription.valid',
  'patient.wellness', 'species.safety', 'line.duplicate', 'offer.price_changed',
];

function apiRuleIds(): string[] {
  if (!existsSync(apiPath)) return API_RULE_IDS_FALLBACK;
  const api = readFileSync(apiPath, 'utf8');
  const section = /Finding rule ids:([\s\S]*?)Severities/.exec(api)?.[1];
  if (section === undefined) throw new Error(`${apiPath} no longer has a "Finding rule ids:" paragraph`);
  return [...section.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!);
}

const files = readdirSync(rulesDir);
const ruleFiles = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const ruleIdsOnDisk = ruleFiles.map((f) => f.slice(0, -'.ts'.length));
const registered: string[] = Object.keys(RULES);
const docs = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '';

describe('rule set', () => {
  it('has one file per rule, named by its id', () => {
    expect(ruleIdsOnDisk.length).toBeGreaterThan(0);
    expect([...ruleIdsOnDisk].sort()).toEqual([...registered].sort());
  });

  it.each(ruleIdsOnDisk)('%s: its check is the one registered', async (id) => {
    const module = (await import(`./rules/${id}.ts`)) as Record<string, unknown>;
    const registeredCheck = RULES[id as keyof typeof RULES]?.check;
    expect(registeredCheck, `${id} is not in RULES`).toBeTypeOf('function');
    expect(Object.values(module)).toContain(registeredCheck);
  });

  it.each(ruleIdsOnDisk)('%s: has a test file', (id) => {
    expect(files).toContain(`${id}.test.ts`);
  });

  it('has no test file without a rule', () => {
    const orphans = files.filter((f) => f.endsWith('.test.ts') && !ruleIdsOnDisk.includes(f.slice(0, -'.test.ts'.length)));
    expect(orphans).toEqual([]);
  });

  it.each(ruleIdsOnDisk)('%s: is documented in docs/validation.md', (id) => {
    expect(docs).toContain(`\`${id}\``);
  });

  it("registers exactly API.md's rule ids", () => {
    expect([...registered].sort()).toEqual([...apiRuleIds()].sort());
  });
});
