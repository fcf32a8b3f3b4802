/**
 * {@link ProcessPipe}: the parent's end of a pipe to a child process, as a Curio stream.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';
import type { Operation } from '@curio/kernel';
import { NodeReader, NodeWriter, Stream } from '@curio/io';

/**
 * Which of the child's standard streams a pipe is connected to.
 * @example
 * ```ts
 * using p = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe' });
 * const which: PipeName = 'stdout';
 * const pipe = p[which];
 * ```
 */
export type PipeName = 'stdin' | 'stdout' | 'stderr';

/**
 * The parent's end of a pipe to a child process: `p.stdin` (write-only), `p.stdout` and
 * `p.stderr` (read-only) of a {@link Popen} made with `'pipe'`. It is an `@curio/io`
 * {@link Stream}: `read`, `readline`, `readExactly`, `readAll`, `readlines`,
 * `forEachLine`, `write`, `writelines`, `flush`, `close`, with the backpressure of
 * sockets (a child that does not read makes `write` wait; output nobody reads stops
 * the child once the pipe is full). Closing `stdin` sends the child end-of-file.
 *
 * A pipe can also be handed to another child (`stdin: p1.stdout`): the data then flows
 * from child to child without passing through this process, and this end is closed here.
 *
 * @example
 * ```ts
 * const p = yield* Popen.start(['sort'], { stdin: 'pipe', stdout: 'pipe' });
 * yield* p.stdin!.write('b\na\n');
 * p.stdin!.close();
 * const sorted = yield* p.stdout!.readAll();
 * ```
 */
export class ProcessPipe extends Stream {
  /** Which of the child's streams this is connected to. */
  readonly name: PipeName;
  /** The pid of the child process it belongs to. */
  readonly pid: number;
  private readonly nodeStream: Readable | Writable;
  private readonly nodeReader: NodeReader | null;
  private closed = false;
  private handedOver = false;

  /** @internal Made by {@link Popen}. */
  constructor(name: PipeName, pid: number, stream: Readable | Writable) {
    const describe = (): string => `${name} of process ${pid}`;
    // readNow: Node discards output nobody listens for once the child has exited.
    const reader = name === 'stdin' ? null : new NodeReader(stream as Readable, { describe, kind: 'pipe', readNow: true });
    const writer = name === 'stdin' ? new NodeWriter(stream as Writable, { describe, kind: 'pipe' }) : null;
    super(reader, writer);
    this.name = name;
    this.pid = pid;
    this.nodeStream = stream;
    this.nodeReader = reader;
  }

  /** True once the pipe is closed here (by `close()`, or because it was handed to another child). */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Closes this end: for `stdin`, what was written is flushed and then the child sees
   * end-of-file; for `stdout`/`stderr`, unread output is dropped (a child still writing
   * gets SIGPIPE). Idempotent.
   */
  override close(): void {
    if (this.closed) return;
    this.closed = true;
    super.close();
    const s = this.nodeStream;
    if (s.destroyed) return;
    if (this.name === 'stdin' && !this.handedOver) {
      // Flush what was written, then release the descriptor.
      (s as Writable).end();
      s.once('finish', () => s.destroy());
    } else {
      s.destroy();
    }
  }

  /**
   * Takes whatever output has already arrived, without waiting (for the partial output of
   * a command that timed out).
   * @internal
   */
  *takeBuffered(): Operation<Buffer> {
    const reader = this.nodeReader;
    if (reader === null || this.closed || reader.buffered === 0) return Buffer.alloc(0);
    return yield* reader.read(reader.buffered);
  }

  /**
   * Gives the Node stream to `child_process.spawn` for another child, after checking
   * that none of its data has been read into this process (it would be lost to the
   * child). The caller closes this end once the child has started.
   * @internal
   */
  handOver(operation: string, option: string): Readable | Writable {
    if (this.closed) throw new TypeError(`${operation}: ${option} is the ${this.name} pipe of process ${this.pid}, which is already closed (a pipe can be given to one other process only)`);
    const buffered = (this.nodeReader?.buffered ?? 0) + ((this.nodeStream as Readable).readableLength ?? 0);
    if (buffered > 0) {
      throw new Error(`${operation}: ${option} is the ${this.name} pipe of process ${this.pid}, but ${buffered} bytes of it have already been read into this process and would be lost; hand a pipe to the next process right after starting the first one, before anything reads it or the task blocks`);
    }
    return this.nodeStream;
  }

  /** @internal Closes this end after {@link ProcessPipe.handOver}: the other child has its own copy. */
  releaseHandedOver(): void {
    this.handedOver = true;
    this.close();
  }

  /** `ProcessPipe(stdout of process 123)`. */
  override toString(): string {
    return `ProcessPipe(${this.name} of process ${this.pid}${this.closed ? ', closed' : ''})`;
  }
}
