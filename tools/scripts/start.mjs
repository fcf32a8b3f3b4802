#!/usr/bin/env node
// `npm start`: builds the examples (tsc -b), then runs the seed's echo server
// (examples/src/echo-server.ts) on port 25000 with diagnostics on: crash reports
// (logcrash), long-block reports (longblock) and lifecycle records, through pino: pretty
// in a terminal, JSON lines otherwise. `CURIO_MONITOR=1 npm start` also serves the monitor
// console (connect with `npx curio-monitor`). Extra arguments go to the server (e.g.
// `npm start -- 26000`). Ctrl-C stops it cleanly: the server runs under Curio's main(),
// which cancels it on SIGINT/SIGTERM, waits for its cleanup and exits with 130/143; this
// script exits with the server's status.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { parseArgs } from 'node:util';

// The echo server's own command line, `[PORT] [--diagnostics]`, read before the build so
// a typo fails at once; the server checks the port itself.
let parsed;
try {
  parsed = parseArgs({ options: { diagnostics: { type: 'boolean' } }, allowPositionals: true });
  if (parsed.positionals.length > 1) throw new Error(`unexpected argument '${parsed.positionals[1]}'`);
} catch (error) {
  console.error(`${error.message}\nusage: npm start [-- PORT]`);
  process.exit(2);
}
const port = parsed.positionals[0] ?? '25000';
const args = [port, '--diagnostics'];

const root = new URL('../..', import.meta.url).pathname;
// The examples' build target itself (the same as `npx nx run @curio/examples:build`): its
// project references build every package they use. Run directly, not through Nx, since
// Nx replays an up-to-date build from its cache by deleting the outputs and copying them
// back, under the feet of any other program using them (a test running beside this one);
// tsc -b leaves up-to-date outputs alone.
console.log('Building the examples and the packages they use: tsc -b examples/tsconfig.json');
const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'examples/tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

console.log(`Starting the seed's echo server: node examples/dist/echo-server.js ${args.join(' ')}`);
console.log(`Try it with: nc localhost ${port}`);
console.log(`  or, without nc: node -e "process.stdin.pipe(require('net').connect(${port}, '127.0.0.1')).pipe(process.stdout)"`);
console.log('(Ctrl-C stops the server)');
const server = spawn(process.execPath, ['examples/dist/echo-server.js', ...args], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the server itself (same process group) and main() shuts it down cleanly:
// do not pass SIGINT on a second time (a second signal forces the server out). SIGTERM is
// passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => server.kill('SIGTERM'));
// A server killed by a signal (SIGKILL, say) exits like a shell reports it: 128 + its number.
server.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
