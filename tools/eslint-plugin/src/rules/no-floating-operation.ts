/**
 * `no-floating-operation`: an Operation does nothing until a task runs it with `yield*`.
 * One made and dropped (`sleep(10);`), or handed to code that does not run Operations
 * (`console.log(sock.recv(10))`, `` `got ${sock.recv(10)}` ``,
 * `items.forEach(function* () { ... })`), is a forgotten
 * `yield*`: no error, no wait, nothing happens.
 * @packageDocumentation
 */
import { AST_NODE_TYPES, ESLintUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { createRule } from '../create-rule.js';
import { OperationTypes } from '../operation-type.js';

/**
 * The rule's options.
 * @example
 * ```ts
 * const options: NoFloatingOperationOptions = { ignoreVoid: false };   // report `void sleep(10)` too
 * ```
 */
export interface NoFloatingOperationOptions {
  /** Accept `void op;` as a deliberate discard (default true). */
  ignoreVoid?: boolean;
}

type MessageId = 'floating' | 'floatingVoid' | 'misusedValue' | 'misusedCallback' | 'addYieldStar' | 'addVoid';

/** Expressions that `yield* ` or `void ` can prefix without changing what they apply to. */
const PLAIN_OPERANDS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.CallExpression,
  AST_NODE_TYPES.NewExpression,
  AST_NODE_TYPES.Identifier,
  AST_NODE_TYPES.MemberExpression,
]);

/** The function whose body `node` is in, or undefined at the top level. */
function enclosingFunction(node: TSESTree.Node): TSESTree.FunctionLike | undefined {
  for (let at = node.parent; at; at = at.parent) {
    if (
      at.type === AST_NODE_TYPES.FunctionDeclaration ||
      at.type === AST_NODE_TYPES.FunctionExpression ||
      at.type === AST_NODE_TYPES.ArrowFunctionExpression
    ) {
      return at;
    }
  }
  return undefined;
}

/**
 * The rule module: reports Operations that are never run.
 * @example
 * ```ts
 * export default [{ plugins: { '@curio': { rules: { 'no-floating-operation': noFloatingOperation } } }, rules: { '@curio/no-floating-operation': 'error' } }];
 * ```
 */
