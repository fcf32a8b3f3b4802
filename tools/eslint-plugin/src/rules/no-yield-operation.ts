/**
 * `no-yield-operation`: `yield op` hands the Operation object itself to whoever drives
 * the generator (the kernel expects a trap); `yield* op` runs it. The one-character slip
 * type-checks, because a task's yields are not checked against `Trap` at the call site.
 * @packageDocumentation
 */
import { ESLintUtils } from '@typescript-eslint/utils';
import { createRule } from '../create-rule.js';
import { OperationTypes } from '../operation-type.js';

/**
 * The rule module: reports `yield` of an Operation, and fixes it to `yield*`.
 * @example
 * ```ts
 * export default [{ plugins: { '@curio': { rules: { 'no-yield-operation': noYieldOperation } } }, rules: { '@curio/no-yield-operation': 'error' } }];
 * ```
 */
export const noYieldOperation = createRule<[], 'yieldOperation'>({
  name: 'no-yield-operation',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require `yield*`, not `yield`, to wait on an Operation',
      recommended: true,
      requiresTypeChecking: true,
    },
    fixable: 'code',
    messages: {
      yieldOperation: '`yield` of an Operation hands the Operation itself to the kernel instead of running it: use `yield*`.',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const services = ESLintUtils.getParserServices(context);
    const operations = new OperationTypes(services.program.getTypeChecker());
    return {
      YieldExpression(node): void {
        if (node.delegate || !node.argument || !operations.isOperation(services.getTypeAtLocation(node.argument))) return;
        const keyword = context.sourceCode.getFirstToken(node);
        context.report({
          node,
          messageId: 'yieldOperation',
          fix: keyword ? (fixer) => fixer.insertTextAfter(keyword, '*') : null,
        });
      },
    };
  },
});
