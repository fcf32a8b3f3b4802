/**
 * One console client's session over a real socket, with the server's side of it in this
 * process so the test can read how much it holds for the client.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { formatTable } from '../src/console.js';
import { serveSession } from '../src/session.js';
import type { TaskRow } from '../src/protocol.js';

const PROMPT = 'curio > ';
/** A `ps` answer of 40 rows (about 4 KB), as a program with 40 tasks gives. */
const TABLE = formatTable(Array.from({ length: 40 }, (_, i): TaskRow => ({ id: i + 1, name: `task${i}`, state: 'READ_WAIT', cycles: i, timeout: null, sleep: null, parentId: 1, daemon: false })));

/** A server whose sessions answer every command with TABLE, counting commands run. */
async function tableServer(): Promise<{ server: Server; port: number; sessions: Socket[]; ran: () => number }> {
  let ran = 0;
  const sessions: Socket[] = [];
  const server = createServer((socket) => {
    sessions.push(socket);
    serveSession(socket, { run: async () => (ran++, { text: TABLE }), greeting: Promise.resolve('hello'), maxLine: 4096, tooLong: 'Line too long' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, sessions, ran: () => ran };
}

/**
 * Sends 100,000 `ps` without reading, checks what the server holds until it is stalled on
 * the client, then reads and checks every answer comes.
 */
async function flood(client: Socket, sessions: Socket[], ran: () => number): Promise<void> {
  client.pause(); // never reads until told to
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const commands = 100_000;
  client.write('ps\n'.repeat(commands));
  while (sessions.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  const session = sessions[0];
  const cap = session.writableHighWaterMark + TABLE.length + PROMPT.length + 1;

  // Until the server is stalled on the client (or, without a bound, overshoots it), record
  // the most it holds: unsent output, and input read from the client but not yet run.
  let held = 0;
  let inputRead = 0;
  let lastRan = -1;
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      held = Math.max(held, session.writableLength);
      inputRead = Math.max(inputRead, session.bytesRead - ran() * 3);
      const stalled = ran() === lastRan && session.writableNeedDrain;
      lastRan = ran();
      if (stalled || held > cap || ran() === commands) {
        clearInterval(check);
        resolve();
      }
    }, 50);
  });
  expect(held).toBeLessThanOrEqual(cap);
  // It stops reading too: what it has read and not run is at most a line's worth, the chunk
  // that brought it (64 KB reads) and what the paused stream took in before it stopped reading.
  expect(inputRead).toBeLessThanOrEqual(4096 + 2 * Math.max(65536, session.readableHighWaterMark));
  expect(ran()).toBeLessThan(commands);

  // Once the client reads, every answer comes, in order.
  let received = '';
  let prompts = 0;
  client.setEncoding('utf8');
  await new Promise<void>((resolve) => {
    client.on('data', (chunk: string) => {
      received += chunk;
      const parts = received.split(PROMPT);
      prompts += parts.length - 1;
      received = parts[parts.length - 1];
      if (prompts === commands + 1) resolve();
    });
    client.resume();
  });
  expect({ prompts, ran: ran() }).toEqual({ prompts: commands + 1, ran: commands });
}

test("a client that sends 100,000 ps and does not read: the server holds at most one answer past the stream's mark, and stops reading it", async () => {
  const { server, port, sessions, ran } = await tableServer();
  const client = connect(port, '127.0.0.1');
  try {
    await flood(client, sessions, ran);
  } finally {
    client.destroy();
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
