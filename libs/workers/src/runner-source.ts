/**
 * The code a pool's worker runs, as source text: a worker thread evaluates it
 * (`new Worker(code, { eval: true })`) and a child process gets it with `node -e`. Text,
 * not a file, so the pools work the same from the built package, from sources run by a
 * test runner, or from a bundle: there is no worker script to locate on disk.
 *
 * The protocol: the pool sends `{ id, module, name, args }`; the worker imports `module`
 * (once), calls its export `name` with `args`, awaits the result and replies
 * `{ id, ok: true, value }` or `{ id, ok: false, error: { className, message, stack, code } }`.
 * Each runner brings `inspect` (node:util) in its own module system, for thrown values
 * that are not Errors.
 * @internal
 */

const COMMON = String.raw`
const TRANSFER = Symbol.for('curio.workers.transfer');
const REVIVERS = Symbol.for('curio.workers.revivers');
const MARK = '@curio/workers';
const modules = new Map();

async function load(module) {
  try {
    modules.set(module, await import(module));
  } catch (e) {
    const error = new Error('cannot import ' + module + ' in the worker: ' + (e && e.message));
    error.name = 'ImportError';
    throw error;
  }
}

function exportOf(ns, module, name) {
  const fn = ns[name];
  if (typeof fn !== 'function') {
    throw new TypeError(module + ' has no function exported as ' + JSON.stringify(name) +
      ' (its exports: ' + Object.keys(ns).join(', ') + '); functions cross to workers by the name they are exported under');
  }
  return fn;
}

// Shared objects (UniversalQueue, UniversalEvent) arrive as plain clones carrying a kind
// mark; @curio/workers, loaded by the function's module, registers how to rebuild them.
function revive(value, depth) {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  const kind = value[MARK];
  if (typeof kind === 'string') {
    const reviver = globalThis[REVIVERS] && globalThis[REVIVERS][kind];
    if (typeof reviver !== 'function') {
      throw new TypeError('a ' + kind + ' argument needs @curio/workers loaded in the worker: import it in the module of the function you run');
    }
    return reviver(value);
  }
  if (Array.isArray(value)) return value.map((v) => revive(v, depth + 1));
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) value[key] = revive(value[key], depth + 1);
  }
  return value;
}

function encodeError(e) {
  if (e instanceof Error || (e !== null && typeof e === 'object' && typeof e.message === 'string')) {
    const className = (e.constructor && e.constructor.name) || e.name || 'Error';
    return { className, message: String(e.message), stack: String(e.stack || className + ': ' + e.message), code: typeof e.code === 'string' ? e.code : undefined };
  }
  if (e === null || (typeof e !== 'object' && typeof e !== 'function')) {
    return { className: e === null ? 'null' : typeof e, message: String(e), stack: 'thrown: ' + String(e) };
  }
  // Not an Error: describe the value itself (String() would say "[object Object]").
  const className = (typeof e === 'function' ? 'Function' : e.constructor && e.constructor.name) || 'Object';
  const shown = inspect(e, { depth: 3, breakLength: Infinity });
  return { className, message: 'threw a non-Error ' + className + ': ' + shown, stack: 'thrown: ' + shown, code: typeof e.code === 'string' ? e.code : undefined };
}

// Synchronous when it can be (module loaded, plain result): no promise hop per job.
function handle(message, send) {
  const { id, module, name, args } = message;
  const ns = modules.get(module);
  if (ns === undefined) {
    load(module).then(() => handle(message, send), (e) => reply(send, id, name, false, e));
    return;
  }
  let value;
  try {
    value = exportOf(ns, module, name)(...revive(args, -1));
  } catch (e) {
    reply(send, id, name, false, e);
    return;
  }
  if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
    value.then((v) => reply(send, id, name, true, v), (e) => reply(send, id, name, false, e));
  } else {
    reply(send, id, name, true, value);
  }
}

function reply(send, id, name, ok, value) {
  let list = [];
  if (ok && value !== null && typeof value === 'object' && value[TRANSFER] === true) {
    list = value.list;
    value = value.value;
  }
  try {
    send(ok ? { id, ok, value } : { id, ok, error: encodeError(value) }, list);
  } catch (e) {
    const why = new TypeError('the result of ' + name + ' cannot be sent back: ' + (e && e.message));
    send({ id, ok: false, error: encodeError(why) }, []);
  }
}
`;

/** The worker thread's code. @internal */
export const THREAD_RUNNER = `${COMMON}
const { inspect } = require('node:util');
import('node:worker_threads').then(({ parentPort }) => {
  const send = (reply, list) => (list.length === 0 ? parentPort.postMessage(reply) : parentPort.postMessage(reply, list));
  parentPort.on('message', (message) => handle(message, send));
});
`;

/** The child process's code (IPC with `serialization: 'advanced'`, that is structured clone). @internal */
export const PROCESS_RUNNER = `${COMMON}
import { inspect } from 'node:util';
process.on('message', (message) => handle(message, (reply) => process.send(reply)));
// The pool is gone: so is this process.
process.on('disconnect', () => process.exit(0));
`;
