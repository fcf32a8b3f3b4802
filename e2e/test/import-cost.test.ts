/**
 * `import 'curio'` stays light: node-forge (certificates) and pino (diagnostics) are not
 * loaded until a program first uses them (DESIGN.md: heavy dependencies load on first
 * use). A fresh Node process imports the built umbrella as native ESM, the way users run
 * it, and reports which of the two Node's CommonJS module cache holds (both are CommonJS
 * packages, so loading either, by `import` or `require`, puts its files there) before and
 * after each first use; and each feature still works once loaded: the default logger's
 * crash record is on stdout, the certificate is one OpenSSL reads.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { WORKSPACE_ROOT, CHILD_ENV } from '../src/server-process.js';

const PROBE = `
import { createRequire } from 'node:module';
const { cache } = createRequire(import.meta.url);
const heavy = () => [...new Set(Object.keys(cache)
  .map((path) => /node_modules\\/(pino|node-forge)\\//.exec(path)?.[1])
  .filter((name) => name !== undefined))].sort();
const curio = await import('curio');
const loaded = { imported: heavy() };
await curio.run(function* () {
  const t = yield* curio.spawn(function* crasher() { throw new Error('lazy boom'); });
  yield* curio.sleep(0);
  return t;
}, { activations: [curio.logcrash()] });
loaded.afterDiagnostics = heavy();
const made = await curio.run(curio.createSelfSignedCertificate, { args: [{ keyBits: 1024 }] });
loaded.afterCertificate = heavy();
process.stdout.write(JSON.stringify({ loaded, cert: made.cert }) + '\\n');
`;

test("import 'curio' loads neither node-forge nor pino; each loads on its first use and works", () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: `${WORKSPACE_ROOT}/e2e`, env: CHILD_ENV, encoding: 'utf8' });
  const lines = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const probe = lines.find((l) => 'loaded' in l) as { loaded: unknown; cert: string };
  expect(probe.loaded).toEqual({ imported: [], afterDiagnostics: ['pino'], afterCertificate: ['node-forge', 'pino'] });
  // logcrash() with no logger of its own made the default pino logger, which wrote the crash.
  const crash = lines.find((l) => l.taskName === 'crasher');
  expect(crash).toMatchObject({ level: 50, name: 'curio', err: { type: 'Error', message: 'lazy boom' } });
  const x = new X509Certificate(probe.cert);
  expect(x.subject).toBe('CN=localhost');
  expect(x.verify(x.publicKey)).toBe(true);
});
