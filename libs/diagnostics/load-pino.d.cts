/** pino's module, loaded on the first call (see load-pino.cjs). */
declare function loadPino(): typeof import('pino');
export = loadPino;
