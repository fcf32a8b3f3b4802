/**
 * wrk, the HTTP load generator: run it (pinned to the load's core) against one route of
 * a server for whole seconds and read what it counted from the `WRK-RESULT` line its
 * script prints (wrk-report.lua).
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pinned } from '../pinning.js';

const require = createRequire(import.meta.url);
const { ensureCommand } = require('../../../scripts/debian-command.cjs') as { ensureCommand(command: string): string };
// The script is not compiled: dist/http/ reads it from src/http/.
const SCRIPT = fileURLToPath(new URL('../../src/http/wrk-report.lua', import.meta.url));
const RESULT_PREFIX = 'WRK-RESULT ';

/** The routes the benchmark loads: `GET /`, or `POST /echo` with a body. */
export type Route = 'get' | 'echo';

/** One wrk run. */
export interface WrkRun {
  port: number;
  route: Route;
  /** Open keep-alive connections, all driven by one wrk thread. */
  connections: number;
  /** Bytes of each POST /echo body. */
  bodySize: number;
  /** How long wrk runs: it counts whole seconds only. */
  seconds: number;
}

/** What wrk counted (its latencies are in microseconds). */
export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** Socket errors, and `status`: answers that were not 2xx or 3xx. */
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
}

/** The path of wrk, installing Debian's `wrk` package first when it is missing. */
export function ensureWrk(): string {
  return ensureCommand('wrk');
}

/** Runs wrk once as `run` says and resolves with what it counted. */
export async function runWrk(wrk: string, run: WrkRun): Promise<WrkResult> {
  const path = run.route === 'echo' ? '/echo' : '/';
  const args = ['-t1', `-c${run.connections}`, `-d${run.seconds}s`, '--timeout=10s', '-s', SCRIPT, `http://127.0.0.1:${run.port}${path}`, '--', run.route, String(run.bodySize)];
  const [cmd, cmdArgs] = pinned(1, args, wrk);
  const { stdout } = await promisify(execFile)(cmd, cmdArgs, { encoding: 'utf8' });
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`wrk printed no result line: ${stdout.trim().split('\n').slice(-3).join(' / ')}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as WrkResult;
}

/** All the errors wrk counted in a run. */
export function errorCount(r: WrkResult): number {
  const e = r.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}
