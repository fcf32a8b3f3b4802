/**
 * An echo server on a Unix domain socket (Curio's `unix_echo.py`), with `unixServer`.
 *
 * Run:  node examples/dist/unix-echo.js [path] [--diagnostics]   (default: curio-unix-echo in the temp directory)
 * Try:  node -e "const c=require('net').connect(process.argv[1]);c.on('data',d=>{console.log(String(d));c.end()});c.write('hello')" /tmp/curio-unix-echo
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { unixServer, type Socket, type SocketAddress } from 'curio';
import { atMost, commandLine } from './support/command-line.js';
import { SERVER_FLAGS, serverMain } from './support/server-main.js';

function* echoHandler(client: Socket, address: SocketAddress) {
  console.log('Connection from', address || '(unnamed Unix socket)');
  while (true) {
    const data = yield* client.recv(10000);
    if (data.length === 0) break;
    yield* client.sendall(data);
  }
  console.log('Connection closed');
}

const { path, diagnostics } = commandLine('unix-echo.js [PATH] [--diagnostics]', () => {
  const { values, positionals } = parseArgs({ options: SERVER_FLAGS, allowPositionals: true });
  return { path: atMost(positionals, 1)[0] ?? join(tmpdir(), 'curio-unix-echo'), diagnostics: values.diagnostics ?? false };
});
// A socket file left by an earlier run would make the bind fail.
rmSync(path, { force: true });
await serverMain(function* main() {
  yield* unixServer(path, echoHandler, { onListening: () => console.log('Server listening at', path) });
}, [], { diagnostics });
