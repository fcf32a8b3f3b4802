/**
 * The example HTTP server (its own process) driven by curl, the real binary (installed
 * from Debian's package when missing): every route of the example's contract, request
 * bodies with a Content-Length and chunked, a chunked response read raw, and keep-alive
 * reuse as curl itself reports it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCurl, HELLO, httpStats, runCommand, startHttpServer, type CommandResult } from '../src/http-tools.js';
import type { ServerProcess } from '../src/server-process.js';

jest.setTimeout(120_000);

let curlPath: string;
let server: ServerProcess;
let dir: string;
let base: string;

/** Runs curl with `args` (silent, errors shown, never a proxy: only 127.0.0.1 is ours). */
function curl(...args: string[]): Promise<CommandResult> {
  return runCommand(curlPath, ['--silent', '--show-error', '--noproxy', '*', ...args]);
}

/** The header lines of a `-D -` / `-i` dump, as `name: value` with names in lower case. */
function headerLines(head: string): string[] {
  return head
    .split('\r\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.replace(/^([^:]+):/, (_, name: string) => `${name.toLowerCase()}:`));
}

beforeAll(async () => {
  curlPath = ensureCurl();
  server = await startHttpServer();
  base = `http://127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), 'curio-http-curl-'));
});

afterAll(async () => {
  await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('GET / answers 200 text/plain "Hello, world!" with its Content-Length', async () => {
  const r = await curl('--include', `${base}/`);
  expect(r.code).toBe(0);
  const [head, body] = r.stdout.toString().split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 200 /);
  expect(headerLines(head)).toEqual(expect.arrayContaining([expect.stringMatching(/^content-type: text\/plain/), 'content-length: 14']));
  expect(body).toBe(HELLO);
});

test('HEAD / answers the same head, Content-Length 14, and no body', async () => {
  // --head: curl reads no body after a HEAD; -w prints how many body bytes it saw.
  const r = await curl('--head', '--write-out', 'body bytes: %{size_download}\n', `${base}/`);
  expect(r.code).toBe(0);
  const text = r.stdout.toString();
  expect(text).toMatch(/^HTTP\/1\.1 200 /);
  expect(headerLines(text.split('\r\n\r\n')[0])).toContain('content-length: 14');
  expect(text.endsWith('\r\n\r\nbody bytes: 0\n')).toBe(true);
});

describe('POST /echo sends a file back byte for byte', () => {
  let file: string;
  let data: Buffer;
  beforeAll(() => {
    data = randomBytes(256 * 1024);
    file = join(dir, 'body.bin');
    writeFileSync(file, data);
  });

  test('with a Content-Length (--data-binary @file: -d without stripping newlines), and its Content-Type', async () => {
    const r = await curl('--verbose', '--data-binary', `@${file}`, '-H', 'Content-Type: application/x-curio-test', `${base}/echo`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`> Content-Length: ${data.length}`);
    expect(r.stdout.equals(data)).toBe(true);
    expect(r.stderr).toMatch(/< content-type: application\/x-curio-test/i);
  });

  test('-d @file: what curl sends (the file without its line breaks, form-encoded), back as sent', async () => {
    const text = join(dir, 'form.txt');
    writeFileSync(text, 'name=curio\nlines=three\r\nend=1\n');
    const r = await curl('--verbose', '-d', `@${text}`, `${base}/echo`);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('name=curiolines=threeend=1');
    expect(r.stderr).toMatch(/< content-type: application\/x-www-form-urlencoded/i);
  });

  test('chunked (-H "Transfer-Encoding: chunked")', async () => {
    const r = await curl('--verbose', '--data-binary', `@${file}`, '-H', 'Transfer-Encoding: chunked', '-H', 'Content-Type: application/octet-stream', `${base}/echo`);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/> Transfer-Encoding: chunked/i);
    expect(r.stderr).not.toMatch(/> Content-Length/i);
    expect(r.stdout.equals(data)).toBe(true);
  });
});

test('GET /stream?n=5 is chunked, five chunks "chunk I\\n", exactly (read raw: the framing as sent)', async () => {
  const r = await curl('--include', '--raw', `${base}/stream?n=5`);
  expect(r.code).toBe(0);
  const [head, ...rest] = r.stdout.toString().split('\r\n\r\n');
  expect(headerLines(head)).toContain('transfer-encoding: chunked');
  expect(headerLines(head).some((l) => l.startsWith('content-length:'))).toBe(false);
  const chunks = [0, 1, 2, 3, 4].map((i) => `8\r\nchunk ${i}\n\r\n`).join('');
  expect(rest.join('\r\n\r\n')).toBe(`${chunks}0\r\n\r\n`);
  // And decoded, as a user sees it.
  const decoded = await curl(`${base}/stream?n=5`);
  expect(decoded.stdout.toString()).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n');
});

test('two URLs in one curl run share one keep-alive connection', async () => {
  const before = await httpStats(server.port);
  const r = await curl('--verbose', `${base}/`, `${base}/stream?n=2`);
  expect(r.code).toBe(0);
  expect(r.stdout.toString()).toBe(`${HELLO}chunk 0\nchunk 1\n`);
  expect(r.stderr).toMatch(/Re-using existing connection/);
  expect(r.stderr.match(/Connected to /g)).toHaveLength(1);
  // Both requests were handled (the stats request before this one counts too).
  expect((await httpStats(server.port)).requests - before.requests).toBe(3);
});

test('an unknown path answers 404', async () => {
  const r = await curl('--output', '/dev/null', '--write-out', '%{http_code}', `${base}/no/such/route`);
  expect(r.code).toBe(0);
  expect(r.stdout.toString()).toBe('404');
});
