import { noYieldOperation } from '../src/rules/no-yield-operation.js';
import { filename, header, runRule } from './rule-tester.js';

/** A case's code after the shared imports of the real Curio types. */
const code = (body: string): string => header + body;

runRule('no-yield-operation', noYieldOperation, {
  valid: [
    { filename, name: 'yield* of an Operation', code: code('function* main() { yield* sleep(10); return yield* sock.recv(10); }') },
    { filename, name: 'yield of a number in a plain generator', code: code('function* numbers() { yield 1; yield; }') },
    { filename, name: 'yield of a user type named Operation', code: 'type Operation<T> = Generator<number, T, unknown>; declare const op: Operation<void>; function* g() { yield op; }' },
  ],
  invalid: [
    {
      filename,
      name: 'yield sleep(10)',
      code: code('function* main() { yield sleep(10); }'),
      output: code('function* main() { yield* sleep(10); }'),
      errors: [{ messageId: 'yieldOperation' }],
    },
    {
      filename,
      name: 'yield of a method Operation, its value used',
      code: code('function* main() { const data = yield sock.recv(10); return data; }'),
      output: code('function* main() { const data = yield* sock.recv(10); return data; }'),
      errors: [{ messageId: 'yieldOperation' }],
    },
    {
      filename,
      name: 'yield in an inline closure',
      code: code('function* main() { yield* spawn(function* () { yield spawn(function* () {}); }); }'),
      output: code('function* main() { yield* spawn(function* () { yield* spawn(function* () {}); }); }'),
      errors: [{ messageId: 'yieldOperation' }],
    },
  ],
});
