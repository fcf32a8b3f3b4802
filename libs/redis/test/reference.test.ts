/** Every runtime export of @curio/redis has its section in docs/reference.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as redis from '@curio/redis';

const reference = readFileSync(join(__dirname, '../../../docs/reference.md'), 'utf8');
const headings = reference.split('\n').filter((line) => line.startsWith('#'));

test.each(Object.keys(redis))('%s has a section in docs/reference.md', (name) => {
  expect(headings.some((h) => h.includes(`\`${name}\``) || h.includes(`\`${name}(`))).toBe(true);
});
