/**
 * The example HTTP server (its own process) with 1,000 keep-alive connections open at
 * once, each making several requests in turn (`GET /`, `POST /echo` of its own random
 * body, `GET /stream?n=3`, `GET /` again): every answer checked, no connection opened
 * twice, and once the clients close, `/stats` shows their connections gone.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { HOST, RandomPool } from '../src/clients.js';
import { HELLO, httpStats, httpStatsWhen, startHttpServer } from '../src/http-tools.js';
import type { ServerProcess } from '../src/server-process.js';

jest.setTimeout(600_000);

const CLIENTS = 1000;
const ECHO_BYTES = 4096;

let server: ServerProcess;

beforeAll(async () => {
  // Idle keep-alive connections must outlive the slowest wave of 1,000 requests on a loaded machine.
  server = await startHttpServer(['--keep-alive-timeout=120000']);
});

afterAll(async () => {
  await server.dispose();
});

interface Answer {
  status: number;
  body: Buffer;
  socket: Socket;
}

function send(agent: Agent, port: number, method: string, path: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, method, path, agent, headers: body === undefined ? {} : { 'content-type': 'application/octet-stream' } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), socket: req.socket! }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('1,000 concurrent keep-alive connections each make 4 requests; all are answered, and the connections are gone after the clients close', async () => {
  const port = server.port;
  const idle = await httpStats(port);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS, maxFreeSockets: CLIENTS });
  const pool = new RandomPool(ECHO_BYTES);
  const sockets = new Set<Socket>();
  const failures: string[] = [];
  const check = (i: number, what: string, a: Answer, expected: Buffer | string) => {
    sockets.add(a.socket);
    if (a.status !== 200 || !a.body.equals(Buffer.from(expected))) failures.push(`client ${i} ${what}: ${a.status}, ${a.body.length} bytes`);
  };

  // Wave 1: 1,000 requests at once, so the agent opens 1,000 connections (a connect that
  // finds the listen backlog full is retried by the kernel); every one stays open (keep-alive).
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => check(i, 'GET /', await send(agent, port, 'GET', '/'), HELLO)));
  expect(sockets.size).toBe(CLIENTS);
  const open = await httpStats(port);
  expect(open.connections).toBe(idle.connections + CLIENTS);

  // Waves 2 to 4: all 1,000 at once, each on a connection the agent already has.
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => check(i, 'POST /echo', await send(agent, port, 'POST', '/echo', pool.window(i)), pool.window(i))));
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => check(i, 'GET /stream?n=3', await send(agent, port, 'GET', '/stream?n=3'), 'chunk 0\nchunk 1\nchunk 2\n')));
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => check(i, 'GET / again', await send(agent, port, 'GET', '/'), HELLO)));

  expect(failures).toEqual([]);
  // No connection was opened twice: every request after the first wave reused one.
  expect(sockets.size).toBe(CLIENTS);
  const served = await httpStats(port);
  // 4,000 requests, and the two stats requests before this one.
  expect(served.requests - idle.requests).toBe(4 * CLIENTS + 2);

  agent.destroy();
  const after = await httpStatsWhen(port, (s) => s.connections === idle.connections);
  expect(after.connections).toBe(idle.connections);
  expect(after.inFlight).toBe(idle.inFlight);
});
