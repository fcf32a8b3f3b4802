/**
 * An echo server on a Unix domain socket (Curio's `unix_echo.py`), with `unixServer`.
 *
 * Run:  node examples/dist/unix-echo.js [path]   (default: curio-unix-echo in the temp directory)
 * Try:  node -e "const c=require('net').connect(process.argv[1]);c.on('data',d=>{console.log(String(d));c.end()});c.write('hello')" /tmp/curio-unix-echo
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unixServer, type Socket, type SocketAddress } from 'curio';
import { serverMain } from './support/server-main.js';

function* echoHandler(client: Socket, address: SocketAddress) {
  console.log('Connection from', address || '(unnamed Unix socket)');
  while (true) {
    const data = yield* client.recv(10000);
    if (data.length === 0) break;
    yield* client.sendall(data);
  }
  console.log('Connection closed');
}

const path = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(tmpdir(), 'curio-unix-echo');
// A socket file left by an earlier run would make the bind fail.
rmSync(path, { force: true });
await serverMain(function* main() {
  yield* unixServer(path, echoHandler, { onListening: () => console.log('Server listening at', path) });
}, []);
