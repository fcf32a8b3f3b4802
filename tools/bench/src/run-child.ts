/**
 * Runs one (contender x workload) cell in a fresh `node --expose-gc` process.
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, type Measurement, type RunCounts } from './protocol.js';
import type { Workload } from './workloads.js';

/** Runs one child process and returns its measurement, or the reason it failed. */
export function measure(contender: string, w: Workload, counts: RunCounts): Measurement | string {
  const child = fileURLToPath(new URL('./child.js', import.meta.url));
  const args = ['--expose-gc', child, contender, w.id, String(counts.warmups), String(counts.runs)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (r.status === 0 && line !== undefined) return JSON.parse(line.slice(RESULT_PREFIX.length)) as Measurement;
  const why = (r.stderr ?? '').trim().split('\n')[0] || `exit code ${r.status}, signal ${r.signal}`;
  return `failed: ${why}`;
}

