/**
 * The consumer half of the producer/consumer pair (see channel-producer.ts): it connects
 * to the producer's channel with the shared key and prints what it receives until the
 * `null` sentinel.
 *
 * Run:  node examples/dist/channel-consumer.js [port] [--authkey=KEY]   (port 30000, key 'peekaboo' by default)
 */
import { run, sleep, Channel, IOError } from 'curio';
import { portArgument } from './support/server-main.js';

/** The shared secret: both ends must use the same one (`--authkey=...` to change it). */
const AUTHKEY = process.argv.find((a) => a.startsWith('--authkey='))?.slice('--authkey='.length) ?? 'peekaboo';

/** Connects, retrying for a while if the producer is not listening yet. */
function* connect(ch: Channel) {
  for (let attempt = 1; ; attempt++) {
    try {
      return yield* ch.connect({ authkey: AUTHKEY });
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
  await run(consumer, { args: [new Channel(['127.0.0.1', portArgument(process.argv.slice(2), 30000)])] });
} catch (e) {
  // A wrong key (AuthenticationError), no producer (ECONNREFUSED), ...: say so, briefly.
  console.error(`Consumer failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  process.exitCode = 1;
}
