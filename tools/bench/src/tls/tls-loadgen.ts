/**
 * The TLS benchmark's load generator, its own process:
 * `node dist/tls/tls-loadgen.js --mode=echo|handshake --port=P --ca=FILE [--connections=100]
 * [--size=1000] [--warmup=1000] [--duration=5000] [--server-pid=PID]`.
 *
 * - `echo`: `connections` TLS connections each ping-pong one `size`-byte message (send,
 *   wait for the whole echo, send again); reads land in one shared buffer (`onread`)
 *   and are only counted.
 * - `handshake`: `connections` workers each connect, complete a full TLS handshake (no
 *   session resumption), close, and start again; counts handshakes.
 *
 * Prints one `ECHO-RESULT {json}` line (a `LoadResult`; `requests` counts round trips or
 * handshakes).
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { LOAD_RESULT_PREFIX, measureLoad, setLoadOption, type LoadOptions } from '../echo/load-result.js';
import { optionPairs } from '../args.js';
import { runMain } from '../script.js';

interface Options extends LoadOptions {
  mode: 'echo' | 'handshake';
  ca: string;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { mode: 'echo', port: 0, ca: '', connections: 100, size: 1000, warmup: 1000, duration: 5000, serverPid: null };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--mode') {
      if (value !== 'echo' && value !== 'handshake') throw new Error(`--mode must be echo or handshake, got '${value}'`);
      o.mode = value;
    } else if (key === '--ca') o.ca = readFileSync(value, 'utf8');
    else if (!setLoadOption(o, key, value)) throw new Error(`unknown option '${key}'`);
  }
  if (o.port === 0 || o.ca === '') throw new Error('--port and --ca are required');
  return o;
}

const readBuffer = Buffer.allocUnsafe(64 * 1024);
let running = true;
let completed = 0;
let failures = 0;

function tlsConnect(o: Options, onread?: (nread: number) => void): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: o.port,
      ca: o.ca,
      servername: 'localhost',
      ...(onread === undefined ? {} : { onread: { buffer: readBuffer, callback: (n: number) => (onread(n), true) } }),
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Echo mode: every connection ping-pongs until the run stops. */
async function echoLoad(o: Options): Promise<() => Promise<void>> {
  const message = Buffer.alloc(o.size, 'x');
  const sockets: TLSSocket[] = [];
  let inFlight = 0;
  let quiet: (() => void) | null = null;
  for (let i = 0; i < o.connections; i++) {
    let outstanding = 0;
    const socket: TLSSocket = await tlsConnect(o, (n) => {
      outstanding -= n;
      if (outstanding > 0) return;
      completed++;
      if (running) {
        outstanding = o.size;
        socket.write(message);
      } else if (--inFlight === 0) quiet?.();
    });
    socket.on('error', () => failures++);
    sockets.push(socket);
    outstanding = o.size;
    inFlight++;
    socket.write(message);
  }
  return async () => {
    await new Promise<void>((resolve) => {
      quiet = resolve;
      if (inFlight === 0) resolve();
    });
    await Promise.all(sockets.map((s) => new Promise((resolve) => (s.once('close', resolve), s.end()))));
  };
}

/** Handshake mode: workers connect, handshake and close, over and over. */
async function handshakeLoad(o: Options): Promise<() => Promise<void>> {
  const worker = async () => {
    while (running) {
      try {
        const socket = await tlsConnect(o);
        completed++;
        socket.on('error', () => {});
        await new Promise((resolve) => (socket.once('close', resolve), socket.end()));
      } catch {
        failures++;
      }
    }
  };
  const workers = Array.from({ length: o.connections }, worker);
  return async () => {
    await Promise.all(workers);
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const finish = o.mode === 'echo' ? await echoLoad(o) : await handshakeLoad(o);
  await sleep(o.warmup);
  const result = await measureLoad(
    { completed: () => completed, failures: () => failures },
    { connections: o.connections, size: o.size, durationMs: o.duration, serverPid: o.serverPid },
    async () => {
      running = false;
      await finish();
    },
  );
  process.stdout.write(LOAD_RESULT_PREFIX + JSON.stringify(result) + '\n');
}

runMain(main, { prefix: 'tls-loadgen: ', exitCode: 1 });
