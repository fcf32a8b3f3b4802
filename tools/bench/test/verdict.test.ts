import { verdict } from '../src/verdict.js';

describe('verdict', () => {
  it("calls a rate 'ahead' only when its slowest sample beats the baseline's fastest", () => {
    expect(verdict([110, 120, 130], [90, 100, 105])).toBe('ahead');
    expect(verdict([90, 100, 105], [110, 120, 130])).toBe('behind');
  });

  it("says 'spreads overlap' when the medians differ but the ranges meet", () => {
    // Medians 120 against 100: a 1.2x "lead" that one slow run of the contender undoes.
    expect(verdict([95, 120, 130], [90, 100, 105])).toBe('spreads overlap');
    expect(verdict([100, 100], [100, 100])).toBe('spreads overlap');
  });

  it('turns the sides round for a cost, where lower is better', () => {
    expect(verdict([1, 2], [3, 4], false)).toBe('ahead');
    expect(verdict([3, 4], [1, 2], false)).toBe('behind');
    expect(verdict([1, 3], [2, 4], false)).toBe('spreads overlap');
  });

  it("calls no lead from a single sample on either side, however far apart", () => {
    expect(verdict([500], [100, 110])).toBe('too few samples');
    expect(verdict([500, 510], [100])).toBe('too few samples');
  });

  it('rejects an empty side, naming the problem', () => {
    expect(() => verdict([], [1])).toThrow('verdict needs at least one sample on each side');
  });
});
