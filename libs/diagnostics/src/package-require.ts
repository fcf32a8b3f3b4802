/**
 * A `require` that resolves from this package, for the CommonJS dependencies it loads on
 * first use rather than at import. It is a module of its own because jest compiles the
 * tests to CommonJS, where `import.meta` cannot be written: jest.preset.cjs maps this
 * module to tools/jest/package-require.cjs.
 * @internal
 * @packageDocumentation
 */
import { createRequire } from 'node:module';

/** @internal `require`, resolving from this package's folder. */
export const packageRequire = createRequire(import.meta.url);
