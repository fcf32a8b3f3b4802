// One flat config for the whole workspace: typescript-eslint's recommended rules,
// plus the rules that keep public types honest, plus Curio's own rules for a forgotten
// yield* (type-aware: @curio/eslint-plugin, built before lint by nx.json's lint target).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import curio from '@curio/eslint-plugin';

const root = import.meta.dirname;

/** Every project folder: libs/*, tools/* (those with a package.json), examples, e2e. */
const projects = ['libs', 'tools']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => `${dir}/${name}`))
  .concat(['examples', 'e2e'])
  .filter((dir) => existsSync(join(root, dir, 'package.json')));

/**
 * The tsconfig(s) a project's typecheck target uses, covering its src and test:
 * tsconfig.spec.json, else every tsconfig*.json but the build's tsconfig.lib.json.
 */
function typecheckConfigs(dir) {
  if (existsSync(join(root, dir, 'tsconfig.spec.json'))) return [`${dir}/tsconfig.spec.json`];
  return readdirSync(join(root, dir))
    .filter((name) => /^tsconfig.*\.json$/.test(name) && name !== 'tsconfig.lib.json')
    .map((name) => `${dir}/${name}`);
}

// Type information per project, from its own tsconfig (the projects have no tsconfig.json
// of the same shape for projectService to find; and one program per project keeps each
// `eslint src test` run to the program it needs).
const typedProjects = projects.map((dir) => ({
  files: [`${dir}/src/**/*.ts`, `${dir}/test/**/*.ts`],
  languageOptions: { parserOptions: { project: typecheckConfigs(dir), tsconfigRootDir: root } },
  ...curio.configs.recommended,
}));

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.cjs', 'coverage/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setImmediate: 'readonly', clearImmediate: 'readonly', Buffer: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', URL: 'readonly',
        structuredClone: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A generator that never yields is a valid Operation (a non-blocking call shaped like a blocking one).
      'require-yield': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Library code runs in users' hot paths: Node's global Buffer is a getter, which V8's
    // optimized code reads with a generic (uncached) load at every use (~100 instructions).
    files: ['libs/*/src/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Buffer', message: "import { Buffer } from 'node:buffer' (the global is a getter: a generic property load in optimized code)" }],
    },
  },
  {
    files: ['**/test/**/*.ts', 'e2e/**/*.ts'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', test: 'readonly', expect: 'readonly', beforeAll: 'readonly', afterAll: 'readonly', beforeEach: 'readonly', afterEach: 'readonly', jest: 'readonly' } },
  },
  ...typedProjects,
);