export const noFloatingOperation = createRule<[NoFloatingOperationOptions], MessageId>({
  name: 'no-floating-operation',
  meta: {
    type: 'problem',
    docs: {
      description: 'Require Operations to be run with `yield*`, not dropped or passed where they are never run',
      recommended: true,
      requiresTypeChecking: true,
    },
    hasSuggestions: true,
    messages: {
      floating: 'This Operation is never run: an Operation does nothing until a task waits on it with `yield*`.',
      floatingVoid:
        'This Operation is never run: an Operation does nothing until a task waits on it with `yield*` (or mark a deliberate discard with `void`).',
      misusedValue:
        'An Operation passed where {{expected}} is expected is never run: wait on it with `yield*` and pass its result.',
      misusedCallback:
        'A generator function passed where a callback returning {{expected}} is expected: the Operation it returns is never run. Spawn a task (`spawn`) or pass a plain function.',
      addYieldStar: 'Wait on it: `yield* ...`.',
      addVoid: 'Discard it on purpose: `void ...`.',
    },
    schema: [
      {
        type: 'object',
        properties: { ignoreVoid: { type: 'boolean', description: 'Accept `void op;` as a deliberate discard.' } },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ ignoreVoid: true }],
  },
  defaultOptions: [{ ignoreVoid: true }],
  create(context, [{ ignoreVoid = true }]) {
    const services = ESLintUtils.getParserServices(context);
    const checker = services.program.getTypeChecker();
    const operations = new OperationTypes(checker);
    const typeOf = (node: TSESTree.Node): ts.Type => services.getTypeAtLocation(node);
    const contextualType = (node: TSESTree.Expression): ts.Type | undefined =>
      checker.getContextualType(services.esTreeNodeToTSNodeMap.get(node) as ts.Expression);

    function suggestions(expression: TSESTree.Expression): TSESLint.SuggestionReportDescriptor<MessageId>[] {
      const result: TSESLint.SuggestionReportDescriptor<MessageId>[] = [];
      // `yield*` and `void` bind looser and tighter than `&&`, `?:` or a comma: prefix only
      // a plain call or name; `void` wraps anything else in parentheses.
      const plain = PLAIN_OPERANDS.has(expression.type);
      if (plain && enclosingFunction(expression)?.generator) {
        result.push({ messageId: 'addYieldStar', fix: (fixer) => fixer.insertTextBefore(expression, 'yield* ') });
      }
      if (ignoreVoid) {
        result.push({
          messageId: 'addVoid',
          fix: (fixer) =>
            plain
              ? fixer.insertTextBefore(expression, 'void ')
              : [fixer.insertTextBefore(expression, 'void ('), fixer.insertTextAfter(expression, ')')],
        });
      }
      return result;
    }

    /** Reports `value` if it is an Operation going where Operations are not run. */
    function checkValue(value: TSESTree.Expression | TSESTree.SpreadElement | null | undefined): void {
      if (!value || value.type === AST_NODE_TYPES.SpreadElement) return;
      const expected = contextualType(value);
      if (expected === undefined) return;
      const given = typeOf(value);
      if (operations.isOperation(given)) {
        if (!operations.takesAsIs(expected, given)) {
          context.report({ node: value, messageId: 'misusedValue', data: { expected: checker.typeToString(expected) } });
        }
        return;
      }
      checkCallback(value, given, expected);
    }

    /** Reports a function returning an Operation given where a callback's result is dropped. */
    function checkCallback(value: TSESTree.Expression, given: ts.Type, expected: ts.Type): void {
      const returns = given.getCallSignatures().map((s) => s.getReturnType());
      if (returns.length === 0 || !returns.every((r) => operations.isOperation(r))) return;
      const expectedReturns = expected.getCallSignatures().map((s) => s.getReturnType());
      // `any` results are unchecked by choice (loosely typed callbacks, mocks): only a
      // result declared void, or some other type, drops the Operation.
      const takes = (t: ts.Type): boolean => !!(t.flags & ts.TypeFlags.Any) || returns.every((r) => operations.takesAsIs(t, r));
      if (expectedReturns.length === 0 || expectedReturns.some(takes)) return;
      context.report({ node: value, messageId: 'misusedCallback', data: { expected: checker.typeToString(expectedReturns[0]) } });
    }

    return {
      ExpressionStatement(node): void {
        const expression = node.expression;
        // Storing an operation to run later is fine; the assignment rule checks the target.
        if (expression.type === AST_NODE_TYPES.AssignmentExpression || node.directive !== undefined) return;
        if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === 'void') {
          if (ignoreVoid) return;
          if (operations.isOperation(typeOf(expression.argument))) context.report({ node, messageId: 'floating' });
          return;
        }
        if (!operations.isOperation(typeOf(expression))) return;
        context.report({ node, messageId: ignoreVoid ? 'floatingVoid' : 'floating', suggest: suggestions(expression) });
      },
      'CallExpression, NewExpression'(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
        node.arguments.forEach(checkValue);
      },
      VariableDeclarator(node): void {
        if (node.id.typeAnnotation) checkValue(node.init);
      },
      AssignmentExpression(node): void {
        if (node.operator === '=') checkValue(node.right);
      },
      Property(node): void {
        // In an object literal (not a destructuring pattern) a property's value is an expression.
        if (node.parent.type === AST_NODE_TYPES.ObjectExpression) checkValue(node.value as TSESTree.Expression);
      },
      ArrayExpression(node): void {
        node.elements.forEach(checkValue);
      },
      TemplateLiteral(node): void {
        for (const expression of node.expressions) {
          if (operations.isOperation(typeOf(expression))) {
            context.report({ node: expression, messageId: 'misusedValue', data: { expected: 'string' } });
          }
        }
      },
    };
  },
});
