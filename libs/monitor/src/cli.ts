#!/usr/bin/env node
/**
 * `curio-monitor [HOST:PORT | PORT | unix:PATH]`: the monitor's command-line client. Connects to a
 * program's monitor console (default 127.0.0.1:48802, or `CURIO_MONITOR`), with a
 * prompt and a command history (kept in ~/.curio_monitor_history) in a terminal. Piped
 * input is sent a line at a time, each after the answer to the one before.
 * @packageDocumentation
 */
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatMonitorAddress, parseMonitorAddress } from './options.js';
import { consoleUsage } from './console.js';

const PROMPT = 'curio > ';
const HISTORY_FILE = join(homedir(), '.curio_monitor_history');
const HISTORY_SIZE = 500;

function usage(): string {
  return `Usage: curio-monitor [HOST:PORT | PORT | unix:PATH]   (default 127.0.0.1:48802, or CURIO_MONITOR)\nCommands once connected: ${consoleUsage()}`;
}

function readHistory(): string[] {
  try {
    return existsSync(HISTORY_FILE) ? readFileSync(HISTORY_FILE, 'utf8').split('\n').filter((l) => l !== '').reverse().slice(0, HISTORY_SIZE) : [];
  } catch {
    return [];
  }
}

function main(argv: readonly string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  let address;
  try {
    address = parseMonitorAddress(argv[0] ?? process.env.CURIO_MONITOR ?? '1');
  } catch (error) {
    console.error(`curio-monitor: ${(error as Error).message}\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const socket = address.path === undefined ? connect(address.port, address.host) : connect(address.path);
  socket.setEncoding('utf8');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal, prompt: PROMPT, history: terminal ? readHistory() : [], historySize: HISTORY_SIZE });
  const queued: string[] = [];
  let serverReady = false;
  let inputDone = false;
  let received = '';

  const sendNext = () => {
    if (!serverReady) return;
    const line = queued.shift();
    if (line !== undefined) {
      serverReady = false;
      socket.write(`${line}\n`);
    } else if (inputDone) {
      serverReady = false;
      socket.write('quit\n');
    } else if (terminal) {
      rl.prompt();
    }
  };

  socket.on('data', (chunk: string) => {
    received += chunk;
    if (!received.endsWith(PROMPT)) return;
    const text = received.slice(0, -PROMPT.length);
    received = '';
    if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    serverReady = true;
    sendNext();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`curio-monitor: ${formatMonitorAddress(address)}: ${error.code ?? error.message}`);
    process.exitCode = 1;
  });
  socket.on('close', () => {
    if (received !== '') process.stdout.write(received);
    if (terminal) {
      try {
        writeFileSync(HISTORY_FILE, [...(rl as unknown as { history: string[] }).history].reverse().join('\n') + '\n');
      } catch {
        // No history file is no reason to fail.
      }
    }
    rl.close();
  });
  rl.on('line', (line) => {
    queued.push(line);
    sendNext();
  });
  // Ctrl-C at the prompt leaves, like Ctrl-D.
  rl.on('SIGINT', () => rl.close());
  rl.on('close', () => {
    inputDone = true;
    sendNext();
  });
}

main(process.argv.slice(2));
