import { optionPairs, wholeNumber } from '../src/args.js';

describe('optionPairs', () => {
  it('keeps every = after the first in a value', () => {
    expect(optionPairs(['--svg=a=b.svg', '--rounds=5'])).toEqual([['--svg', 'a=b.svg'], ['--rounds', '5']]);
  });

  it("gives '' for a bare flag and for an empty value", () => {
    expect(optionPairs(['--json', '--timeout='])).toEqual([['--json', ''], ['--timeout', '']]);
  });

  it('rejects an argument that is not an option, naming it', () => {
    expect(() => optionPairs(['--rounds', '5'])).toThrow("unexpected argument '5' (options are written --key=value)");
  });
});

describe('wholeNumber', () => {
  it('reads a whole number at or above the bound', () => {
    expect(wholeNumber('--rounds', '7', 1)).toBe(7);
    expect(wholeNumber('--warmups', '0', 0)).toBe(0);
  });

  it.each(['', ' ', '1.5', '-1', '1e3', 'x', '0x10'])("rejects '%s', naming the option and the value", (value) => {
    expect(() => wholeNumber('--rounds', value, 0)).toThrow(`--rounds needs a whole number >= 0, got '${value}'`);
  });

  it('rejects a number below the bound', () => {
    expect(() => wholeNumber('--rounds', '0', 1)).toThrow("--rounds needs a whole number >= 1, got '0'");
  });
});
