#!/usr/bin/env node
// `npm start`: builds what the main job needs through Nx, then runs it.
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url).pathname;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const build = spawnSync('npx', ['nx', 'run', '@curio/examples:build', '--outputStyle=stream'], { cwd: root, stdio: 'inherit', env });
if (build.status !== 0) process.exit(build.status ?? 1);
const main = spawnSync(process.execPath, ['examples/dist/countdown.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(main.status ?? 1);
