/**
 * Shutting the seed's echo server (its own process) down while a client that never reads
 * is connected: the server's `sendall` to it is stuck, and on SIGTERM the server must
 * still cancel it, release the connection and exit with status 143 (128 + SIGTERM, as `main()` does), not wait for the
 * client to read or leave.
 */
import type { Socket } from 'node:net';
import { connectOne, delay, waitUpTo } from '../src/clients.js';
import { ServerProcess } from '../src/server-process.js';

jest.setTimeout(300_000);

const MiB = 1024 * 1024;

let server: ServerProcess | null = null;
let client: Socket | null = null;

afterEach(async () => {
  client?.destroy();
  await server?.dispose();
  server = client = null;
});

test('SIGTERM with a client that never reads: the server exits with status 143 while the client is still connected', async () => {
  // --diagnostics logs the first time the connection task waits in WRITE_WAIT: its sendall is stuck.
  const s = (server = await ServerProcess.start({ args: (port) => [String(port), '--diagnostics'] }));
  const c = (client = await connectOne(s.port));
  c.pause(); // never reads: the echo piles up in the server
  // Far more than every buffer on the way holds, so the server's echo cannot complete.
  c.write(Buffer.alloc(64 * MiB, 'x'));
  await s.waitForLine((line) => /echoClient waits in WRITE_WAIT/.test(line));
  // And the server has stopped reading from the client: the client's own writes back up.
  while (c.writableLength === 0) await delay(50);
  expect(c.destroyed).toBe(false);

  // A server that waits for its client would never exit: report it rather than hang.
  const status = await waitUpTo(30_000, s.stop('SIGTERM'));

  expect(status).toEqual({ code: 143, signal: null });
  expect(s.lines).toContain('Server shutting down (SIGTERM)');
  expect(s.stderr).toBe('');
});
