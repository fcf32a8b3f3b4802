import { ESLintUtils } from '@typescript-eslint/utils';

/**
 * Extra docs every Curio rule states.
 * @example
 * ```ts
 * const docs: CurioRuleDocs = { description: 'Require yield* on Operations', recommended: true, requiresTypeChecking: true };
 * ```
 */
export interface CurioRuleDocs {
  /** In the plugin's `recommended` config. */
  recommended?: boolean;
  /** Needs type information (`parserOptions.projectService`). */
  requiresTypeChecking?: boolean;
}

/**
 * typescript-eslint's RuleCreator with the plugin's docs links.
 * @example
 * ```ts
 * export const myRule = createRule({ name: 'my-rule', meta: { ... }, defaultOptions: [], create(context) { return {}; } });
 * ```
 */
export const createRule = ESLintUtils.RuleCreator<CurioRuleDocs>(
  (name) => `https://github.com/curio-ts/curio/blob/main/tools/eslint-plugin/docs/rules/${name}.md`,
);
