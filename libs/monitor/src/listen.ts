/**
 * Where the monitor's worker listens: TCP, or a Unix socket only its owner can reach.
 *
 * Sent to the worker as source text (see worker-source.ts): it uses only its arguments
 * and Node's built-ins through `require`.
 * @packageDocumentation
 */
import type { Server } from 'node:net';
import type { MonitorAddress } from './options.js';

/**
 * @internal Starts `server` listening on `address`, calling `listening` with the address
 * bound or `failed` with why not; returns what to call when the server closes.
 *
 * A Unix socket is made with mode 0600 and never reachable before: it is bound inside a
 * fresh directory of mode 0700 beside the path, set to 0600, and only then renamed onto
 * the path (a rename also replaces a stale socket there at once). A socket someone still
 * listens on, or a path that is not a socket, is left alone. The returned function stops a
 * bind still under way; the kernel's thread removes the socket itself (socket-file.ts).
 */
export function listenConsole(server: Server, address: MonitorAddress, listening: (bound: MonitorAddress) => void, failed: (error: Error) => void): () => void {
  if (address.path === undefined) {
    server.listen(address.port, address.host, () => {
      const bound = server.address();
      if (bound !== null && typeof bound === 'object') listening({ host: bound.address, port: bound.port });
    });
    return () => {};
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fs = require('node:fs') as typeof import('node:fs');
  const net = require('node:net') as typeof import('node:net');
  const { dirname, join } = require('node:path') as typeof import('node:path');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const path = address.path;
  let privateDir: string | null = null;
  let released = false;
  const removePrivateDir = () => {
    if (privateDir !== null) fs.rmSync(privateDir, { recursive: true, force: true });
    privateDir = null;
  };
  const fail = (error: unknown) => {
    removePrivateDir();
    failed(error instanceof Error ? error : new Error(String(error)));
  };

  const bind = () => {
    if (released) return;
    try {
      privateDir = fs.mkdtempSync(join(dirname(path), '.cm-'));
    } catch (error) {
      return fail(error);
    }
    const bindPath = join(privateDir, 's');
    server.listen(bindPath, () => {
      if (released) return void server.close();
      try {
        fs.chmodSync(bindPath, 0o600);
        fs.renameSync(bindPath, path);
        removePrivateDir();
      } catch (error) {
        server.close();
        return fail(error);
      }
      listening({ path });
    });
  };

  // What is at the path already: nothing, a stale socket (replaced), or something to keep.
  let existing: import('node:fs').Stats | null = null;
  try {
    existing = fs.lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error);
    else bind();
  }
  if (existing !== null && !existing.isSocket()) {
    fail(new Error(`${path} exists and is not a socket; not replacing it`));
  } else if (existing !== null) {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      fail(Object.assign(new Error(`another program is listening at ${path}`), { code: 'EADDRINUSE' }));
    });
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? bind() : fail(error)));
  }

  return () => {
    released = true;
    removePrivateDir();
  };
}
