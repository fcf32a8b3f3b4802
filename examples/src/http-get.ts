/**
 * An HTTP GET from the command line with `@curio/http`'s `request()`: the response body goes
 * to stdout as it arrives.
 *
 * Run:  node examples/dist/http-get.js URL [--timeout=MS]
 *
 * Exit status 0 for a 2xx response; otherwise it names the status (`HTTP 404 Not Found`) or
 * the error (connection refused, timed out after MS ms, ...) on stderr and exits with 1.
 * Bad arguments exit with 2. https: URLs are checked against the system's CAs.
 */
import { parseArgs } from 'node:util';
import { run, awaitPromise, timeoutAfter, TaskTimeout } from 'curio';
import { request, HttpClientError } from '@curio/http';
import { atMost, commandLine, wholeNumber } from './support/command-line.js';

const USAGE = 'http-get.js URL [--timeout=MS]';
const { url, timeout } = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({ options: { timeout: { type: 'string' } }, allowPositionals: true });
  const [url] = atMost(positionals, 1);
  if (url === undefined) throw new RangeError('URL is missing');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new RangeError(`URL expects an http: or https: URL, got '${url}'`);
  return { url, timeout: wholeNumber('--timeout', values.timeout, 30_000) };
});

/** Writes `piece` to stdout, waiting while stdout's buffer is full (a slow pipe holds the download back). */
function write(piece: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(piece, (error) => (error ? reject(error) : resolve()));
  });
}

try {
  const status = await run(function* () {
    return yield* timeoutAfter(timeout, function* () {
      using res = yield* request('GET', url);
      for (let piece = yield* res.body.read(); piece !== null; piece = yield* res.body.read()) yield* awaitPromise(write(piece));
      return res.ok ? null : `HTTP ${res.status}${res.reason === '' ? '' : ` ${res.reason}`}`;
    });
  });
  if (status !== null) {
    console.error(status);
    process.exitCode = 1;
  }
} catch (error) {
  if (error instanceof TaskTimeout) console.error(`${url}: timed out after ${timeout} ms`);
  else if (error instanceof HttpClientError) console.error(error.message);
  else throw error;
  process.exitCode = 1;
}

