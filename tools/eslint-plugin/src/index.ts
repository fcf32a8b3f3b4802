/**
 * `@curio/eslint-plugin`: type-aware lint rules for Curio programs. An Operation does
 * nothing until a task waits on it with `yield*`, so a forgotten `yield*` is silent;
 * these rules find it, as typescript-eslint's `no-floating-promises` finds a forgotten
 * `await`.
 * @packageDocumentation
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { noFloatingOperation } from './rules/no-floating-operation.js';
import { noYieldOperation } from './rules/no-yield-operation.js';

export type { NoFloatingOperationOptions } from './rules/no-floating-operation.js';

/**
 * The plugin's rules by name.
 * @example
 * ```ts
 * import { rules } from '@curio/eslint-plugin';
 * console.log(Object.keys(rules));   // ['no-floating-operation', 'no-yield-operation']
 * ```
 */
export const rules = {
  'no-floating-operation': noFloatingOperation,
  'no-yield-operation': noYieldOperation,
};

/**
 * The plugin object for a flat config's `plugins` (register it as `'@curio'`).
 * @example
 * ```ts
 * import curio from '@curio/eslint-plugin';
 * export default [{ plugins: { '@curio': curio }, rules: { '@curio/no-floating-operation': 'error' } }];
 * ```
 */
const plugin = {
  meta: { name: '@curio/eslint-plugin', version: '0.1.0' },
  rules,
} satisfies TSESLint.FlatConfig.Plugin;

/**
 * Flat configs: `recommended` turns on both rules as errors. They need type information:
 * set `languageOptions.parserOptions.projectService` (see the README).
 * @example
 * ```ts
 * import curio from '@curio/eslint-plugin';
 * export default [curio.configs.recommended];
 * ```
 */
export const configs = {
  recommended: {
    name: '@curio/recommended',
    plugins: { '@curio': plugin },
    rules: {
      '@curio/no-floating-operation': 'error',
      '@curio/no-yield-operation': 'error',
    },
  },
} satisfies Record<string, TSESLint.FlatConfig.Config>;

export default { ...plugin, configs };
