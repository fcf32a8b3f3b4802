/**
 * The echo benchmark's load generator, its own process:
 * `node dist/echo/loadgen.js --port=P --connections=N [--size=1000] [--warmup=1000]
 * [--duration=5000] [--server-pid=PID]`.
 *
 * Each connection ping-pongs one message: send `size` bytes, wait until `size` bytes came
 * back, send again. It is built to cost as little CPU per round trip as Node allows, so
 * the server, not the generator, is what gets measured:
 * - raw `node:net` callbacks (no promises, no async iteration), and reads through
 *   `onread`: libuv reads into one preallocated buffer and calls back with the length,
 *   bypassing the Readable stream and allocating nothing per read;
 * - one preallocated message buffer written again and again (no allocation per send);
 * - replies are counted by length, never parsed, copied or compared;
 * - TCP_NODELAY on every client socket, so no Nagle delay sits in the loop.
 * It reports its own CPU use and the server's over the measured window: a generator
 * below ~100% of its core while the server sits at ~100% of its core proves the server
 * was the bottleneck.
 *
 * Prints one line: `ECHO-RESULT {json}` (a `LoadResult`, see load-result.ts).
 * @packageDocumentation
 */
import { connect, type Socket } from 'node:net';
import { LOAD_RESULT_PREFIX, measureLoad, setLoadOption, type LoadOptions } from './load-result.js';
import { optionPairs } from '../args.js';
import { runMain } from '../script.js';

interface Options extends LoadOptions {
  host: string;
}

/** At most this many connects pending at once (the seed's server listens with backlog 5). */
const CONNECTS_IN_FLIGHT = 4;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { host: '127.0.0.1', port: 0, connections: 1, size: 1000, warmup: 1000, duration: 5000, serverPid: null };
  for (const [key, value] of optionPairs(argv)) {
    if (!setLoadOption(o, key, value)) throw new Error(`unknown option '${key}'`);
  }
  if (o.port === 0) throw new Error('--port is required');
  return o;
}

/** One ping-ponging client. */
class Client {
  /** Bytes of the current reply still to come; 0 when no message is in flight. */
  outstanding = 0;
  closed = false;
  failed = false;
  private onPong: (() => void) | null = null;

  constructor(
    readonly socket: Socket,
    private readonly gen: LoadGenerator,
  ) {
    socket.setNoDelay(true);
    socket.on('error', () => (this.failed = true));
    socket.on('close', () => {
      this.closed = true;
      if (gen.running) this.failed = true;
      if (this.outstanding > 0) {
        this.outstanding = 0;
        this.failed = true;
        gen.landed();
      }
      gen.closed();
    });
  }

  /** Called with the length of each read: the reply bytes are only counted. */
  received(nread: number): void {
    this.outstanding -= nread;
    if (this.outstanding > 0) return;
    if (this.onPong !== null) {
      const pong = this.onPong;
      this.onPong = null;
      return pong();
    }
    this.gen.completed++;
    if (this.gen.running) this.send();
    else this.gen.landed();
  }

  send(): void {
    this.outstanding = this.gen.size;
    this.socket.write(this.gen.message);
  }

  /** One round trip before the run (see {@link LoadGenerator.connectAll}). */
  ping(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onPong = resolve;
      this.socket.once('close', () => reject(new Error('the server closed a connection during set-up')));
      this.send();
    });
  }
}

/** The generator: connections, the shared message and the counters. */
class LoadGenerator {
  readonly message: Buffer;
  /** Where every connection's reads land; never looked at. */
  readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  readonly clients: Client[] = [];
  running = false;
  completed = 0;
  private inFlight = 0;
  private closedCount = 0;
  private onQuiet: (() => void) | null = null;
  private onAllClosed: (() => void) | null = null;

  constructor(readonly options: Options) {
    this.message = Buffer.alloc(options.size, 'x');
  }

  get size(): number {
    return this.options.size;
  }

  /**
   * Opens the connections, a few at a time, and ping-pongs one message on each before
   * the next is opened: the reply proves the server accepted it, so never more than
   * {@link CONNECTS_IN_FLIGHT} connections wait in the server's accept queue (the seed
   * listens with a backlog of 5; an overflowing queue drops SYNs, costing seconds).
   */
  async connectAll(): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.options.connections) {
        next++;
        const client = await new Promise<Client>((resolve, reject) => {
          let c: Client | null = null;
          const socket = connect({
            host: this.options.host,
            port: this.options.port,
            // Reads land in one shared buffer, straight from libuv: no stream, no Buffer per read.
            onread: {
              buffer: this.readBuffer,
              callback: (nread: number) => {
                c!.received(nread);
                return true;
              },
            },
          });
          socket.once('connect', () => {
            socket.off('error', reject);
            c = new Client(socket, this);
            resolve(c);
          });
          socket.once('error', reject);
        });
        this.clients.push(client);
        await client.ping();
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, this.options.connections) }, worker));
    this.completed = 0;
  }

  start(): void {
    this.running = true;
    this.inFlight = this.clients.length;
    for (const c of this.clients) c.send();
  }

  /** Stops sending; resolves when every in-flight reply has come back (or its socket died). */
  stop(): Promise<void> {
    this.running = false;
    return new Promise((resolve) => {
      this.onQuiet = resolve;
      this.landed(0);
    });
  }

  /** A message in flight got its reply (or lost its socket) after stop(). */
  landed(count = 1): void {
    this.inFlight -= count;
    if (this.inFlight <= 0 && this.onQuiet !== null) {
      const done = this.onQuiet;
      this.onQuiet = null;
      done();
    }
  }

  closed(): void {
    this.closedCount++;
    if (this.closedCount === this.clients.length && this.onAllClosed !== null) this.onAllClosed();
  }

  /** Ends every connection and waits until the server has closed them all. */
  closeAll(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closedCount === this.clients.length) return resolve();
      this.onAllClosed = resolve;
      for (const c of this.clients) c.socket.end();
    });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const gen = new LoadGenerator(options);
  await gen.connectAll();
  gen.start();
  await sleep(options.warmup);

  // Failures count over the whole run (a connection lost in the warm-up is one too).
  const result = await measureLoad(
    { completed: () => gen.completed, failures: () => 0 },
    { connections: options.connections, size: options.size, durationMs: options.duration, serverPid: options.serverPid },
    async () => {
      await gen.stop();
      await gen.closeAll();
    },
  );
  result.failures = gen.clients.filter((c) => c.failed).length;
  process.stdout.write(LOAD_RESULT_PREFIX + JSON.stringify(result) + '\n');
}

runMain(main, { prefix: 'loadgen: ', exitCode: 1 });
