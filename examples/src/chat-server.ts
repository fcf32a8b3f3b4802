/**
 * The chat server of Curio's examples (`chat.py`): each client gives a name, then every
 * line it types goes to everyone else. One dispatcher task fans messages out; each client
 * has a reader task (its lines into the shared queue) and a writer task (its own queue out
 * to its socket), run in a task group that ends as soon as either does. Each message is
 * logged with the address of the client that sent it (a task-local value, as in Curio).
 *
 * Run:  node examples/dist/chat-server.js [port] [--diagnostics]   (port 25000 by default)
 * Try:  two or more `nc localhost 25000`, type a name, then lines.
 */
import { CancelledError, Queue, TaskLocal, withTaskGroup, tcpServer, type Socket, type SocketAddress, type SocketStream } from 'curio';
import { formatAddress, serverArguments, serverMain } from './support/server-main.js';

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
  console.log(formatAddress(local.get()), 'published', JSON.stringify(msg.text));
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
  console.log('Connection from', formatAddress(addr));
  local.set(addr);
  const stream = client.asStream();
  yield* stream.write('Your name: ');
  const name = (yield* stream.readline()).toString().trim();
  // Subscribe before announcing: from the "joined" line on, this client misses nothing.
  const queue = new Queue<Message>();
  subscribers.add(queue);
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
  console.log(formatAddress(addr), 'connection closed');
}

function* chatServer(host: string, port: number) {
  yield* withTaskGroup(function* (g) {
    yield* g.spawn(dispatcher);
    yield* g.spawn(tcpServer, host, port, chatHandler, { onListening: () => console.log('Server listening at', formatAddress([host, port])) });
  });
}

const { port, diagnostics } = serverArguments('chat-server.js [PORT] [--diagnostics]', 25000);
await serverMain(chatServer, ['', port], { diagnostics });
