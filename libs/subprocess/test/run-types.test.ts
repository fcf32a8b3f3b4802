/**
 * The types of run()'s result follow its options: this file must type-check (the
 * typecheck target runs tsc on it), and each `@ts-expect-error` line must be an error.
 * The test also runs the calls, so the types are checked against what run() returns.
 */
import { Buffer } from 'node:buffer';
import { run as runKernel } from '@curio/kernel';
import { run, type CompletedProcess, type RunOptions, type TextRunOptions } from '../src/index.js';

test('capture: true types stdout and stderr as set; without it they may be null', async () => {
  const seen = await runKernel(function* () {
    const text = yield* run(['sh', '-c', 'echo out; echo err >&2'], { capture: true, encoding: 'utf-8' });
    const out: string = text.stdout;
    const err: string = text.stderr;

    const bytes = yield* run(['printf', 'ab'], { capture: true });
    const first: number = bytes.stdout[0];
    const isBuffer: boolean = Buffer.isBuffer(bytes.stderr);

    // Only stdout is a pipe: stderr stays `T | null`.
    const piped = yield* run(['echo', 'x'], { stdout: 'pipe', encoding: 'utf-8' });
    const line: string = piped.stdout.trim();
    // @ts-expect-error stderr was not captured: it may be null
    const noErr: string = piped.stderr;

    const plain = yield* run(['true']);
    // @ts-expect-error without capture, stdout may be null
    const noOut: Buffer = plain.stdout;

    // Options whose capture is not known at compile time: may be null.
    const options: RunOptions = { capture: true };
    const unknown = yield* run(['true'], options);
    // @ts-expect-error capture is a boolean here, not surely true
    const maybe: Buffer = unknown.stdout;

    const textOptions: TextRunOptions = { encoding: 'utf-8' };
    const decoded: CompletedProcess<string> = yield* run(['true'], textOptions);

    return { out, err, first, isBuffer, line, noErr, noOut, maybe, decoded: decoded.stdout };
  });
  expect(seen).toEqual({ out: 'out\n', err: 'err\n', first: 0x61, isBuffer: true, line: 'x', noErr: null, noOut: null, maybe: Buffer.alloc(0), decoded: null });
});
