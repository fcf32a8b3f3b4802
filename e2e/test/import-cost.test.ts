/**
 * `import 'curio'` stays light: node-forge (certificates) and pino (diagnostics) are not
 * loaded until a program first uses them (DESIGN.md: heavy dependencies load on first
 * use), nor are the Node built-ins that only some features need (`tls`, `worker_threads`,
 * `os`, the lazy parts of `util`, and Node's CommonJS export scanner, which an ESM import
 * of a CommonJS file loads). A fresh Node process imports the built umbrella as native ESM, the way users run
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

// Node's own modules that `import 'curio'` must leave unloaded, as process.moduleLoadList names them.
const DEFERRED_BUILTINS = [
  'NativeModule tls',
  'NativeModule worker_threads',
  'NativeModule os',
  'NativeModule internal/util/parse_args/parse_args',
  'NativeModule internal/mime',
  'NativeModule internal/deps/cjs-module-lexer/lexer',
];

const BUILTINS_PROBE = `
const deferred = ${JSON.stringify(DEFERRED_BUILTINS)};
const loaded = () => deferred.filter((name) => process.moduleLoadList.includes(name));
const before = loaded();
const curio = await import('curio');
const result = { before, imported: loaded() };
const { cert, key } = await curio.run(curio.createSelfSignedCertificate, { args: [{ keyBits: 1024 }] });
const ctx = new curio.SSLContext(curio.PROTOCOL_TLS_SERVER);
ctx.loadCertChain(cert, key);
result.afterTls = loaded();
const twice = curio.functionRef(new URL('data:text/javascript,export function twice(n) { return 2 * n; }'), 'twice');
result.twice = await curio.run(() => curio.runInThread(twice, 21));
result.afterThread = loaded();
process.stdout.write(JSON.stringify(result) + '\\n');
process.exit(0);
`;

test("import 'curio' loads none of the deferred Node built-ins; TLS and threads load them on first use and work", () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', BUILTINS_PROBE], { cwd: `${WORKSPACE_ROOT}/e2e`, env: CHILD_ENV, encoding: 'utf8' });
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  expect(result.before).toEqual([]);
  expect(result.imported).toEqual([]);
  // (node-forge, a CommonJS package imported for the certificate, brings the export scanner.)
  expect(result.afterTls).toEqual(expect.arrayContaining(['NativeModule tls']));
  expect(result.twice).toBe(42);
  expect(result.afterThread).toEqual(expect.arrayContaining(['NativeModule tls', 'NativeModule worker_threads']));
});

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
