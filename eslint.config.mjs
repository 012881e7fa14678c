// Lint: typescript-eslint's recommended rules plus the layering rule of DESIGN.md §3, expressed as
// per-folder `no-restricted-imports` so a violation fails `npm run lint` (and CI).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Exact names go under `paths` (a pattern like 'domain' would also match '../common/domain').
const nodeBuiltinPaths = builtinModules.map((name) => ({ name, message: 'DESIGN.md §3: no Node built-ins here.' }));
const nodeOnlyLibs = [
  'better-sqlite3',
  'better-sqlite3-multiple-ciphers',
  'pg',
  '@electric-sql/pglite',
  'fastify',
  '@fastify/*',
  'ws',
  'pino',
  'tsx',
];

/** A relative import that climbs into one of the given top-level folders. */
const into = (...folders) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
  message: `DESIGN.md §3: this folder may not import from ${folders.join(', ')}/.`,
});
const electron = {
  group: ['electron', 'electron/*'],
  message: 'DESIGN.md §3: only main/app and preload import electron.',
};
const node = { group: ['node:*'], message: 'DESIGN.md §3: no Node built-ins here.' };
const nodeLibs = { group: nodeOnlyLibs, message: 'DESIGN.md §3: no Node-only libraries here.' };

const layer = (files, ...patterns) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { paths: patterns.includes(node) ? nodeBuiltinPaths : [], patterns }],
  },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'test-results/',
      'playwright-report/',
      '.data/',
      '.tmp/',
      'bench/results.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },

  // The layering rule.
  layer(['common/**'], electron, node, nodeLibs, into('main', 'renderer', 'server', 'preload')),
  layer(['renderer/**'], electron, node, nodeLibs, into('main', 'server', 'preload')),
  layer(['server/**'], electron, into('main', 'renderer', 'preload')),
  layer(['main/**'], electron, into('renderer', 'server', 'preload')),
  layer(['main/app/**'], into('renderer', 'server', 'preload')),
  layer(['preload/**'], node, nodeLibs, into('renderer', 'server', 'main')),
);
