/**
 * Keeps the rule sets honest: every rule file is registered, tested and documented, and the
 * cart registry holds exactly the rule ids the API contract names. The refill-request checks
 * (validators/requests) are held to the same conventions.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from './index';
import { REQUEST_CHECK_IDS, REQUEST_RULES } from './requests';

const docsPath = fileURLToPath(new URL('../docs/validation.md', import.meta.url));
const apiPath = fileURLToPath(new URL('../docs/api.md', import.meta.url));

/** The rule ids the HTTP contract (docs/api.md, "Finding rule ids:") names. */
function apiRuleIds(): string[] {
  const api = readFileSync(apiPath, 'utf8');
  const section = /Finding rule ids\**:([\s\S]*?)Severities/.exec(api)?.[1];
  if (section === undefined) throw new Error(`${apiPath} no longer has a "Finding rule ids:" paragraph`);
  return [...section.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]!);
}

const docs = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '';

/**
 * The conventions every registry keeps: one file per rule in `folder`, named by its id and
 * exporting the registered check, one test file per rule and none without, and the id in
 * `documentation`.
 */
function checkRuleFiles(
  folder: string,
  load: (id: string) => Promise<Record<string, unknown>>,
  registry: Readonly<Record<string, { check: unknown }>>,
  documentation: string,
  registryName: string,
) {
  const files = readdirSync(fileURLToPath(new URL(`./${folder}/`, import.meta.url)));
  const ruleIdsOnDisk = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -'.ts'.length));
  const registered: string[] = Object.keys(registry);

  it('has one file per rule, named by its id', () => {
    expect(ruleIdsOnDisk.length).toBeGreaterThan(0);
    expect([...ruleIdsOnDisk].sort()).toEqual([...registered].sort());
  });

  it.each(ruleIdsOnDisk)('%s: its check is the one registered', async (id) => {
    const module = await load(id);
    const registeredCheck = registry[id]?.check;
    expect(registeredCheck, `${id} is not in ${registryName}`).toBeTypeOf('function');
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
    expect(documentation).toContain(`\`${id}\``);
  });
}

describe('rule set', () => {
  checkRuleFiles('rules', (id) => import(`./rules/${id}.ts`), RULES, docs, 'RULES');

  it('registers exactly the rule ids docs/api.md names', () => {
    expect(Object.keys(RULES).sort()).toEqual([...apiRuleIds()].sort());
  });
});

describe('refill-request checks', () => {
  // The section of docs/validation.md about request checks (the cart rules share some ids).
  checkRuleFiles('requests/rules', (id) => import(`./requests/rules/${id}.ts`), REQUEST_RULES, docs.slice(docs.indexOf('## Refill-request checks')), 'REQUEST_RULES');

  it('registers the checks in the order they are stored on a request', () => {
    expect(Object.keys(REQUEST_RULES)).toEqual([...REQUEST_CHECK_IDS]);
  });
});
