/** The generators' output, in an in-memory Nx tree: files, names, options, defaults, errors. */
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { protocolGenerator, serviceGenerator } from '../src/index.js';

function tree(): Tree {
  const t = createTreeWithEmptyWorkspace();
  t.write('package.json', JSON.stringify({ name: 'ws', private: true, workspaces: ['libs/*'] }));
  return t;
}

describe('@curio/nx:service', () => {
  /** The files both transports write. */
  const COMMON = ['package.json', 'tsconfig.json', 'tsconfig.spec.json', 'jest.config.cjs', 'jest.setup.cjs', 'eslint.config.mjs', 'README.md', 'src/main.ts', 'src/config.ts', 'src/service.ts', 'src/diagnostics.ts', 'test/config.test.ts', 'test/service.test.ts', 'test/main.e2e.test.ts', 'test/command-line.e2e.test.ts', 'test/service-process.ts'];

  it('writes an HTTP service on @curio/http under apps/NAME by default, with its names and default port', async () => {
    const t = tree();
    await serviceGenerator(t, { name: 'order-service', skipFormat: true });
    const root = 'apps/order-service';
    for (const file of [...COMMON, 'src/request-log.ts']) expect(t.exists(`${root}/${file}`)).toBe(true);
    expect(t.exists(`${root}/src/main.ts__tmpl__`)).toBe(false);
    const pkg = readJson(t, `${root}/package.json`);
    expect(pkg.name).toBe('@curio/order-service');
    expect(pkg.dependencies).toEqual({ '@curio/http': '^0.1.0', curio: '^0.1.0', pino: '^10.4.0' });
    expect(pkg.devDependencies).toEqual({ '@curio/eslint-plugin': '^0.1.0' });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['build', 'lint', 'typecheck', 'test']));
    const main = t.read(`${root}/src/main.ts`, 'utf-8') as string;
    expect(main).toContain("import { main, monitorFromEnvironment, withLogger, type MonitorActivation } from 'curio';");
    // Crash reports and long blocks through pino always; the monitor when CURIO_MONITOR asks.
    expect(main).toContain('monitor = monitorFromEnvironment();');
    expect(main).toContain('activations: diagnostics(logger),');
    expect(main).toContain('monitor: monitor ?? false,');
    expect(main).toContain('await main(function* orderService() {');
    expect(main).toContain('yield* withLogger(logger, serveOrderService(config');
    const service = t.read(`${root}/src/service.ts`, 'utf-8') as string;
    expect(service).toContain("import { serveHttp, type HttpHandler } from '@curio/http';");
    expect(service).toContain("case '/healthz':");
    expect(service).toContain("case '/readyz':");
    expect(service).toContain('const handler = withRequestLog(handleRequest(() => readiness));');
    expect(service).toContain('export function* serveOrderService(config: Config');
    expect(t.read(`${root}/src/request-log.ts`, 'utf-8')).toContain("export const REQUEST_ID_HEADER = 'x-request-id';");
    const config = t.read(`${root}/src/config.ts`, 'utf-8') as string;
    expect(config).toContain("{ host: '127.0.0.1', port: 8000, shutdownDelay: 0, drainTimeout: 10_000 }");
    expect(config).toContain("'shutdown-delay': { type: 'string' }, 'drain-timeout': { type: 'string' }");
    expect(config).not.toContain('<%');
    const diagnostics = t.read(`${root}/src/diagnostics.ts`, 'utf-8') as string;
    expect(diagnostics).toContain("return [logcrash({ logger }), longblock({ logger, maxTime: LONG_BLOCK_MS })];");
    expect(diagnostics).toContain("pino({ name: 'order-service', level: 'info' }, destination)");
    expect(t.read(`${root}/test/main.e2e.test.ts`, 'utf-8')).toContain("start({ args: ['--shutdown-delay=3000'] })");
    expect(readJson(t, 'package.json').workspaces).toEqual(['libs/*', 'apps/*']);
  });

  it('with --transport=tcp writes the TCP service on tcpServer, without @curio/http', async () => {
    const t = tree();
    await serviceGenerator(t, { name: 'order-service', transport: 'tcp', skipFormat: true });
    const root = 'apps/order-service';
    for (const file of COMMON) expect(t.exists(`${root}/${file}`)).toBe(true);
    expect(t.exists(`${root}/src/request-log.ts`)).toBe(false);
    expect(readJson(t, `${root}/package.json`).dependencies).toEqual({ curio: '^0.1.0', pino: '^10.4.0' });
    const service = t.read(`${root}/src/service.ts`, 'utf-8') as string;
    expect(service).toContain('return tcpServer(config.host, config.port, handleClient, {');
    expect(service).not.toContain('accept()');
    const config = t.read(`${root}/src/config.ts`, 'utf-8') as string;
    expect(config).toContain("{ host: '127.0.0.1', port: 8000 }");
    expect(config).not.toContain('shutdown-delay');
    expect(t.read(`${root}/test/config.test.ts`, 'utf-8')).not.toContain('shutdown-delay');
    expect(t.read(`${root}/README.md`, 'utf-8')).toContain('a TCP server that answers each line with `echo: LINE`');
  });

  it("follows the workspace's conventions: tsconfig and ESLint config extend the root's, no skipLibCheck, Curio's lint rules", async () => {
    const t = tree();
    await serviceGenerator(t, { name: 'orders', skipFormat: true });
    const tsconfig = readJson(t, 'apps/orders/tsconfig.json');
    expect(tsconfig.extends).toBe('../../tsconfig.base.json');
    expect(tsconfig.compilerOptions.skipLibCheck).toBe(false);
    // The workspace had no root configs: the generator wrote them, without skipLibCheck.
    expect(readJson(t, 'tsconfig.base.json').compilerOptions.skipLibCheck).toBeUndefined();
    expect(t.read('eslint.config.mjs', 'utf-8')).toContain("import tseslint from 'typescript-eslint';");
    const eslint = t.read('apps/orders/eslint.config.mjs', 'utf-8') as string;
    expect(eslint).toContain("import workspace from '../../eslint.config.mjs';");
    expect(eslint).toContain("import curio from '@curio/eslint-plugin';");
    expect(eslint).toContain('...curio.configs.recommended');
    expect(eslint).toContain("project: ['tsconfig.spec.json']");
  });

  it('keeps the root configs a workspace already has', async () => {
    const t = tree();
    t.write('tsconfig.base.json', '{ "compilerOptions": { "strict": true } }');
    t.write('eslint.config.mjs', 'export default [];');
    await serviceGenerator(t, { name: 'orders', skipFormat: true });
    expect(t.read('tsconfig.base.json', 'utf-8')).toBe('{ "compilerOptions": { "strict": true } }');
    expect(t.read('eslint.config.mjs', 'utf-8')).toBe('export default [];');
  });

  it('reads its command line with parseArgs, whichever the transport', async () => {
    for (const transport of ['http', 'tcp'] as const) {
      const t = tree();
      await serviceGenerator(t, { name: 'orders', transport, skipFormat: true });
      const config = t.read('apps/orders/src/config.ts', 'utf-8') as string;
      expect(config).toContain("import { parseArgs } from 'node:util';");
      expect(config).not.toContain("indexOf('=')");
    }
  });

  it('takes --scope, with or without its @', async () => {
    const t = tree();
    await serviceGenerator(t, { name: 'orders', scope: 'acme', skipFormat: true });
    await serviceGenerator(t, { name: 'billing', scope: '@acme', skipFormat: true });
    expect(readJson(t, 'apps/orders/package.json').name).toBe('@acme/orders');
    expect(readJson(t, 'apps/billing/package.json').name).toBe('@acme/billing');
    await expect(serviceGenerator(t, { name: 'api', scope: 'Bad Scope' })).rejects.toThrow(`--scope must be an npm scope (like 'curio' or '@acme'), got "Bad Scope"`);
  });

  it('takes --directory and --port', async () => {
    const t = tree();
    await serviceGenerator(t, { name: 'api', directory: 'services/edge-api', port: 9100, skipFormat: true });
    expect(t.read('services/edge-api/src/config.ts', 'utf-8')).toContain('port: 9100');
    expect(readJson(t, 'package.json').workspaces).toContain('services/*');
  });

  it('refuses a bad name, port or transport, a folder outside the workspace or one in use, saying what was given', async () => {
    const t = tree();
    await expect(serviceGenerator(t, { name: 'Order_Service' })).rejects.toThrow(`@curio/nx:service: the name must be lower-case words joined by '-' (like 'order-service'), got "Order_Service"`);
    await expect(serviceGenerator(t, { name: 'api', port: 0 })).rejects.toThrow('--port must be an integer from 1 to 65535, got 0');
    await expect(serviceGenerator(t, { name: 'api', directory: '../outside' })).rejects.toThrow('--directory must be a folder inside the workspace');
    await expect(serviceGenerator(t, { name: 'api', transport: 'udp' as 'tcp' })).rejects.toThrow('@curio/nx:service: --transport must be one of http, tcp, got "udp"');
    await serviceGenerator(t, { name: 'api', skipFormat: true });
    await expect(serviceGenerator(t, { name: 'api' })).rejects.toThrow('apps/api already exists and is not empty');
  });
});

