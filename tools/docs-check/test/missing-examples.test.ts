/** What counts as an export with an `@example` (src/check-examples.ts), on a package made for the test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingExamples } from '../src/check-examples.js';

const fence = '```';

test('a namespace re-export counts as documented when its export statement has an @example', () => {
  const root = mkdtempSync(join(tmpdir(), 'docs-check-examples-'));
  try {
    writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ES2022', moduleResolution: 'Bundler' } }));
    writeFileSync(join(root, 'part.ts'), ['/** Without an example. */', 'export const value = 1;', ''].join('\n'));
    writeFileSync(join(root, 'index.ts'), [
      '/**', ' * The part, as a namespace.', ' * @example', ` * ${fence}ts`, ' * part.value;', ` * ${fence}`, ' */',
      "export * as part from './part.js';",
      '/** The same, with no example. */',
      "export * as undocumented from './part.js';",
      '',
    ].join('\n'));
    const missing = missingExamples(root, [{ name: 'fixture', entry: 'index.ts' }]).map((m) => m.name);
    expect(missing).toEqual(['undocumented']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
