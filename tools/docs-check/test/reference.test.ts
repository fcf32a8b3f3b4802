/**
 * Every export of the packages in src/packages.ts, types included, is documented in
 * docs/reference.md: named in a heading, in inline code (`` `name` ``, `` `name(...)` ``,
 * `` `name<T>` ``, `` `name.member` ``), or declared in one of its listings
 * (`type name`, `interface name`, `const name = ...`, `name = ...` in a list of constants).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportedNames } from '../src/check-examples.js';
import { CHECKED_PACKAGES } from '../src/packages.js';

const root = join(__dirname, '../../..');
const reference = readFileSync(join(root, 'docs/reference.md'), 'utf8');
const headings = reference.split('\n').filter((line) => line.startsWith('#'));
const names = exportedNames(root, CHECKED_PACKAGES);

function documented(name: string): boolean {
  const word = new RegExp(`\\b${name}\\b`);
  return (
    headings.some((h) => word.test(h)) ||
    new RegExp(`\`${name}[\`(<.:\\s]`).test(reference) ||
    new RegExp(`\\b(?:type|interface|class|function\\*?|const|enum)\\s+${name}\\b|[,(]\\s*${name}\\s*=`).test(reference)
  );
}

test.each(CHECKED_PACKAGES)('every export of $name has a section in docs/reference.md', (pkg) => {
  const missing = (names.get(pkg.name) ?? []).filter((name) => !documented(name));
  expect(missing).toEqual([]);
});
