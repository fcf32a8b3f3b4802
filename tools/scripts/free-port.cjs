// The workspace's one free-port helper, for what cannot be told to listen on port 0 and
// report the port it got: a redis-server (`--port 0` turns its TCP listener off), the
// monitor address in CURIO_MONITOR, a port nothing listens on for an ECONNREFUSED test.
// Everything else listens on port 0 and reads the bound port (getsocknameInet(),
// onListening's { port }, the `Server listening at` line of an example), which cannot
// race. This one binds and releases, so another process may take the port in between:
// callers that start a server on it retry with another port.
'use strict';
const net = require('node:net');

/** A TCP port on 127.0.0.1 that nothing listened on a moment ago (the kernel's pick for port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

module.exports = { freePort };
