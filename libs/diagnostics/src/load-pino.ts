/**
 * pino, loaded when first asked for (a default logger, a flush) rather than when
 * `@curio/diagnostics` is imported: it brings nine packages, and `import 'curio'` should
 * not pay for them.
 *
 * The load is synchronous, as `defaultLogger()` and the activations' constructors are,
 * so it is a `require`: the module's own where it has one (compiled to CommonJS, as
 * under jest, whose registry then gives the tests the same pino), else one made with
 * `createRequire` for this file. This file's name comes from V8's call sites:
 * `import.meta.url` cannot be written in code that jest compiles to CommonJS, and
 * importing a CommonJS helper from ESM would load Node's CommonJS export scanner with
 * `curio` (about 0.3 MB).
 * @packageDocumentation
 */

type Pino = typeof import('pino');

let pino: Pino | null = null;

/** @internal pino's module, required on the first call; later calls return the same. */
export function loadPino(): Pino {
  if (pino === null) {
    const requireHere = typeof require === 'function' ? require : process.getBuiltinModule('node:module').createRequire(thisFile());
    pino = requireHere('pino') as Pino;
  }
  return pino;
}

/** The file this function is in (a path, or a `file:` URL in native ESM), from the top call site. */
function thisFile(): string {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    // Call sites as objects, whatever formatting the program installed (source maps, ...).
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, sites) => sites[0]?.getFileName();
    const file = new Error().stack as unknown as string | undefined;
    if (typeof file !== 'string') throw new Error('@curio/diagnostics: cannot tell where it is installed, to load pino from there');
    return file;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
