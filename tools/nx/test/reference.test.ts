/** Every runtime export of @curio/nx has its section in docs/reference.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nx from '../src/index.js';

const reference = readFileSync(join(__dirname, '../../../docs/reference.md'), 'utf8');
const headings = reference.split('\n').filter((line) => line.startsWith('#'));

test.each(Object.keys(nx))('%s has a section in docs/reference.md', (name) => {
  expect(headings.some((h) => h.includes(`\`${name}\``) || h.includes(`\`${name}(`))).toBe(true);
});
