/**
 * ESLint's RuleTester set up as typescript-eslint's is: its parser with type information
 * from a real tsconfig (fixtures/tsconfig.json, extending the workspace's), so the cases
 * import the real `@curio/kernel` and `@curio/io` types.
 */
import { join } from 'node:path';
import { RuleTester, type Linter, type Rule } from 'eslint';
import type { TSESLint } from '@typescript-eslint/utils';
import tseslint from 'typescript-eslint';

const fixtures = join(__dirname, 'fixtures');

/** The fixture file every case is linted as. */
export const filename = join(fixtures, 'file.ts');

/** What each case's code starts with: the real Curio names it uses. */
export const header = [
  "import { sleep, spawn, timeoutAfter, Queue, type Operation } from '@curio/kernel';",
  "import type { Socket } from '@curio/io';",
  'declare const sock: Socket;',
  '',
].join('\n');

/** Type information from the fixtures' tsconfig, found by the project service. */
export const typedLanguageOptions = {
  parser: tseslint.parser,
  parserOptions: { projectService: true, tsconfigRootDir: fixtures },
};

const ruleTester = new RuleTester({ languageOptions: typedLanguageOptions });

/**
 * ESLint's and typescript-eslint's declarations of a rule differ (typescript-eslint's
 * context has deprecated methods ESLint 9's type lacks), though they are the same object
 * at run time; these casts are the one place the tests bridge them.
 */
export const asEslintRule = (rule: TSESLint.RuleModule<string, readonly unknown[]>): Rule.RuleModule => rule as unknown as Rule.RuleModule;
export const asEslintConfig = (config: TSESLint.FlatConfig.Config): Linter.Config => config as unknown as Linter.Config;

/** Runs a typescript-eslint rule's cases with ESLint's RuleTester. */
export function runRule(name: string, rule: TSESLint.RuleModule<string, readonly unknown[]>, tests: Parameters<RuleTester['run']>[2]): void {
  ruleTester.run(name, asEslintRule(rule), tests);
}
