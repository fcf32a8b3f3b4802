/**
 * The producer half of a producer/consumer pair over a message channel (Curio's
 * `Channel`, after Python's `multiprocessing.connection`): it waits for a consumer,
 * both prove they know the shared key, then it sends ten work items and a `null`
 * sentinel. Messages are whole objects (serialised with `node:v8`).
 *
 * Run:  node examples/dist/channel-producer.js [port] [--authkey=KEY]   (port 30000, key 'peekaboo' by default)
 * Then: node examples/dist/channel-consumer.js [port] [--authkey=KEY]   (in another terminal)
 * A consumer with the wrong key is turned away; the producer goes on waiting for one with the right key.
 */
import { sleep, Channel } from 'curio';
import { portArgument, serverMain } from './support/server-main.js';

/** The shared secret: both ends must use the same one (`--authkey=...` to change it). */
const AUTHKEY = process.argv.find((a) => a.startsWith('--authkey='))?.slice('--authkey='.length) ?? 'peekaboo';

function* producer(port: number) {
  // Inside the task: main() ends the process when the task is over, so this is where
  // disposals run.
  using ch = new Channel(['127.0.0.1', port]);
  console.log('Producer waiting for a consumer at', String(ch));
  using c = yield* ch.accept({ authkey: AUTHKEY });
  for (let i = 0; i < 10; i++) {
    yield* c.send({ item: i, squared: i * i });
    yield* sleep(100);
  }
  yield* c.send(null); // Sentinel: no more work.
  console.log('Producer done');
}

await serverMain(producer, [portArgument(process.argv.slice(2), 30000)]);
