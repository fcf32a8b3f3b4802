// pino, loaded when first asked for rather than when @curio/diagnostics is imported (it
// brings nine packages, and `import 'curio'` should not pay for them). A CommonJS file so
// the load can be synchronous, as defaultLogger() and the activations' constructors are,
// in native ESM and under jest (which compiles the TypeScript to CommonJS) alike: src/
// and dist/ both reach it as '../load-pino.cjs', and `require` resolves pino from here.
'use strict';
module.exports = function loadPino() {
  return require('pino');
};
