/**
 * The seed's echo server on Curio, with the diagnostics the issue asks to measure, for the
 * echo benchmark's side-by-side rows: `--logcrash-longblock` turns on `logcrash` and
 * `longblock({ maxTime: 50 })` (pino JSON to stdout, which stays empty unless something
 * crashes or blocks), `--monitor` serves Curio's monitor on an ephemeral port with no
 * client connected. Without flags it is the plain server the others are compared with.
 * `--closures` writes each client's task as an inline closure at the spawn call, the way
 * most programs write it (`spawn(function* () { ... })`), instead of the seed's named
 * `echoClient`: every connection then has a generator function of its own.
 * `--after-work` first runs other work in the same process, as a long-running server
 * has: the kernel benchmark's closure spawn+joins (3 x 100,000 inline closure tasks) and
 * a million queue ping-pongs, in kernels of their own.
 * Run as `node dist/echo/curio-variant-server.js <port> [--logcrash-longblock] [--monitor] [--closures] [--after-work]`.
 * @packageDocumentation
 */
import { run, spawn, socket, logcrash, longblock, monitor, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, type Activation, type Socket } from 'curio';
import { pino } from 'pino';
import { listeningLine, portArgument } from './server-args.js';
import { curio as kernelWorkloads } from '../contenders/curio.js';

function* echoServer(port: number, closures: boolean) {
  using sock = socket(AF_INET, SOCK_STREAM);
  sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
  yield* sock.bind(['', port]);
  yield* sock.listen(128);
  console.log(listeningLine(sock.getsocknameInet()[1]));
  while (true) {
    const [client] = yield* sock.accept();
    if (!closures) {
      yield* spawn(echoClient, client);
      continue;
    }
    yield* spawn(function* () {
      using conn = client;
      while (true) {
        const data = yield* conn.recv(1000);
        if (data.length === 0) break;
        yield* conn.sendall(data);
      }
    });
  }
}

function* echoClient(client: Socket) {
  using conn = client;
  while (true) {
    const data = yield* conn.recv(1000);
    if (data.length === 0) break;
    yield* conn.sendall(data);
  }
}

const argv = process.argv.slice(2);
const activations: Activation[] = [];
if (argv.includes('--logcrash-longblock')) {
  const logger = pino({ level: 'info' }, pino.destination({ dest: 1, sync: false }));
  activations.push(logcrash({ logger }), longblock({ logger, maxTime: 50 }));
}
if (argv.includes('--monitor')) activations.push(monitor({ port: 0 }));
process.once('SIGTERM', () => process.exit(0));
if (argv.includes('--after-work')) {
  for (let i = 0; i < 3; i++) await kernelWorkloads.spawnJoinClosures(100_000);
  await kernelWorkloads.pingPong(1_000_000);
}
await run(echoServer, { args: [portArgument(argv), argv.includes('--closures')], activations, monitor: false });
