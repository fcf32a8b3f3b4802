import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expectReport } from './report-shape.js';

const BENCH = join(__dirname, '..');
const HTTP_BENCH = join(BENCH, 'dist/http/http-bench.js');

beforeAll(() => {
  // The benchmark runs from dist, as `npm run bench` runs it: build the current source.
  execFileSync(process.execPath, [join(BENCH, '../../node_modules/typescript/bin/tsc'), '-b', join(BENCH, 'tsconfig.json')]);
});

/** Runs the HTTP benchmark with `args` to its end (asynchronously: wrk and the servers are other processes). */
function runBench(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HTTP_BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the HTTP benchmark', () => {
  it('measures the baselines under wrk and reports every measure of every case against node:http, in the shared report shape', async () => {
    // Two rounds of the smallest run: the ratios are per-round, so each row has two samples a side.
    const r = await runBench(['--servers=node:http,fastify', '--rounds=2', '--duration=1000', '--warmup=0', '--connections=10', '--body-size=2048', '--json']);
    expect(r.stderr).toContain('round 2: POST /echo 2 KiB, 10 connections, fastify ... ');
    expect(r.status).toBe(0);
    const report = expectReport(JSON.parse(r.stdout));
    expect(report.bench).toBe('http');
    expect(report.errors).toEqual([]);
    expect(report.rows.map((row) => [row.case, row.contender, row.baseline, row.unit, row.higherIsBetter, row.contenderSamples.length])).toEqual([
      ['GET /, 10 connections', 'fastify', 'node:http', 'requests/s', true, 2],
      ['GET /, 10 connections', 'fastify', 'node:http', 'p99 latency ms', false, 2],
      ['GET /, 10 connections', 'fastify', 'node:http', 'server CPU µs/request', false, 2],
      ['POST /echo 2 KiB, 10 connections', 'fastify', 'node:http', 'requests/s', true, 2],
      ['POST /echo 2 KiB, 10 connections', 'fastify', 'node:http', 'p99 latency ms', false, 2],
      ['POST /echo 2 KiB, 10 connections', 'fastify', 'node:http', 'server CPU µs/request', false, 2],
    ]);
    // Real load: every sample is requests answered (no rate is asserted: the machine is shared).
    for (const row of report.rows) expect(Math.min(...row.contenderSamples, ...row.baselineSamples)).toBeGreaterThan(0);
  });

  it('rejects a duration wrk cannot run and an unknown server, naming them', async () => {
    const duration = await runBench(['--duration=1500']);
    expect(duration.status).toBe(2);
    expect(duration.stderr).toContain("--duration needs whole seconds in ms (wrk runs whole seconds), got '1500'");
    const server = await runBench(['--servers=node:http,express']);
    expect(server.status).toBe(2);
    expect(server.stderr).toContain("--servers: unknown 'express' (known: curio, node:http, fastify)");
  });
});
