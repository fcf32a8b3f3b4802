/**
 * The monitor's command-line client (`curio-monitor`, built to libs/monitor/dist/cli.js)
 * run as a real process: commands piped in, its output read back.
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHILD_ENV, WORKSPACE_ROOT } from './server-process.js';

/** The built CLI. */
export const MONITOR_CLI = join(WORKSPACE_ROOT, 'libs/monitor/dist/cli.js');

/** What a CLI session printed, and how it ended. */
export interface CliSession {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Runs `curio-monitor ADDRESS` (a port on 127.0.0.1, or the text it takes: `HOST:PORT`,
 * `unix:PATH`), sends `commands` one line each, and waits for it to exit.
 */
export function monitorCli(address: number | string, commands: readonly string[]): Promise<CliSession> {
  if (!existsSync(MONITOR_CLI)) throw new Error(`${MONITOR_CLI} is missing: build the monitor first (npx nx run @curio/monitor:build)`);
  const child = spawn(process.execPath, [MONITOR_CLI, typeof address === 'number' ? `127.0.0.1:${address}` : address], { cwd: WORKSPACE_ROOT, env: CHILD_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(commands.map((c) => `${c}\n`).join(''));
  return new Promise((resolve) => child.once('close', (code) => resolve({ stdout, stderr, code })));
}

/** The rows of the `ps` tables in CLI output (columns at Curio's fixed positions), per table. */
export function psTables(output: string): { id: number; state: string; name: string; parent: string }[][] {
  return output.split(/^Task {3}State.*\n-+.*\n/m).slice(1).map((block) => {
    const rows = [];
    for (const line of block.split('\n')) {
      if (!/^\d+ /.test(line)) break;
      rows.push({ id: Number(line.slice(0, 6).trim()), state: line.slice(7, 19).trim(), name: line.slice(49, 79).trim(), parent: line.slice(80).trim() });
    }
    return rows;
  });
}
