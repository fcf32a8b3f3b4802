/**
 * Every ts block of README.md and docs/*.md, and every ts block in the TSDoc comments of
 * the packages in src/packages.ts, type-checks against the workspace sources (the
 * convention is in docs/internals.md, "Writing docs"). One TypeScript program for all of
 * them, so the check stays fast.
 */
import { join } from 'node:path';
import { checkSnippetList, docCommentSnippets, docFiles, markdownSnippets } from '../src/check-snippets.js';
import { EXAMPLE_CONTEXT } from '../src/example-context.js';
import { CHECKED_PACKAGES } from '../src/packages.js';

const root = join(__dirname, '../../..');

test('every ts block of the docs and of the TSDoc comments type-checks', () => {
  const docs = markdownSnippets(root, docFiles(root));
  const examples = docCommentSnippets(root, CHECKED_PACKAGES.map((p) => p.sources), EXAMPLE_CONTEXT);
  expect(docs.length).toBeGreaterThan(100);
  expect(examples.length).toBeGreaterThan(100);
  const report = checkSnippetList(root, [...docs, ...examples]);
  expect(report.errors).toEqual([]);
});
