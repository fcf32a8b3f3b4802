/**
 * The chat server of Curio's examples (`chat.py`): each client gives a name, then every
 * line it types goes to everyone else. One dispatcher task fans messages out; each client
 * has a reader task (its lines into the shared queue) and a writer task (its own queue out
 * to its socket), run in a task group that ends as soon as either does. Each message is
 * logged with the address of the client that sent it (a task-local value, as in Curio).
 * This file is the tutorial's complete chat program (docs/tutorial.md, "A chat server"),
 * byte for byte, so it imports only public packages.
 *
 * Run:  node examples/dist/chat-server.js [PORT]   (port 25000 by default; 0: any free port)
 * Try:  two or more `nc localhost 25000`, type a name, then lines.
 */
import { parseArgs } from 'node:util';
import { CancelledError, main, Queue, TaskLocal, tcpServer, withTaskGroup, type Socket, type SocketAddress, type SocketStream } from 'curio';

/** A line said by someone; `from` is the speaker's own queue, which does not get it back. */
interface Message {
  from: Queue<Message> | null;
  text: string;
}

const messages = new Queue<Message>();
const subscribers = new Set<Queue<Message>>();
/** The client a task serves (its workers inherit it), for the log. */
const local = new TaskLocal<SocketAddress>('');

function* dispatcher() {
  while (true) {
    const msg = yield* messages.get();
    for (const q of subscribers) if (q !== msg.from) yield* q.put(msg);
  }
}

function* publish(msg: Message) {
  console.log(JSON.stringify(local.get()), 'published', JSON.stringify(msg.text));
  yield* messages.put(msg);
}

function* outgoing(stream: SocketStream, queue: Queue<Message>) {
  while (true) {
    const msg = yield* queue.get();
    yield* stream.write(msg.text);
  }
}

function* incoming(stream: SocketStream, name: string, queue: Queue<Message>) {
  try {
    while (true) {
      const line = yield* stream.readline();
      if (line.length === 0) break;
      yield* publish({ from: queue, text: `${name}: ${line.toString()}` });
    }
  } catch (e) {
    if (e instanceof CancelledError) yield* stream.write('SERVER IS GOING DOWN!\n');
    throw e;
  }
}

function* chatHandler(client: Socket, addr: SocketAddress) {
  console.log('Connection from', JSON.stringify(addr));
  local.set(addr);
  const stream = client.asStream();
  yield* stream.write('Your name: ');
  const name = (yield* stream.readline()).toString().trim();
  const queue = new Queue<Message>();
  subscribers.add(queue); // subscribe first: from "joined" on, nothing is missed
  try {
    yield* publish({ from: queue, text: `${name} joined\n` });
    yield* withTaskGroup({ wait: 'any' }, function* (workers) {
      yield* workers.spawn(outgoing, stream, queue);
      yield* workers.spawn(incoming, stream, name, queue);
    });
  } finally {
    subscribers.delete(queue);
  }
  yield* publish({ from: queue, text: `${name} has gone away\n` });
  console.log(JSON.stringify(addr), 'connection closed');
}

function* chatServer(host: string, port: number) {
  yield* withTaskGroup(function* (g) {
    yield* g.spawn(dispatcher);
    // The port bound, which is not the one asked for when that is 0.
    yield* g.spawn(tcpServer, host, port, chatHandler, { onListening: (_sock, address) => console.log('Server listening at port', address.port) });
  });
}

/** The command line, `[PORT]`; anything else exits with a usage line and status 2. */
function portFromCommandLine(): number {
  try {
    const { positionals } = parseArgs({ allowPositionals: true });
    if (positionals.length > 1) throw new Error(`unexpected argument '${positionals[1]}'`);
    const text = positionals[0] ?? '25000';
    const port = text.trim() === '' ? Number.NaN : Number(text); // Number('') would be 0
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT expects a port number (0-65535), got '${text}'`);
    return port;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : String(e)}\nusage: chat-server.js [PORT]`);
    process.exit(2);
  }
}

// main(): Ctrl-C or SIGTERM cancels the server, every client task included, and exits (130/143).
await main(chatServer, { args: ['', portFromCommandLine()], onShutdown: (signal) => console.log(`Server shutting down (${signal})`) });
