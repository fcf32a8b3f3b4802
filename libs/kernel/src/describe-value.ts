/**
 * The one way every Curio package names a bad value in an error message ("..., got X").
 *
 * The form is the value as the caller would have written it, with its kind added where the
 * literal alone could mislead: a number reads bare (`-1`, `2.5`, `NaN`), a string is
 * quoted *and* named (`"10" (a string)`), so `recv("10")` never reads as a valid 10.
 * Values with no short literal are named by kind (`a Map`, `the function worker`,
 * `a Buffer of 5 bytes`). Short arrays show their items, since what is wrong is usually
 * one item (`["127.0.0.1", "80"]`: the port is a string).
 * @packageDocumentation
 */

/** Strings longer than this are cut, so a message stays one readable line. */
const MAX_STRING = 40;
/** An array is shown item by item only if it is this short, and its text fits in {@link MAX_ARRAY_TEXT}. */
const MAX_ARRAY_ITEMS = 5;
const MAX_ARRAY_TEXT = 60;

/**
 * A short description of `value` as given, for the "got ..." of an error message:
 * `2.5`, `NaN`, `true`, `null`, `undefined`, `10n (a bigint)`, `"10" (a string)`,
 * `"" (an empty string)`, `Symbol(id)`, `the function worker`, `an anonymous function`,
 * `the async function load`, `the class Lock`, `[1, "2"]`, `an array of 12 items`,
 * `a Buffer of 5 bytes`, `a Map`, `an Error`, `a Promise`, `an object`.
 * It reads only the value's type, length and class, never its `toString` or `valueOf`.
 * @example
 * ```ts
 * function checkPort(port: unknown): number {
 *   if (typeof port === 'number' && Number.isInteger(port)) return port;
 *   throw new TypeError(`a port is an integer, got ${describeValue(port)}`);
 * }
 * checkPort('80'); // TypeError: a port is an integer, got "80" (a string)
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (value === '') return '"" (an empty string)';
      return value.length > MAX_STRING ? `${quoted(value)} (a string of ${value.length} characters)` : `${quoted(value)} (a string)`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n (a bigint)`;
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(value);
    case 'function':
      return describeFunction(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return describeArray(value);
  return describeObject(value as object);
}

/** A string in double quotes, cut to {@link MAX_STRING} characters. */
function quoted(value: string): string {
  return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...` : value);
}

/** What a function is read for: its name, prototype and source text (never called). */
type NamedFunction = object & { readonly name: string };

/** `the function worker`, `the async function load`, `the class Lock`, `an anonymous function`. */
function describeFunction(fn: NamedFunction): string {
  const kind = functionKind(fn);
  return fn.name === '' ? `an anonymous ${kind}` : `the ${kind} ${fn.name}`;
}

function functionKind(fn: NamedFunction): string {
  switch ((Object.getPrototypeOf(fn) as { constructor?: { name?: unknown } } | null)?.constructor?.name) {
    case 'AsyncFunction':
      return 'async function';
    case 'GeneratorFunction':
      return 'generator function';
    case 'AsyncGeneratorFunction':
      return 'async generator function';
  }
  return /^class\b/.test(Function.prototype.toString.call(fn)) ? 'class' : 'function';
}

/** `[1, "2", null]` when short, else `an array of 12 items`; `[]` when empty. */
function describeArray(items: readonly unknown[]): string {
  if (items.length <= MAX_ARRAY_ITEMS) {
    const text = `[${items.map(describeItem).join(', ')}]`;
    if (text.length <= MAX_ARRAY_TEXT) return text;
  }
  return `an array of ${items.length} ${items.length === 1 ? 'item' : 'items'}`;
}

/** An item inside a shown array: the brackets already say where it is, so literals go bare. */
function describeItem(item: unknown): string {
  if (typeof item === 'string') return quoted(item);
  if (typeof item === 'bigint') return `${item}n`;
  if (typeof item === 'function') return item.name === '' ? 'a function' : `function ${item.name}`;
  if (Array.isArray(item)) return item.length === 0 ? '[]' : '[...]';
  if (typeof item === 'object' && item !== null) return describeObject(item);
  return describeValue(item);
}

/** `a Buffer of 5 bytes`, `a Map`, `an Error`, `an object`: by class, never by the object's own methods. */
function describeObject(value: object): string {
  const name = className(value);
  if (name === '') return 'an object';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || name === 'SharedArrayBuffer') {
    const bytes = (value as ArrayBufferLike | ArrayBufferView).byteLength;
    return `${article(name)} ${name} of ${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  }
  return `${article(name)} ${name}`;
}

/** The name of the object's class, or '' for a plain object (or one without a prototype). */
function className(value: object): string {
  const ctor: unknown = (Object.getPrototypeOf(value) as { constructor?: unknown } | null)?.constructor;
  const name = typeof ctor === 'function' ? ctor.name : '';
  if (name !== '' && name !== 'Object') return name;
  // Objects whose prototype has no named constructor (generators, module namespaces) still carry a tag.
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'Object' ? '' : tag;
}

/** `an` before a vowel sound: `an Error`, `an ArrayBuffer`, but `a Uint8Array`, `a URL`. */
function article(word: string): string {
  return /^[aeio]/i.test(word) ? 'an' : 'a';
}
