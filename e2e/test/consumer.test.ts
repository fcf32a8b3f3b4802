/**
 * The packages as a user gets them: `npm pack` of `curio` and every `@curio/*` package it
 * depends on, installed into a project outside the workspace with exactly the README's
 * `npm install ./...tgz` command (their own dependencies, pino and node-forge, come from the
 * registry, preferring npm's cache),
 * type-checked with tsc's strict defaults (`skipLibCheck` off, so every published `.d.ts`
 * must check), compiled, and the seed's echo server run as its own process against a
 * real client.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connectOne, echoExchange, RandomPool } from '../src/clients.js';
import { CHILD_ENV, WORKSPACE_ROOT } from '../src/server-process.js';

jest.setTimeout(300_000);

/** The workspace folder of each package under libs/, by package name. */
const LIB_FOLDERS = new Map(
  readdirSync(join(WORKSPACE_ROOT, 'libs')).map((folder) => {
    const { name } = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'libs', folder, 'package.json'), 'utf8')) as { name: string };
    return [name, `libs/${folder}`] as const;
  }),
);
/** `curio` and the workspace packages it depends on: what a user installs with it. */
const CURIO_DEPENDENCIES = Object.keys(
  (JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'libs/curio/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
).filter((name) => LIB_FOLDERS.has(name));
const PACKAGES = ['curio', ...CURIO_DEPENDENCIES].map((name) => LIB_FOLDERS.get(name) as string);

/**
 * npm, quiet and never prompting. It may reach the registry (a fresh machine's cache holds
 * none of pino's or node-forge's metadata) but prefers what its cache has.
 */
const NPM_ENV: NodeJS.ProcessEnv = {
  ...CHILD_ENV,
  npm_config_prefer_offline: 'true',
  npm_config_yes: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

/** The tarballs of the README's install command (`npm install ./curio-0.1.0.tgz ...`), in its order. */
function readmeInstallCommand(): string[] {
  const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => /^npm install \.\/\S+\.tgz/.test(l));
  if (line === undefined) throw new Error('README.md has no `npm install ./....tgz` line');
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
}

/** What `npm pack --json` says of one tarball. */
interface PackReport {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}

let dir = '';

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('a project outside the workspace installs the packed packages, type-checks them strictly and runs the echo server', async () => {
  dir = mkdtempSync(join(tmpdir(), 'curio-consumer-'));
  const app = join(dir, 'app');

  // The user's project: its package.json, tsconfig (strict, defaults otherwise) and server.
  cpSync(join(WORKSPACE_ROOT, 'e2e/consumer'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  expect(JSON.parse(readFileSync(join(app, 'tsconfig.json'), 'utf8')).compilerOptions.skipLibCheck).toBeUndefined();

  // The tarballs npm would publish, packed into the project as the README says.
  const packed: PackReport[] = PACKAGES.map((pkg) => {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: join(WORKSPACE_ROOT, pkg), env: NPM_ENV, encoding: 'utf8' });
    return (JSON.parse(out) as PackReport[])[0];
  });
  expect(packed.map((p) => p.name).sort()).toEqual(['curio', ...CURIO_DEPENDENCIES].sort());
  expect(CURIO_DEPENDENCIES).toEqual(expect.arrayContaining(['@curio/kernel', '@curio/io']));
  for (const { name, files } of packed) {
    const paths = files.map((f) => f.path);
    expect({ name, license: paths.includes('LICENSE'), readme: paths.includes('README.md') }).toEqual({ name, license: true, readme: true });
    expect(paths.filter((p) => p.endsWith('.tsbuildinfo'))).toEqual([]);
  }
  // Source maps carry their sources: a published map never points at a file not published.
  const maps = readdirSync(join(WORKSPACE_ROOT, 'libs/kernel/dist')).filter((f) => f.endsWith('.js.map'));
  expect(maps.length).toBeGreaterThan(0);
  for (const map of maps) {
    const { sources, sourcesContent } = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'libs/kernel/dist', map), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect({ map, carried: sourcesContent?.length }).toEqual({ map, carried: sources.length });
  }

  // Exactly the README's install command, tarball for tarball.
  const tarballs = readmeInstallCommand();
  expect([...tarballs].sort()).toEqual(packed.map((p) => `./${p.filename}`).sort());
  execFileSync('npm', ['install', '--ignore-scripts', ...tarballs], { cwd: app, env: NPM_ENV, stdio: 'pipe' });
  // The compiler and Node's types come from the workspace (no network to fetch them).
  mkdirSync(join(app, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'));
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules/typescript'), join(app, 'node_modules/typescript'));

  // Type-check and compile: any error in a published .d.ts fails here, with tsc's report.
  let tscOutput = '';
  try {
    execFileSync(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8' });
  } catch (error) {
    tscOutput = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(tscOutput).toBe('');

  // Run the compiled server (plain Node 20: tsc turned `using` into try/finally) and echo through it.
  const server = spawn(process.execPath, [join(app, 'dist/echo-server.js'), '0'], { cwd: app, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (line) => {
        lines.push(line);
        const m = /^Server listening at port (\d+)$/.exec(line);
        if (m) resolve(Number(m[1]));
      });
      void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
    });
    const data = new RandomPool(256 * 1024).window(0);
    const result = await echoExchange(await connectOne(port), data);
    expect(result).toEqual({ sent: data.length, received: data.length, mismatchAt: null, sawEnd: true, error: null });
  } finally {
    server.kill('SIGKILL');
    await exited;
  }
  expect(stderr).toBe('');
  expect(lines[1]).toMatch(/^Connection from \[ '127\.0\.0\.1', \d+ \]$/);
});
