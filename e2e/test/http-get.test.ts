/**
 * The example HTTP client (`examples/dist/http-get.js`, its own process) against a
 * `node:http` server in the test process: the body on stdout and exit 0 for a 2xx
 * (with a Content-Length, chunked, and large), and for a 404, a refused connection and a
 * server that never answers (`--timeout`) a non-zero exit naming what happened on stderr.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../tools/scripts/free-port.cjs';
import { HTTP_GET, runCommand } from '../src/http-tools.js';

jest.setTimeout(120_000);

const LARGE = randomBytes(3 * 1024 * 1024);
/** Responses the server is holding (the never-answering route), ended after each test. */
const held: ServerResponse[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 6 });
      res.end('hello\n');
    } else if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 3; i++) res.write(`part ${i}\n`);
      res.end();
    } else if (req.url === '/large') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(LARGE);
    } else if (req.url === '/never') {
      held.push(res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such page\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const res of held.splice(0)) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (...args: string[]) => runCommand(process.execPath, [HTTP_GET, ...args]);

test('200 with a Content-Length: the body on stdout, exit 0, nothing on stderr', async () => {
  const r = await get(`${base}/hello`);
  expect(r).toEqual({ code: 0, stdout: Buffer.from('hello\n'), stderr: '' });
});

test('200 chunked: the decoded body on stdout, exit 0', async () => {
  const r = await get(`${base}/chunked`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.toString()).toBe('part 0\npart 1\npart 2\n');
});

test('200 with 3 MiB of random bytes: written to stdout byte for byte', async () => {
  const r = await get(`${base}/large`);
  expect(r.code).toBe(0);
  expect(r.stdout.equals(LARGE)).toBe(true);
});

test('404: a non-zero exit and the status named on stderr', async () => {
  const r = await get(`${base}/missing`);
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stderr).toMatch(/\b404\b/);
});

test('a refused connection: a non-zero exit and "refused" on stderr', async () => {
  // A port nothing listens on (freePort's probe has closed it again).
  const port = await freePort();
  const r = await get(`http://127.0.0.1:${port}/`);
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stderr).toMatch(/refused/i);
  expect(r.stdout.length).toBe(0);
});

test('--timeout against a server that never answers: a non-zero exit and "timed out" on stderr', async () => {
  const r = await get(`${base}/never`, '--timeout=500');
  expect(r.code).not.toBe(0);
  expect(r.code).not.toBeNull();
  expect(r.stderr).toMatch(/timed out/i);
  // The request did reach the server, which was still holding it when the client gave up.
  expect(held).toHaveLength(1);
});
