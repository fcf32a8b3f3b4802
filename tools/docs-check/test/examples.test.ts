/**
 * Every export of the packages below carries a TSDoc `@example` (docs/internals.md,
 * "Writing docs"). Add a package here when it lands.
 */
import { join } from 'node:path';
import { missingExamples, type PackageEntry } from '../src/check-examples.js';

const root = join(__dirname, '../../..');

const packages: PackageEntry[] = [
  { name: '@curio/kernel', entry: 'libs/kernel/src/index.ts' },
  { name: '@curio/io', entry: 'libs/io/src/index.ts' },
  { name: '@curio/signals', entry: 'libs/signals/src/index.ts' },
];

test.each(packages)('every export of $name has a TSDoc @example', (pkg) => {
  const missing = missingExamples(root, [pkg]).map((m) => `${m.name} (${m.where})`);
  expect(missing).toEqual([]);
});