describe('@curio/nx:protocol', () => {
  it('writes a protocol package under libs/NAME with codec, client, server and tests', async () => {
    const t = tree();
    await protocolGenerator(t, { name: 'kv-store', maxFrameSize: 4096, skipFormat: true });
    const root = 'libs/kv-store';
    for (const file of ['package.json', 'src/index.ts', 'src/codec.ts', 'src/client.ts', 'src/server.ts', 'test/codec.test.ts', 'test/client-server.test.ts']) {
      expect(t.exists(`${root}/${file}`)).toBe(true);
    }
    expect(t.read(`${root}/src/codec.ts`, 'utf-8')).toContain('export const MAX_FRAME_SIZE = 4096;');
    expect(t.read(`${root}/src/index.ts`, 'utf-8')).toContain('connectKvStore, KvStoreClient');
    expect(readJson(t, 'package.json').workspaces).toEqual(['libs/*']);
    const pkg = readJson(t, `${root}/package.json`);
    expect(pkg.name).toBe('@curio/kv-store');
    expect(pkg.dependencies).toEqual({ curio: '^0.1.0' });
    expect(pkg.devDependencies).toEqual({ '@curio/eslint-plugin': '^0.1.0' });
    expect(readJson(t, `${root}/tsconfig.json`).extends).toBe('../../tsconfig.base.json');
    expect(readJson(t, `${root}/tsconfig.json`).compilerOptions.skipLibCheck).toBe(false);
    expect(t.read(`${root}/eslint.config.mjs`, 'utf-8')).toContain('...curio.configs.recommended');
  });

  it('refuses a bad frame size', async () => {
    await expect(protocolGenerator(tree(), { name: 'kv', maxFrameSize: -1 })).rejects.toThrow('--maxFrameSize must be a positive integer, got -1');
  });
});
