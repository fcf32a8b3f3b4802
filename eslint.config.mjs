// One flat config for the whole workspace: typescript-eslint's recommended rules,
// plus the rules that keep public types honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
);
