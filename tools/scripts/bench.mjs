#!/usr/bin/env node
// `node tools/scripts/bench.mjs <name> [options]` (or `npm run bench -- <name>`): runs the
// benchmark `bench:<name>` of the @curio/bench package (tools/bench), passing the options
// on. Without a name, lists the benchmarks there are.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../bench/package.json', import.meta.url), 'utf8'));
const benches = Object.keys(pkg.scripts ?? {})
  .filter((s) => s.startsWith('bench:'))
  .map((s) => s.slice('bench:'.length));

const [name, ...options] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  console.log(`usage: node tools/scripts/bench.mjs <name> [options]\nbenchmarks: ${benches.join(', ')} (see tools/bench/README.md)`);
  process.exit(name === undefined ? 1 : 0);
}
if (!benches.includes(name)) {
  console.error(`unknown benchmark '${name}'; there are: ${benches.join(', ')}`);
  process.exit(1);
}
const args = ['run', `bench:${name}`, '-w', '@curio/bench', '--silent'];
if (options.length > 0) args.push('--', ...options);
const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
