/**
 * The generators for real: a fresh workspace under the repository's tmp/ (so the
 * workspace's packages, curio included, resolve through its node_modules), `nx g` run
 * through the Nx CLI (`--dry-run` first: it must write nothing), then every target of
 * each generated project (build, lint, typecheck, test) run through npm, as a user would.
 * The service is generated with both transports (HTTP, the default, and TCP): their tests
 * include one that starts it as a real process on 127.0.0.1, talks to it (Node's fetch for
 * HTTP) and stops it with SIGTERM; the protocol's, one that cancels a request midway.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = join(__dirname, '../../..');
const NX = join(REPO, 'node_modules/nx/dist/bin/nx.js');
let workspace = '';

/** Runs the Nx CLI in the workspace; its output without colours. */
function nx(args: string[]): string {
  const { FORCE_COLOR: _color, ...env } = process.env;
  const out = execFileSync(process.execPath, [NX, ...args], { cwd: workspace, encoding: 'utf8', env: { ...env, NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' } });
  // eslint-disable-next-line no-control-regex -- removing ANSI colour codes
  return out.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Runs each target of the project at `dir` in turn, through npm; fails with the output of the first that fails. */
async function runTargets(dir: string): Promise<string[]> {
  const done: string[] = [];
  for (const target of ['build', 'lint', 'typecheck', 'test']) {
    try {
      await run('npm', ['run', target], { cwd: join(workspace, dir), env: { ...process.env, CI: 'true' } });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${dir}: npm run ${target} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
    }
    done.push(target);
  }
  return done;
}

beforeAll(() => {
  // The generated projects import the builds of curio and (the HTTP service) @curio/http.
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', join(REPO, 'libs/curio/tsconfig.lib.json'), join(REPO, 'libs/http/tsconfig.lib.json')]);
  // Their ESLint configs use @curio/eslint-plugin's build.
  execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-b', join(REPO, 'tools/eslint-plugin/tsconfig.lib.json')]);
  mkdirSync(join(REPO, 'tmp'), { recursive: true });
  workspace = mkdtempSync(join(REPO, 'tmp/nx-generated-'));
  writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'generated-workspace', private: true, type: 'module', workspaces: [] }, null, 2));
  writeFileSync(join(workspace, 'nx.json'), JSON.stringify({ neverConnectToCloud: true, useDaemonProcess: false }, null, 2));
});

afterAll(() => {
  if (workspace !== '') rmSync(workspace, { recursive: true, force: true });
});

describe('generated projects build, lint, type-check and pass their tests', () => {
  it('--dry-run lists the files and writes nothing', () => {
    const out = nx(['g', '@curio/nx:service', 'dry-svc', '--dry-run', '--no-interactive']);
    expect(out).toContain('CREATE apps/dry-svc/src/main.ts');
    expect(out).toContain('UPDATE package.json');
    expect(existsSync(join(workspace, 'apps/dry-svc'))).toBe(false);
  });

  it('nx g @curio/nx:service (http and tcp) and nx g @curio/nx:protocol, then every target of each', async () => {
    nx(['g', '@curio/nx:service', 'demo-http', '--no-interactive']);
    nx(['g', '@curio/nx:service', 'demo-tcp', '--transport=tcp', '--no-interactive']);
    nx(['g', '@curio/nx:protocol', 'demo-proto', '--no-interactive']);
    expect(existsSync(join(workspace, 'apps/demo-http/src/request-log.ts'))).toBe(true);
    expect(existsSync(join(workspace, 'apps/demo-tcp/src/request-log.ts'))).toBe(false);
    expect(existsSync(join(workspace, 'libs/demo-proto/src/codec.ts'))).toBe(true);
    const [http, tcp, protocol] = await Promise.all([runTargets('apps/demo-http'), runTargets('apps/demo-tcp'), runTargets('libs/demo-proto')]);
    expect(http).toEqual(['build', 'lint', 'typecheck', 'test']);
    expect(tcp).toEqual(['build', 'lint', 'typecheck', 'test']);
    expect(protocol).toEqual(['build', 'lint', 'typecheck', 'test']);
    // About a minute on a quiet 2-core machine; the limit is generous because the machine may be shared.
  }, 600_000);
});
