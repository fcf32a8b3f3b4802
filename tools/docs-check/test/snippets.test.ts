/**
 * Every ts block of README.md and docs/*.md type-checks against the workspace sources
 * (the convention is in docs/internals.md, "Writing docs"). One TypeScript program for
 * all of them, so the check stays fast.
 */
import { join } from 'node:path';
import { checkSnippets, docFiles } from '../src/check-snippets.js';

const root = join(__dirname, '../../..');

test('every ts block of the docs type-checks', () => {
  const report = checkSnippets(root, docFiles(root));
  expect(report.snippets.length).toBeGreaterThan(0);
  expect(report.errors).toEqual([]);
});
