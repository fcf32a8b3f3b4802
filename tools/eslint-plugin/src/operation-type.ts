/**
 * How the rules recognise an Operation: `Operation<T>` from `@curio/kernel`, or any
 * generator-shaped type whose yields are the kernel's `Trap` (an inferred
 * `Generator<Trap, T, unknown>`, a hand-written operation class). Both are judged by
 * where the names are declared, never by their spelling alone, so a user's own
 * `Operation` type or a generator of numbers is left alone.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';

const KERNEL_PACKAGE = '@curio/kernel';

/** Directory → name of the package it belongs to (undefined: none found). */
const packageNames = new Map<string, string | undefined>();

/** The `name` of the nearest package.json above `fileName` (node_modules or a workspace). */
function packageNameOf(fileName: string): string | undefined {
  const dir = dirname(fileName);
  if (packageNames.has(dir)) return packageNames.get(dir);
  let name: string | undefined;
  try {
    name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    // No package.json here: the package is further up.
  }
  // A nameless package.json (say `{ "type": "module" }` in dist/) does not end the walk.
  if (name === undefined && dirname(dir) !== dir) name = packageNameOf(dir);
  packageNames.set(dir, name);
  return name;
}

function declaredInKernel(symbol: ts.Symbol | undefined): boolean {
  return symbol?.declarations?.some((d) => packageNameOf(d.getSourceFile().fileName) === KERNEL_PACKAGE) ?? false;
}

function members(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

/**
 * Recognises Operations with one program's type checker.
 * @example
 * ```ts
 * const operations = new OperationTypes(services.program.getTypeChecker());
 * if (operations.isOperation(services.getTypeAtLocation(node))) context.report({ node, messageId: 'floating' });
 * ```
 */
export class OperationTypes {
  private readonly traps = new Map<ts.Type, boolean>();

  constructor(private readonly checker: ts.TypeChecker) {}

  /** True if `type`, or one member of a union, is an Operation. */
  isOperation(type: ts.Type): boolean {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return false;
    if (type.isUnion()) return type.types.some((t) => this.isOperation(t));
    if (type.aliasSymbol?.name === 'Operation' && declaredInKernel(type.aliasSymbol)) return true;
    const yielded = this.yieldTypes(type);
    return yielded.length > 0 && yielded.every((t) => this.isTrap(t));
  }

  /**
   * True if a place of type `expected` takes a value of type `given` (an Operation) as
   * the value it is: a generic place, an Operation or iterator, or a supertype `given` is
   * assignable to (`Iterable<unknown>`, `object`, `unknown`: a type guard, a container).
   * `any` takes it too, but unchecked (`console.log`, `JSON.stringify`): that is where a
   * forgotten `yield*` hides, so `any` does not count.
   */
  takesAsIs(expected: ts.Type, given: ts.Type): boolean {
    if (expected.flags & ts.TypeFlags.Any) return false;
    return (
      members(expected).some((t) => !!(t.flags & ts.TypeFlags.TypeParameter) || this.isOperation(t) || t.getProperty('next') !== undefined) ||
      this.checker.isTypeAssignableTo(given, expected)
    );
  }

  /** What a generator-shaped type yields: the `value` of the `done: false` results of `next`. */
  private yieldTypes(type: ts.Type): ts.Type[] {
    const next = type.getProperty('next');
    if (next === undefined || type.getProperty('throw') === undefined) return [];
    const yielded: ts.Type[] = [];
    for (const signature of this.checker.getTypeOfSymbol(next).getCallSignatures()) {
      for (const result of members(signature.getReturnType())) {
        const done = result.getProperty('done');
        const value = result.getProperty('value');
        if (done && value && this.isFalse(this.checker.getTypeOfSymbol(done))) yielded.push(this.checker.getTypeOfSymbol(value));
      }
    }
    return yielded;
  }

  /** `false`, or `false | undefined` (IteratorYieldResult's optional `done?: false`). */
  private isFalse(type: ts.Type): boolean {
    const defined = members(type).filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    return defined.length > 0 && defined.every((t) => !!(t.flags & ts.TypeFlags.BooleanLiteral) && this.checker.typeToString(t) === 'false');
  }

  /** True if every member of `type` is the kernel's `Trap` or a class derived from it. */
  private isTrap(type: ts.Type): boolean {
    if (type.isUnion()) return type.types.every((t) => this.isTrap(t));
    const known = this.traps.get(type);
    if (known !== undefined) return known;
    this.traps.set(type, false); // a cycle in the bases is no Trap
    const symbol = type.getSymbol();
    const target = (type as ts.TypeReference).target ?? type;
    const isTrap =
      (symbol?.name === 'Trap' && declaredInKernel(symbol)) ||
      (target.isClassOrInterface() && (this.checker.getBaseTypes(target) ?? []).some((base) => this.isTrap(base)));
    this.traps.set(type, isTrap);
    return isTrap;
  }
}
