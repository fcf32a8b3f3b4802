#!/usr/bin/env node
// Runs jest for the package in the current directory and writes its JSON results to
// dist/test-results/<package folder>.json at the workspace root, the path Nx caches as
// the test target's output and `npm test` sums into its summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const outputFile = join(root, 'dist/test-results', `${relative(root, process.cwd())}.json`);
mkdirSync(dirname(outputFile), { recursive: true });
const jest = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin/jest.js');
const result = spawnSync(process.execPath, [jest, '--json', `--outputFile=${outputFile}`, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
