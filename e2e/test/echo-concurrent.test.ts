/**
 * The seed's echo server, as its own process, under a thousand concurrent clients each
 * echoing 1 MiB of random data, checked byte for byte.
 */
import { connectMany, echoExchange, RandomPool } from '../src/clients.js';
import { ServerProcess } from '../src/server-process.js';

jest.setTimeout(600_000);

const CLIENTS = 1000;
const BYTES = 1024 * 1024;

let server: ServerProcess;

beforeAll(async () => {
  server = await ServerProcess.start();
});

afterAll(async () => {
  await server.dispose();
});

test('1,000 concurrent clients each get their 1 MiB of random data echoed back byte for byte', async () => {
  const pool = new RandomPool(BYTES);
  // Every client is connected before any sends: all 1,000 are served at the same time.
  const sockets = await connectMany(server.port, CLIENTS, server);
  const results = await Promise.all(sockets.map((s, i) => echoExchange(s, pool.window(i))));

  const failures = results.map((r, i) => ({ i, ...r })).filter((r) => r.received !== BYTES || r.mismatchAt !== null || r.error !== null || !r.sawEnd);
  expect(failures).toEqual([]);
  expect(results.reduce((sum, r) => sum + r.received, 0)).toBe(CLIENTS * BYTES);

  // The server saw every connection come and go, and its connection tasks are gone.
  expect(server.count('Connection from')).toBe(CLIENTS);
  await server.waitForCount('Connection closed', CLIENTS);
  const stats = await server.statsWhen((s) => s.tasks === 1);
  expect(stats.byName).toEqual({ echoServer: 1 });
  expect(stats.created).toBe(1 + CLIENTS);
  expect(stats.crashed).toBe(0);
});
