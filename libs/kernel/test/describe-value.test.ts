import { Buffer } from 'node:buffer';
import { describeValue, Lock } from '../src/index.js';

class Widget {}

describe('describeValue', () => {
  it.each<[string, unknown, string]>([
    ['an integer bare', 10, '10'],
    ['a negative fraction bare', -2.5, '-2.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', -Infinity, '-Infinity'],
    ['minus zero with its sign', -0, '-0'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a bigint, named', 10n, '10n (a bigint)'],
    ['a symbol', Symbol('id'), 'Symbol(id)'],
    ['a string quoted and named', '10', '"10" (a string)'],
    ['a string with quotes, escaped', 'say "hi"\n', '"say \\"hi\\"\\n" (a string)'],
    ['the empty string', '', '"" (an empty string)'],
    ['a long string, cut, with its length', 'x'.repeat(100), `"${'x'.repeat(40)}..." (a string of 100 characters)`],
    ['a named function', function worker() {}, 'the function worker'],
    ['an anonymous function', (() => () => 1)(), 'an anonymous function'],
    ['an async function', async function load() {}, 'the async function load'],
    ['a generator function', function* body() {}, 'the generator function body'],
    ['an async generator function', async function* lines() {}, 'the async generator function lines'],
    ['a class', Widget, 'the class Widget'],
    ['an empty array', [], '[]'],
    ['a short array, item by item', ['127.0.0.1', '80'], '["127.0.0.1", "80"]'],
    ['an array of mixed items', [1, 2n, null, undefined, [], [1], { a: 1 }, new Map(), function f() {}], 'an array of 9 items'],
    ['a short array of mixed items', [2n, null, [1], new Map(), function f() {}], '[2n, null, [...], a Map, function f]'],
    ['an array too wide to show', ['a'.repeat(30), 'b'.repeat(30)], 'an array of 2 items'],
    ['an array with a long string, cut', ['a'.repeat(70)], `["${'a'.repeat(40)}..."]`],
    ['an array of many short items', [1, 2, 3, 4, 5, 6], 'an array of 6 items'],
    ['a Buffer by size', Buffer.from('hello'), 'a Buffer of 5 bytes'],
    ['a Uint8Array by size', new Uint8Array(1), 'a Uint8Array of 1 byte'],
    ['an ArrayBuffer by size', new ArrayBuffer(8), 'an ArrayBuffer of 8 bytes'],
    ['a SharedArrayBuffer by size', new SharedArrayBuffer(4), 'a SharedArrayBuffer of 4 bytes'],
    ['a plain object', { host: 'x' }, 'an object'],
    ['an object without a prototype', Object.create(null), 'an object'],
    ['a class instance', new Widget(), 'a Widget'],
    ['a built-in instance', new Map(), 'a Map'],
    ['an instance starting with a vowel', new Error('boom'), 'an Error'],
    ['a subclass of Error', new TypeError('boom'), 'a TypeError'],
    ['a URL (a, not an)', new URL('http://x/'), 'a URL'],
    ['a kernel class', new Lock(), 'a Lock'],
    ['a promise', Promise.resolve(1), 'a Promise'],
    ['a generator object', (function* g() {})(), 'a Generator'],
    ['a boxed string', Object('s'), 'a String'],
  ])('describes %s', (_kind, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('never calls the value’s toString, valueOf or toPrimitive', () => {
    const touched: string[] = [];
    const sneaky = {
      toString: () => { touched.push('toString'); return 'sneaky'; },
      valueOf: () => { touched.push('valueOf'); return 1; },
      [Symbol.toPrimitive]: () => { touched.push('toPrimitive'); return 'p'; },
    };
    expect(describeValue(sneaky)).toBe('an object');
    expect(describeValue([sneaky])).toBe('[an object]');
    expect(touched).toEqual([]);
  });
});
