import { benchReport, compareRow, type Comparison } from '../src/report-json.js';
import { expectReport } from './report-shape.js';

const base: Omit<Comparison, 'contenderSamples' | 'baselineSamples'> = { case: 'ping-pong', contender: 'curio', baseline: 'Effect', unit: 'round trips/s', higherIsBetter: true };

describe('compareRow', () => {
  it('takes the median and range of per-round ratios when both sides ran the same rounds', () => {
    const row = compareRow({ ...base, contenderSamples: [200, 330, 90], baselineSamples: [100, 300, 100] });
    expect(row.ratio).toEqual({ median: 1.1, min: 0.9, max: 2 });
    expect(row.verdict).toBe('spreads overlap');
    expect(row.contenderSamples).toEqual([200, 330, 90]);
  });

  it('falls back to the ratio of medians and of the opposite extremes for unpaired samples', () => {
    const row = compareRow({ ...base, contenderSamples: [300, 400, 500], baselineSamples: [100, 200] });
    expect(row.ratio).toEqual({ median: 400 / 150, min: 300 / 200, max: 500 / 100 });
    expect(row.verdict).toBe('ahead');
  });

  it('rejects a side without samples, naming the row', () => {
    expect(() => compareRow({ ...base, contenderSamples: [1], baselineSamples: [] })).toThrow('ping-pong: curio vs Effect has no samples on one side');
  });
});

describe('benchReport', () => {
  it('leaves out comparisons whose cell failed, keeps why, and gives the machine', () => {
    const report = benchReport(
      'kernel',
      3,
      [
        { ...base, contenderSamples: [2, 2, 2], baselineSamples: [1, 1, 1] },
        { ...base, baseline: 'Effection', contenderSamples: [2, 2, 2], baselineSamples: [] },
      ],
      ['Effection ping-pong: child exited with status 1'],
    );
    expect(report.errors).toEqual(['Effection ping-pong: child exited with status 1']);
    expect(expectReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(report.rows.map((r) => r.baseline)).toEqual(['Effect']);
    expect(report.machine.node).toBe(process.version);
  });
});
