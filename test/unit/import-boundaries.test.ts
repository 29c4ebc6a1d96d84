/**
 * The import arrows of docs/architecture.md, as ESLint enforces them (eslint.config.js): for
 * each guarded folder, a snippet with a wrong import is linted as if it were a file there, and
 * the test expects the boundary rule to report it — so a rule that is dropped, renamed or
 * loosened until it no longer bites fails here. A right import in the same folder is linted
 * too, so a rule that grows to refuse everything fails as well.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARY_RULES = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'no-restricted-properties'];

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The boundary rules that report on `code` linted as the file `filePath` (relative to the root). */
async function boundaryReports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  expect(result, filePath).toBeDefined();
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `${filePath} parses`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId && BOUNDARY_RULES.includes(m.ruleId)).map((m) => m.ruleId!);
}

type Case = { folder: string; file: string; wrong: Record<string, string>; right: string };

const CASES: Case[] = [
  {
    folder: 'app/components',
    file: 'app/components/boundary-fixture.tsx',
    wrong: {
      'a service (alias)': "import { getOpenCart } from '~/services/cart/index.server';\nexport const x = getOpenCart;\n",
      'a service (relative)': "import { getOpenCart } from '../services/cart/index.server';\nexport const x = getOpenCart;\n",
      "a service's type": "import type { Principal } from '~/services/identity/principal';\nexport type X = Principal;\n",
      'the database client': "import { getDb } from '../../db/client';\nexport const x = getDb;\n",
      "the database's types": "import type { Database } from '../../db/schema';\nexport type X = Database;\n",
    },
    right: "import { formatDate } from '~/lib/format';\nimport { QUEUE_ORDER } from '../../validators/vocabulary';\nexport const x = [formatDate, QUEUE_ORDER];\n",
  },
  {
    folder: 'app/schemas',
    file: 'app/schemas/boundary-fixture.ts',
    wrong: {
      'a service': "import { DomainError } from '~/services/platform/errors';\nexport const x = DomainError;\n",
      'the database': "import { getDb } from '../../db/client';\nexport const x = getDb;\n",
    },
    right: "import { z } from 'zod';\nimport { isUuid } from '../../validators/vocabulary';\nexport const x = z.string().refine(isUuid);\n",
  },
  {
    folder: 'app/routes',
    file: 'app/routes/boundary-fixture.ts',
    wrong: {
      'SQL (kysely)': "import { sql } from 'kysely';\nexport const x = sql;\n",
      'the database client': "import { getDb } from '../../db/client';\nexport const x = getDb;\n",
    },
    right: "import { getOpenCart } from '~/services/cart/index.server';\nexport const x = getOpenCart;\n",
  },
  {
    folder: 'validators',
    file: 'validators/boundary-fixture.ts',
    wrong: {
      'app/': "import { getOpenCart } from '../app/services/cart/index.server';\nexport const x = getOpenCart;\n",
      'db/': "import { getDb } from '../db/client';\nexport const x = getDb;\n",
      'SQL (kysely)': "import { sql } from 'kysely';\nexport const x = sql;\n",
      'pharmacies/': "import { x as y } from '../pharmacies/types';\nexport const x = y;\n",
    },
    right: "import { isUuid } from './vocabulary';\nexport const x = isUuid;\n",
  },
  {
    folder: 'validators/vocabulary',
    file: 'validators/vocabulary/boundary-fixture.ts',
    wrong: { 'a rule beside it': "import { x as y } from '../rules/index';\nexport const x = y;\n" },
    right: "import { isUuid } from './ids';\nexport const x = isUuid;\n",
  },
  {
    folder: 'pharmacies',
    file: 'pharmacies/boundary-fixture.ts',
    wrong: {
      'app/services': "import { getOpenCart } from '../app/services/cart/index.server';\nexport const x = getOpenCart;\n",
      'db/': "import { getDb } from '../db/client';\nexport const x = getDb;\n",
    },
    right: "import { US_STATE_CODES } from '../validators/vocabulary';\nexport const x = US_STATE_CODES;\n",
  },
  {
    folder: 'db',
    file: 'db/boundary-fixture.ts',
    wrong: {
      'app/ (relative)': "import { getOpenCart } from '../app/services/cart/index.server';\nexport const x = getOpenCart;\n",
      'app/ (alias)': "import { getEnv } from '~/env.server';\nexport const x = getEnv;\n",
    },
    right: "import { isUuid } from '../validators/vocabulary';\nexport const x = isUuid;\n",
  },
  {
    folder: 'db/migrations',
    file: 'db/migrations/boundary-fixture.ts',
    wrong: { 'the schema it predates': "import type { Database } from '../schema';\nexport type X = Database;\n" },
    right: "import { sql } from 'kysely';\nexport const x = sql;\n",
  },
  {
    folder: 'app/services (environment)',
    file: 'app/services/platform/boundary-fixture.server.ts',
    wrong: { 'process.env outside the env module': 'export const x = process.env.DATABASE_URL;\n' },
    right: "import { getEnv } from '../../env.server';\nexport const x = getEnv;\n",
  },
];

describe('import boundaries (eslint.config.js, docs/architecture.md)', () => {
  for (const c of CASES) {
    for (const [what, code] of Object.entries(c.wrong)) {
      it(`${c.folder} may not import ${what}`, async () => {
        expect(await boundaryReports(c.file, code)).not.toEqual([]);
      });
    }
    it(`${c.folder}: a permitted import passes`, async () => {
      expect(await boundaryReports(c.file, c.right)).toEqual([]);
    });
  }
});
