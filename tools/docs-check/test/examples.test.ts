/**
 * Every export of the packages in src/packages.ts carries a TSDoc `@example`
 * (docs/internals.md, "Writing docs"); the examples themselves are type-checked by
 * snippets.test.ts.
 */
import { join } from 'node:path';
import { missingExamples } from '../src/check-examples.js';
import { CHECKED_PACKAGES } from '../src/packages.js';

const root = join(__dirname, '../../..');

test.each(CHECKED_PACKAGES)('every export of $name has a TSDoc @example', (pkg) => {
  const missing = missingExamples(root, [pkg]).map((m) => `${m.name} (${m.where})`);
  expect(missing).toEqual([]);
});
