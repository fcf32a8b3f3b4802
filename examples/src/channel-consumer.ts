/**
 * The consumer half of the producer/consumer pair (see channel-producer.ts): it connects
 * to the producer's channel with the shared key and prints what it receives until the
 * `null` sentinel.
 *
 * Run:  node examples/dist/channel-consumer.js [port] [--authkey=KEY]   (port 30000, key 'peekaboo' by default)
 */
import { parseArgs } from 'node:util';
import { run, sleep, Channel, IOError } from 'curio';
import { atMost, commandLine, portNumber } from './support/command-line.js';

/** The port and the shared secret: both ends must use the same ones. */
const { port, authkey } = commandLine('channel-consumer.js [PORT] [--authkey=KEY]', () => {
  const { values, positionals } = parseArgs({ options: { authkey: { type: 'string', default: 'peekaboo' } }, allowPositionals: true });
  return { port: portNumber(atMost(positionals, 1)[0], 30000), authkey: values.authkey };
});

/** Connects, retrying for a while if the producer is not listening yet. */
function* connect(ch: Channel) {
  for (let attempt = 1; ; attempt++) {
    try {
      return yield* ch.connect({ authkey });
    } catch (e) {
      if (!(e instanceof IOError && e.code === 'ECONNREFUSED') || attempt === 50) throw e;
      yield* sleep(200);
    }
  }
}

function* consumer(ch: Channel) {
  using c = yield* connect(ch);
  while (true) {
    const msg = yield* c.recv();
    if (msg === null) break;
    console.log('Got:', msg);
  }
  console.log('Consumer done');
}

try {
  await run(consumer, { args: [new Channel(['127.0.0.1', port])] });
} catch (e) {
  // A wrong key (AuthenticationError), no producer (ECONNREFUSED), ...: say so, briefly.
  console.error(`Consumer failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  process.exitCode = 1;
}
