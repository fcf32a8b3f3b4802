import { noFloatingOperation } from '../src/rules/no-floating-operation.js';
import { filename, header, runRule } from './rule-tester.js';

/** A case's code after the shared imports of the real Curio types. */
const code = (body: string): string => header + body;

runRule('no-floating-operation', noFloatingOperation, {
  valid: [
    { filename, name: 'an Operation waited on with yield*', code: code('function* main() { yield* sleep(10); }') },
    { filename, name: 'a method Operation waited on', code: code('function* main() { const data = yield* sock.recv(10); return data; }') },
    { filename, name: 'stored, then run through timeoutAfter', code: code('function* main() { const op = sock.recv(10); return yield* timeoutAfter(100, op); }') },
    { filename, name: 'spawn waited on, with an inline generator', code: code('function* main() { yield* spawn(function* () { yield* sleep(1); }); }') },
    { filename, name: 'a block passed where a block is taken', code: code('function* main() { yield* timeoutAfter(100, function* () { yield* sleep(1); }); }') },
    { filename, name: 'void marks a deliberate discard', code: code('function* main() { void sleep(10); }') },
    { filename, name: 'an Operation stored in an array of Operations', code: code('const ops: Operation<void>[] = []; ops.push(sleep(1));') },
    { filename, name: 'assigned to a variable of Operation type', code: code('let later: Operation<void>; later = sleep(1); void later;') },
    { filename, name: 'a synchronous method is no Operation', code: code('function* main() { const q = new Queue<number>(); q.taskDone(); sock.close(); }') },
    { filename, name: 'a user generator waited on', code: code('function* wait() { yield* sleep(1); return 1; } function* main() { return yield* wait(); }') },
    { filename, name: 'a generator of numbers is no Operation', code: code('function* numbers() { yield 1; } numbers(); [1].forEach(function* (n) { yield n; });') },
    {
      filename,
      name: 'a user type named Operation, not from @curio/kernel',
      code: 'type Operation<T> = Generator<number, T, unknown>; declare function tick(): Operation<void>; tick();',
    },
    { filename, name: 'a plain callback where a void callback is expected', code: code('[1, 2].forEach((n) => console.log(n));') },
    {
      filename,
      name: 'given to a type guard or a container of unknown (a deliberate supertype)',
      code: code('declare function isOp(value: unknown): boolean; declare function isObject(value: object): boolean; const op = sleep(1); isOp(op); isObject(op); const seen: unknown = sleep(2); const ops: Iterable<unknown>[] = [sleep(3)]; void [seen, ops];'),
    },
    {
      filename,
      name: 'a generator callback where the callback may return anything (unknown) or any',
      code: code('declare function each(f: (n: number) => unknown): void; declare function loose(f: (n: number) => any): void; each(function* (n) { yield* sleep(n); }); loose(function* (n) { yield* sleep(n); });'),
    },
  ],
  invalid: [
    {
      filename,
      name: 'sleep(10); as a statement',
      code: code('function* main() { sleep(10); }'),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [
            { messageId: 'addYieldStar', output: code('function* main() { yield* sleep(10); }') },
            { messageId: 'addVoid', output: code('function* main() { void sleep(10); }') },
          ],
        },
      ],
    },
    {
      filename,
      name: 'a method: sock.recv(10);',
      code: code('function* main() { sock.recv(10); }'),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [
            { messageId: 'addYieldStar', output: code('function* main() { yield* sock.recv(10); }') },
            { messageId: 'addVoid', output: code('function* main() { void sock.recv(10); }') },
          ],
        },
      ],
    },
    {
      filename,
      name: 'spawn(...) without yield*',
      code: code('function* main() { spawn(function* () { yield* sleep(1); }); }'),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [
            { messageId: 'addYieldStar', output: code('function* main() { yield* spawn(function* () { yield* sleep(1); }); }') },
            { messageId: 'addVoid', output: code('function* main() { void spawn(function* () { yield* sleep(1); }); }') },
          ],
        },
      ],
    },
    {
      filename,
      name: 'inside an inline generator closure',
      code: code('function* main() { yield* spawn(function* () { sock.sendall(Buffer.from("x")); }); }'),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [
            { messageId: 'addYieldStar', output: code('function* main() { yield* spawn(function* () { yield* sock.sendall(Buffer.from("x")); }); }') },
            { messageId: 'addVoid', output: code('function* main() { yield* spawn(function* () { void sock.sendall(Buffer.from("x")); }); }') },
          ],
        },
      ],
    },
    {
      filename,
      name: 'inside an arrow function: no yield* to offer',
      code: code('const later = () => { sleep(1); }; later();'),
      errors: [{ messageId: 'floatingVoid', suggestions: [{ messageId: 'addVoid', output: code('const later = () => { void sleep(1); }; later();') }] }],
    },
    {
      filename,
      name: 'a user generator that yields traps, inferred type',
      code: code('function* wait() { yield* sleep(1); } function* main() { wait(); }'),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [
            { messageId: 'addYieldStar', output: code('function* wait() { yield* sleep(1); } function* main() { yield* wait(); }') },
            { messageId: 'addVoid', output: code('function* wait() { yield* sleep(1); } function* main() { void wait(); }') },
          ],
        },
      ],
    },
    {
      filename,
      name: 'a hand-written operation class',
      code: code(
        "import { HandWrittenOperation, type Trap } from '@curio/kernel';\n" +
          'declare class Tick extends HandWrittenOperation<number> { next(value?: unknown): IteratorResult<Trap, number>; protected release(): void; }\n' +
          'new Tick();',
      ),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [
            {
              messageId: 'addVoid',
              output: code(
                "import { HandWrittenOperation, type Trap } from '@curio/kernel';\n" +
                  'declare class Tick extends HandWrittenOperation<number> { next(value?: unknown): IteratorResult<Trap, number>; protected release(): void; }\n' +
                  'void new Tick();',
              ),
            },
          ],
        },
      ],
    },
    {
      filename,
      name: 'awaited in an async function (await does not run it)',
      code: code('async function main() { await sleep(1); }'),
      errors: [{ messageId: 'floatingVoid', suggestions: [{ messageId: 'addVoid', output: code('async function main() { void (await sleep(1)); }') }] }],
    },
    {
      filename,
      name: 'one branch of a condition: no yield* to offer, void wraps it',
      code: code('declare const ready: boolean; function* main() { ready && sleep(1); }'),
      errors: [
        {
          messageId: 'floatingVoid',
          suggestions: [{ messageId: 'addVoid', output: code('declare const ready: boolean; function* main() { void (ready && sleep(1)); }') }],
        },
      ],
    },
    {
      filename,
      name: 'void is reported with ignoreVoid: false',
      options: [{ ignoreVoid: false }],
      code: code('function* main() { void sleep(10); }'),
      errors: [{ messageId: 'floating' }],
    },
    {
      filename,
      name: 'passed where any is expected: console.log(sock.recv(10))',
      code: code('function* main() { console.log(sock.recv(10)); }'),
      errors: [{ messageId: 'misusedValue', data: { expected: 'any' } }],
    },
    {
      filename,
      name: 'assigned or passed where any is expected',
      code: code('declare function log(value: any): void; let n: any; n = sleep(2); const box: { value: any } = { value: sleep(3) }; log(sleep(4)); void [n, box];'),
      errors: [
        { messageId: 'misusedValue', data: { expected: 'any' } },
        { messageId: 'misusedValue', data: { expected: 'any' } },
        { messageId: 'misusedValue', data: { expected: 'any' } },
      ],
    },
    {
      filename,
      name: 'in a template literal',
      code: code('function* main() { console.log(`got ${sock.recv(10)}`); }'),
      errors: [{ messageId: 'misusedValue', data: { expected: 'string' } }],
    },
    {
      filename,
      name: 'a generator function passed where a callback returning string is expected',
      code: code('declare function each(f: (n: number) => string): void; each(function* (n) { yield* sleep(n); return "x"; });'),
      errors: [{ messageId: 'misusedCallback', data: { expected: 'string' } }],
    },
    {
      filename,
      name: 'a generator function passed where a void callback is expected',
      code: code('[1, 2].forEach(function* (n) { yield* sleep(n); });'),
      errors: [{ messageId: 'misusedCallback', data: { expected: 'void' } }],
    },
  ],
});
