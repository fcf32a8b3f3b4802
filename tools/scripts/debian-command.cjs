// The workspace's one way to get a command-line tool that tests and benchmarks run for
// real (redis-server, curl, wrk): the path of the command, installing its Debian package
// with apt-get first when it is missing (as root, or through `sudo -n`). Used by
// tools/scripts/redis-server.cjs, the HTTP end-to-end tests (curl) and the HTTP
// benchmark (wrk).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** The path of `command` on PATH (or in the usual system directories), or null. */
function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    const file = path.join(dir, command);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/**
 * The path of `command`, installing the Debian package `debianPackage` (default: the
 * command's name) first if there is none. Progress goes to stderr.
 * @throws Error naming the command when it cannot be installed (not root and no sudo,
 * apt-get failing, or the package not providing the command).
 */
function ensureCommand(command, debianPackage = command) {
  const found = which(command);
  if (found !== null) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = root ? [] : ['sudo', '-n'];
  if (!root && which('sudo') === null) {
    throw new Error(`${command} is not installed and this user cannot install it (not root, no sudo): run \`apt-get install -y ${debianPackage}\` as root`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', '--no-install-recommends', debianPackage]]) {
    const cmd = [...prefix, ...args];
    process.stderr.write(`${command} missing: running ${cmd.join(' ')}\n`);
    const r = spawnSync(cmd[0], cmd.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`installing ${command} failed: \`${cmd.join(' ')}\` exited with ${r.status ?? r.signal}`);
  }
  const installed = which(command);
  if (installed === null) throw new Error(`apt-get installed ${debianPackage} but ${command} is not on PATH`);
  return installed;
}

module.exports = { ensureCommand, which };
