#!/usr/bin/env node
// `npm test`: every build, then lint, type-check and every jest project (unit and e2e)
// through Nx, then one plain summary line taken from the jest JSON results each project wrote.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const resultsDir = join(root, 'dist/test-results');
rmSync(resultsDir, { recursive: true, force: true });

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
// In CI every target really runs: no results replayed from a cache.
const cacheArgs = process.env.CI ? ['--skip-nx-cache'] : [];
const runMany = (args) => spawnSync('npx', ['nx', 'run-many', ...args, '--outputStyle=stream', '--parallel=2', ...cacheArgs], { cwd: root, stdio: 'inherit', env });
// Every build first, then the checks without their build dependencies: a build that Nx
// replays from its cache deletes the package's dist and copies it back, and a test of
// another package reading that dist at the moment finds a module missing.
const build = runMany(['-t', 'build']);
const nx = build.status === 0 ? runMany(['-t', 'lint', 'typecheck', 'test', '--exclude-task-dependencies']) : build;

let passed = 0;
let failed = 0;
if (existsSync(resultsDir)) {
  for (const file of readdirSync(resultsDir, { recursive: true }).filter((f) => String(f).endsWith('.json'))) {
    const result = JSON.parse(readFileSync(join(resultsDir, String(file)), 'utf8'));
    passed += result.numPassedTests;
    // A suite that failed to load has no test results of its own: count it as a failure.
    failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(nx.status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
