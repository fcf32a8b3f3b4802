/**
 * The producer half of a producer/consumer pair over a message channel (Curio's
 * `Channel`, after Python's `multiprocessing.connection`): it waits for a consumer,
 * both prove they know the shared key, then it sends ten work items and a `null`
 * sentinel. Messages are whole objects (serialised with `node:v8`).
 *
 * Run:  node examples/dist/channel-producer.js [port] [--authkey=KEY] [--diagnostics]   (port 30000, key 'peekaboo' by default)
 * Then: node examples/dist/channel-consumer.js [port] [--authkey=KEY]   (in another terminal)
 * A consumer with the wrong key is turned away; the producer goes on waiting for one with the right key.
 */
import { parseArgs } from 'node:util';
import { sleep, Channel } from 'curio';
import { atMost, commandLine, portNumber } from './support/command-line.js';
import { SERVER_FLAGS, serverMain } from './support/server-main.js';

const { port, authkey, diagnostics } = commandLine('channel-producer.js [PORT] [--authkey=KEY] [--diagnostics]', () => {
  const { values, positionals } = parseArgs({ options: { authkey: { type: 'string', default: 'peekaboo' }, ...SERVER_FLAGS }, allowPositionals: true });
  return { port: portNumber(atMost(positionals, 1)[0], 30000), authkey: values.authkey, diagnostics: values.diagnostics ?? false };
});

function* producer(port: number) {
  // Inside the task: main() ends the process when the task is over, so this is where
  // disposals run.
  using ch = new Channel(['127.0.0.1', port]);
  yield* ch.bind(); // now String(ch) names the port bound, the system's pick for port 0
  console.log('Producer waiting for a consumer at', String(ch));
  using c = yield* ch.accept({ authkey });
  for (let i = 0; i < 10; i++) {
    yield* c.send({ item: i, squared: i * i });
    yield* sleep(100);
  }
  yield* c.send(null); // Sentinel: no more work.
  console.log('Producer done');
}

await serverMain(producer, [port], { diagnostics });
