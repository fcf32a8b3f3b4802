import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectReport } from './report-shape.js';
import { parseXml } from './xml.js';

const BENCH = join(__dirname, '..');
let dir: string;

beforeAll(() => {
  // The benchmark runs from dist, as `npm run bench` runs it: build the current source.
  execFileSync(process.execPath, [join(BENCH, '../../node_modules/typescript/bin/tsc'), '-b', join(BENCH, 'tsconfig.json')]);
  dir = mkdtempSync(join(tmpdir(), 'bench-json-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a real benchmark run with --json and --svg', () => {
  it('prints only the report on stdout, progress and the chart path on stderr, and writes the chart', () => {
    const svg = join(dir, 'hooks.svg');
    const r = spawnSync(process.execPath, [join(BENCH, 'dist/hooks-bench.js'), '--runs=2', '--round-trips=200', '--json', `--svg=${svg}`], { encoding: 'utf8' });
    expect(r.stderr).toContain('round 2/2: plain');
    expect(r.stderr).toContain(`chart: ${svg}\n`);
    expect(r.status).toBe(0);
    const report = expectReport(JSON.parse(r.stdout));
    expect(report.bench).toBe('hooks');
    expect(report.rounds).toBe(2);
    expect(report.rows.map((row) => [row.contender, row.baseline, row.contenderSamples.length])).toEqual([
      ['logcrash+longblock', 'plain', 2],
      ['monitor (idle)', 'plain', 2],
    ]);
    const chart = parseXml(readFileSync(svg, 'utf8'));
    expect(chart.filter((e) => e.attributes.class === 'bar')).toHaveLength(2);
  });

  it('prints the table and the verdicts without --json', () => {
    const r = spawnSync(process.execPath, [join(BENCH, 'dist/hooks-bench.js'), '--runs=2', '--round-trips=200'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('| kernel ');
    expect(r.stdout).toMatch(/\| queue ping-pong \| monitor \(idle\) +\| plain +\| [^|]*\S +\| [\d.]+x +\| [\d.]+x \.\. [\d.]+x +\| (ahead|behind|spreads overlap) +\|/);
  });

  it("calls no lead from a single run", () => {
    const r = spawnSync(process.execPath, [join(BENCH, 'dist/hooks-bench.js'), '--runs=1', '--round-trips=200', '--json'], { encoding: 'utf8' });
    expect(expectReport(JSON.parse(r.stdout)).rows.map((row) => row.verdict)).toEqual(['too few samples', 'too few samples']);
  });

  it('rejects a value on --json and an empty --svg, naming them', () => {
    const json = spawnSync(process.execPath, [join(BENCH, 'dist/hooks-bench.js'), '--json=out.json'], { encoding: 'utf8' });
    expect(json.status).toBe(2);
    expect(json.stderr).toContain("--json takes no value, got 'out.json'");
    const svg = spawnSync(process.execPath, [join(BENCH, 'dist/hooks-bench.js'), '--svg='], { encoding: 'utf8' });
    expect(svg.stderr).toContain('--svg needs a file path');
  });
});
