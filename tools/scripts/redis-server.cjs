// A throwaway redis-server for tests and benchmarks: installs Debian's `redis-server`
// package when it is missing (debian-command.cjs), starts one on a free
// 127.0.0.1 port with a config of its own in a temporary directory (no persistence, no
// other interface) and stops it again. Used by libs/redis's jest globalSetup and by the
// redis benchmark in tools/bench.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
// redis-server cannot report a port it picked: `--port 0` turns its TCP listener off.
const { freePort } = require('./free-port.cjs');
const os = require('node:os');
const { ensureCommand } = require('./debian-command.cjs');
const path = require('node:path');

/** The path of redis-server, installing the Debian package first if there is none. */
function ensureRedisServer() {
  return ensureCommand('redis-server');
}

/** Resolves once `PING` on 127.0.0.1:port answers `+PONG`; rejects if the child exits. */
function waitReady(port, child) {
  return new Promise((resolve, reject) => {
    let done = false;
    const onExit = (code, signal) => finish(new Error(`redis-server exited (${code ?? signal}) before it was ready`));
    child.once('exit', onExit);
    const finish = (error) => {
      if (done) return;
      done = true;
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const attempt = () => {
      if (done) return;
      const sock = net.connect(port, '127.0.0.1');
      let reply = '';
      sock.on('connect', () => sock.write('PING\r\n'));
      sock.on('data', (d) => {
        reply += d;
        if (reply.includes('\r\n')) {
          sock.destroy();
          if (reply.startsWith('+PONG')) finish();
          else setTimeout(attempt, 50);
        }
      });
      sock.on('error', () => {
        sock.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Starts a redis-server on a free 127.0.0.1 port. Resolves to `{ port, pid, dir, stop, kill }`;
 * `stop()` ends the server (SIGTERM, then SIGKILL) and removes its directory; `kill()`
 * SIGKILLs it and keeps the directory (for a restart).
 * Options (for tests that kill and restart a server): `port` (that port, not a free one),
 * `dir` (that directory, kept by `stop()`), `persist` (an append-only file synced at every
 * write, so a server killed and started again in the same `dir` has every write it acknowledged).
 */
async function startRedisServer(options = {}) {
  const binary = ensureRedisServer();
  let lastError = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? await freePort();
    const ownDir = options.dir === undefined;
    const dir = ownDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'curio-redis-')) : options.dir;
    const config = path.join(dir, 'redis.conf');
    fs.writeFileSync(config, [
      'bind 127.0.0.1',
      `port ${port}`,
      'protected-mode yes',
      'save ""',
      ...(options.persist ? ['appendonly yes', 'appendfsync always'] : ['appendonly no']),
      `dir ${dir}`,
      'daemonize no',
      `logfile ${path.join(dir, 'redis.log')}`,
      'databases 16',
      '',
    ].join('\n'));
    const child = spawn(binary, [config], { stdio: 'ignore' });
    try {
      await waitReady(port, child);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
      if (options.port !== undefined) await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const kill = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    const stop = () => new Promise((resolve) => {
      const cleanup = () => {
        if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return cleanup();
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        cleanup();
      });
      child.kill('SIGTERM');
    });
    return { port, pid: child.pid, dir, stop, kill };
  }
  throw lastError;
}

module.exports = { startRedisServer, ensureRedisServer };
