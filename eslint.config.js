import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const dbOrPharmacies = {
  group: ['**/db/*', '**/db', '**/pharmacies/*', '**/pharmacies/**'],
  // Types are erased at build time, so sharing the schema's types is safe.
  allowTypeImports: true,
  message:
    'db/ and pharmacies/ are reached only from app/**/*.server.ts: the classic compiler strips .server modules from the browser bundle, nothing else (STYLE.md).',
};

// components/ and schemas/ run in the browser as well as on the server: they take data from
// loaders and props and never reach the domain or the database themselves, not even for a type.
const servicesOrDb = {
  group: ['**/services/*', '**/services/**', '~/services/*', '~/services/**', '**/db/*', '**/db', '**/pharmacies/*', '**/pharmacies/**'],
  message: 'app/components and app/schemas never import app/services, db/ or pharmacies/: take the data from the loader or a prop (docs/architecture.md).',
};

export default tseslint.config(
  { ignores: ['build/**', 'public/build/**', '.cache/**', '.data*/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Kysely's dynamic-table helpers and test doubles need `any` in a few marked places.
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  // Product code logs through the one logger (app/services/platform/logger.server.ts); tests,
  // benchmarks and one-off generator scripts may print.
  {
    files: ['{app,db,pharmacies,validators}/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', 'validators/data/generate-*.ts'],
    rules: { 'no-console': 'error' },
  },
  // The environment is read in one place, app/env.server.ts (checked by zod at start). db/ makes
  // the connection (its DATABASE_URL fallback for tests and tools); tests, benchmarks and
  // generator scripts set up their own processes.
  {
    files: ['{app,pharmacies,validators}/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', 'app/env.server.ts', 'validators/data/generate-*.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through getEnv() (app/env.server.ts), where every variable is declared and checked.' }],
    },
  },
  // Import boundaries (docs/architecture.md: app/routes → app/http, app/schemas → app/services →
  // {db, validators, pharmacies}). test/unit/import-boundaries.test.ts lints a wrong import in
  // each guarded folder and fails when a rule stops reporting it.
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/**/*.server.ts', 'app/server/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [dbOrPharmacies] }] },
  },
  {
    files: ['app/routes/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'kysely', message: 'Routes never write SQL: call a service.' }],
          patterns: [dbOrPharmacies],
        },
      ],
    },
  },
  {
    files: ['app/components/**/*.{ts,tsx}', 'app/schemas/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [servicesOrDb] }] },
  },
  {
    files: ['db/**/*.ts'],
    ignores: ['db/migrations/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/app/*', '**/app', '~/*'], message: 'db/ never imports app/: the application uses the database, not the other way round.' }] }],
    },
  },
  {
    files: ['validators/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/db/*', '**/db', '**/app/*', '**/app', '**/pharmacies/*', '~/*', 'kysely', 'pg'], message: 'validators/ is pure: plain data in, findings out.' }] },
      ],
    },
  },
  {
    // The shared vocabulary is a leaf: every layer (the browser too) imports it, so it imports
    // nothing but its own files and the reference data beside it (docs/conventions.md).
    files: ['validators/vocabulary/**/*.ts'],
    ignores: ['validators/vocabulary/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./|\\.\\./data/)', message: 'validators/vocabulary is a leaf: plain values and pure functions only.' }] },
      ],
    },
  },
  {
    files: ['pharmacies/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/app/*', '**/app', '**/db/*', '**/db', '~/*', 'kysely', 'pg'], message: 'pharmacies/ never imports app/ or db/: an adapter takes plain data and answers plain data.' }] },
      ],
    },
  },
  {
    files: ['db/migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '../../*', '~/*'], message: 'Migrations are frozen in time: no application imports.' }] },
      ],
    },
  },
);
