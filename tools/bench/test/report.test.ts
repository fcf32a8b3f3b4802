import type { Options } from '../src/options.js';
import type { Measurement } from '../src/protocol.js';
import { comparisons, table, type Results } from '../src/report.js';
import { defaultOutput } from '../src/report-output.js';
import { median } from '../src/stats.js';
import { WORKLOADS } from '../src/workloads.js';

const pingPong = WORKLOADS.find((w) => w.id === 'ping-pong')!;
const options: Options = { warmups: 0, runs: 3, contenders: ['curio', 'async/promise'], workloads: [pingPong], output: defaultOutput() };

/** A child's measurement of ping-pong, as run-child.ts parses it from the result line. */
function measurement(contender: string, samples: number[]): Measurement {
  return { contender, version: '1.0.0', workload: 'ping-pong', unit: pingPong.unit, size: 100_000, warmups: 0, samples, median: median(samples), best: Math.max(...samples), notes: [] };
}

/** The 'best of all' cell of the table's only row. */
function bestOfAll(results: Results): string {
  const row = table(options, results).split('\n')[2];
  return row.split('|').map((c) => c.trim()).at(-2)!;
}

describe('the kernel table', () => {
  it("gives no 'best of all' to a higher median whose runs overlap the alternative's", () => {
    // curio's median 6M beats 5M, but its slowest run (4M) is below async's fastest (5.5M).
    const results: Results = new Map([
      ['curio ping-pong', measurement('curio', [4e6, 6e6, 7e6])],
      ['async/promise ping-pong', measurement('async/promise', [4.5e6, 5e6, 5.5e6])],
    ]);
    expect(bestOfAll(results)).toBe('spreads overlap');
  });

  it("gives 'yes' when every curio run beats every alternative run, 'NO' when behind", () => {
    const ahead: Results = new Map([
      ['curio ping-pong', measurement('curio', [6e6, 6.5e6, 7e6])],
      ['async/promise ping-pong', measurement('async/promise', [4.5e6, 5e6, 5.5e6])],
    ]);
    expect(bestOfAll(ahead)).toBe('yes');
    const behind: Results = new Map([
      ['curio ping-pong', measurement('curio', [1e6, 2e6])],
      ['async/promise ping-pong', measurement('async/promise', [4.5e6, 5e6, 5.5e6])],
    ]);
    expect(bestOfAll(behind)).toBe('NO');
  });

  it('reports curio against each alternative, with every run as a sample', () => {
    const results: Results = new Map([
      ['curio ping-pong', measurement('curio', [6e6, 6.5e6, 7e6])],
      ['async/promise ping-pong', measurement('async/promise', [4.5e6, 5e6, 5.5e6])],
    ]);
    expect(comparisons(options, results)).toEqual([
      { case: pingPong.title, contender: 'curio', baseline: 'async/promise', unit: pingPong.unit, higherIsBetter: true, contenderSamples: [6e6, 6.5e6, 7e6], baselineSamples: [4.5e6, 5e6, 5.5e6] },
    ]);
  });
});
