/**
 * Resuming task generators on the kernel's hot path without megamorphic property reads.
 *
 * Every generator function (and every inline `function*` closure: each has its own
 * `prototype`) gives its generator objects their own hidden class. A call site like
 * `gen.next(v)` that sees thousands of them goes megamorphic, and each property read
 * becomes a slow hash lookup (~400-800 ns with 100,000 closures, against ~30 ns). So a
 * generator made by a `function*` is recognised by its prototype chain (no property
 * read) and resumed through the intrinsic %GeneratorPrototype% methods, one call target
 * whatever the generator. Hand-written iterators keep the duck-typed path.
 * @internal
 */
import type { Operation } from './operation.js';

type AnyOperation = Operation<unknown>;

const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype as AnyOperation;
const generatorNext = GeneratorPrototype.next;
const generatorThrow = GeneratorPrototype.throw;
const prototypeOf = Object.getPrototypeOf;

/**
 * @internal True for a generator object made by a `function*` (its prototype is the
 * function's `prototype`, whose prototype is %GeneratorPrototype%). Reads no property.
 */
export function isFunctionGenerator(value: object): boolean {
  const proto: unknown = prototypeOf(value);
  return proto !== null && prototypeOf(proto) === GeneratorPrototype;
}

/** @internal `gen.next(value)` of a {@link isFunctionGenerator} generator, through the intrinsic. */
export function resumeNext(gen: AnyOperation, value: unknown): IteratorResult<unknown, unknown> {
  return generatorNext.call(gen, value);
}

/** @internal `gen.throw(error)` of a {@link isFunctionGenerator} generator, through the intrinsic. */
export function resumeThrow(gen: AnyOperation, error: unknown): IteratorResult<unknown, unknown> {
  return generatorThrow.call(gen, error);
}
