/**
 * `import 'curio'` stays light: node-forge (certificates) and pino (diagnostics) are not
 * loaded until a program first uses them (DESIGN.md: heavy dependencies load on first use).
 * A fresh Node process imports the built umbrella and reports which of the two its
 * CommonJS module cache holds, before and after each first use.
 */
import { execFileSync } from 'node:child_process';
import { WORKSPACE_ROOT, CHILD_ENV } from '../src/server-process.js';

const PROBE = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const heavy = () => [...new Set(Object.keys(require('node:module')._cache)
  .map((path) => /node_modules\\/(pino|node-forge)\\//.exec(path)?.[1])
  .filter((name) => name !== undefined))].sort();
const curio = await import('curio');
const steps = { imported: heavy() };
curio.defaultLogger();
steps.afterLogger = heavy();
await curio.run(curio.createSelfSignedCertificate, { args: [{ keyBits: 1024 }] });
steps.afterCertificate = heavy();
console.log(JSON.stringify(steps));
`;

test("import 'curio' loads neither node-forge nor pino; each loads on its first use", () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: `${WORKSPACE_ROOT}/e2e`, env: CHILD_ENV, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ imported: [], afterLogger: ['pino'], afterCertificate: ['node-forge', 'pino'] });
});
