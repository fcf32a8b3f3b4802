/**
 * The monitor console, as it runs in its worker thread: a TCP server speaking a line
 * protocol (`ps`, `where ID`, `cancel ID`, `parents ID`, `signal NAME`, `help`, `quit`).
 *
 * These functions are sent to the worker as source text (see worker-source.ts), so each
 * uses only its arguments, the others below by name, and Node's built-ins through
 * `require`: no imports.
 * @packageDocumentation
 */
import type { TaskRow } from './protocol.js';
import type { ConsoleAnswer, serveSession } from './session.js';
import type { listenConsole } from './listen.js';
import type { originalFrames } from './frames.js';
import type { MonitorAddress } from './options.js';

/** The commands, one line each, for `help` and for the usage line of a bad command. */
export function consoleUsage(): string {
  return 'ps | where ID | cancel ID | parents ID | signal NAME | help | quit';
}

/** The `help` text. */
export function consoleHelp(): string {
  return [
    'Commands:',
    '  ps            : a table of the tasks (id, state, cycles, timeout, sleep, name, parent)',
    '  where ID      : the stack of task ID at its last blocking point',
    '  cancel ID     : cancel task ID and wait until it has finished',
    '  parents ID    : task ID and the tasks that spawned it, up to the main task',
    '  signal NAME   : send signal NAME (e.g. SIGTERM, USR2) to the process',
    '  help          : this text',
    '  quit          : close the console',
  ].join('\n');
}

/** Milliseconds as the table shows them: blank for none, `12ms` below a second, else `1.5s`. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** The `ps` table, in Curio's layout. */
export function formatTable(rows: readonly TaskRow[]): string {
  const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
  const lines = [
    `${pad('Task', 6)} ${pad('State', 12)} ${pad('Cycles', 10)} ${pad('Timeout', 8)} ${pad('Sleep', 8)} ${pad('Name', 30)} Parent`,
    `${'-'.repeat(6)} ${'-'.repeat(12)} ${'-'.repeat(10)} ${'-'.repeat(8)} ${'-'.repeat(8)} ${'-'.repeat(30)} ------`,
  ];
  for (const r of rows) {
    const name = r.daemon ? `${r.name} (daemon)` : r.name;
    lines.push(`${pad(String(r.id), 6)} ${pad(r.state, 12)} ${pad(String(r.cycles), 10)} ${pad(formatMs(r.timeout), 8)} ${pad(formatMs(r.sleep), 8)} ${pad(name, 30)} ${r.parentId ?? ''}`);
  }
  return lines.join('\n');
}

/** A task and its ancestors, innermost first, from a table (stops at a parent that is gone). */
export function ancestry(rows: readonly TaskRow[], id: number): TaskRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const chain: TaskRow[] = [];
  for (let row = byId.get(id); row !== undefined && !chain.includes(row); row = row.parentId === null ? undefined : byId.get(row.parentId)) chain.push(row);
  return chain;
}

/** A parsed console line: a command with its argument, or the text of the error to answer. */
export type ParsedCommand =
  | { command: 'ps' | 'help' | 'quit' | 'empty' }
  | { command: 'where' | 'cancel' | 'parents'; taskId: number }
  | { command: 'signal'; signal: string }
  | { command: 'error'; message: string };

/** Reads one console line. Bad input gets a usage line naming what was given. */
export function parseCommand(line: string, signalNames: readonly string[]): ParsedCommand {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { command: 'empty' };
  const [name, ...args] = words;
  const command = name.toLowerCase();
  if (command === 'ps' || command === 'help' || command === 'quit' || command === 'exit') {
    if (args.length > 0) return { command: 'error', message: `Usage: ${command} (no arguments; got '${args.join(' ')}')` };
    return { command: command === 'exit' ? 'quit' : command };
  }
  if (command === 'where' || command === 'cancel' || command === 'parents' || command === 'w') {
    const full = command === 'w' ? 'where' : command;
    const id = args.length === 1 && /^\d+$/.test(args[0]) ? Number(args[0]) : NaN;
    if (!Number.isSafeInteger(id)) return { command: 'error', message: `Usage: ${full} ID (a task id from ps; got '${args.join(' ')}')` };
    return { command: full, taskId: id };
  }
  if (command === 'signal') {
    const raw = args.length === 1 ? args[0].toUpperCase() : '';
    const signal = raw.startsWith('SIG') ? raw : `SIG${raw}`;
    if (raw === '' || !signalNames.includes(signal)) return { command: 'error', message: `Usage: signal NAME (a signal such as SIGTERM or USR2; got '${args.join(' ')}')` };
    return { command: 'signal', signal };
  }
  return { command: 'error', message: `Unknown command '${name}'. Usage: ${consoleUsage()}` };
}

/** What the worker is started with. */
export interface ConsoleConfig {
  address: MonitorAddress;
  /** The running-task slot (see protocol.ts): task id and step count. */
  slot: SharedArrayBuffer;
  /** How long to wait for the kernel's thread before answering from the published table. */
  answerMs: number;
}

/**
 * The worker's parts defined in other modules, passed in by name: a function sent as
 * source cannot import, and a call across modules compiles to a module reference in CommonJS.
 */
export interface ConsoleParts {
  serveSession: typeof serveSession;
  listenConsole: typeof listenConsole;
  originalFrames: typeof originalFrames;
}

/**
 * The worker thread's body: listens, serves every client, and asks the kernel's thread
 * (through the parent port) only for what must come from it, never waiting on it for
 * long: a kernel held up by a task still gets `ps` answered from the last published
 * table, with the task that holds the CPU and for how long.
 */
export function serveConsole(config: ConsoleConfig, parts: ConsoleParts): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const net = require('node:net') as typeof import('node:net');
  const os = require('node:os') as typeof import('node:os');
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (parentPort === null) throw new Error('serveConsole() runs in a worker thread');
  const port = parentPort;
  const slot = new Float64Array(config.slot);
  const signalNames = Object.keys(os.constants.signals);
  const MAX_LINE = 4096;
  let table: { rows: TaskRow[]; at: number } = { rows: [], at: 0 };
  let nextRequest = 1;
  const pending = new Map<number, (reply: { rows?: TaskRow[]; text?: string }) => void>();
  let clients = 0;

  const sockets = new Set<import('node:net').Socket>();
  // Each built file's source map, read once, for `where` (see frames.ts).
  const sourceMaps = new Map<string, import('node:module').SourceMap | null>();
  port.on('message', (message: { type: string; id?: number; rows?: TaskRow[]; text?: string; at?: number }) => {
    if (message.type === 'stop') {
      // The kernel is shutting down: stop listening now, say goodbye, then report back.
      server.close();
      stopBinding();
      for (const socket of sockets) socket.end('Curio Monitor: the program is shutting down\n');
      port.postMessage({ type: 'stopped' });
    } else if (message.type === 'table') table = { rows: message.rows ?? [], at: message.at ?? Date.now() };
    else if (message.type === 'reply') {
      const resolve = pending.get(message.id ?? 0);
      pending.delete(message.id ?? 0);
      if (resolve !== undefined) resolve(message);
    }
  });

  /** Asks the kernel's thread; null if it has not answered within `ms` (it is busy). */
  const ask = (request: { command: string; taskId?: number }, ms: number) =>
    new Promise<{ rows?: TaskRow[]; text?: string } | null>((resolve) => {
      const id = nextRequest++;
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(null);
      }, ms);
      pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.rows !== undefined) table = { rows: reply.rows, at: Date.now() };
        resolve(reply);
      });
      port.postMessage({ type: 'request', id, ...request });
    });

  // Sampling the slot times the current step: the same step seen again has been running
  // at least since it was first seen (to within the sampling period).
  const SAMPLE_MS = 25;
  let seen = { id: 0, step: -1, since: Date.now() };
  const sample = () => {
    const id = slot[0];
    const step = slot[1];
    if (id !== seen.id || step !== seen.step) seen = { id, step, since: Date.now() };
  };
  setInterval(sample, SAMPLE_MS);

  /** Who holds the CPU right now, as a sentence, or '' if no task does. */
  const hogging = () => {
    sample();
    const id = seen.id;
    if (id === 0) return '';
    const row = table.rows.find((r) => r.id === id);
    const since = Date.now() - seen.since;
    return `The kernel is busy: task ${id}${row === undefined ? '' : ` (${row.name})`} has been running for ${formatMs(since)} without blocking.`;
  };
  const busy = (what: string) => `${hogging() || 'The kernel did not answer in time.'} ${what}`;

  const run = async (line: string): Promise<ConsoleAnswer> => {
    const parsed = parseCommand(line, signalNames);
    switch (parsed.command) {
      case 'empty':
        return { text: '' };
      case 'error':
        return { text: parsed.message };
      case 'help':
        return { text: consoleHelp() };
      case 'quit':
        return { text: 'Bye', quit: true };
      case 'ps': {
        const reply = await ask({ command: 'ps' }, config.answerMs);
        if (reply !== null) return { text: formatTable(reply.rows ?? []) };
        const age = table.at === 0 ? 'no table published yet' : `table as of ${formatMs(Date.now() - table.at)} ago`;
        return { text: `${busy(`(${age})`)}\n${formatTable(table.rows)}` };
      }
      case 'parents': {
        const reply = await ask({ command: 'ps' }, config.answerMs);
        const chain = ancestry(reply?.rows ?? table.rows, parsed.taskId);
        if (chain.length === 0) return { text: `No task ${parsed.taskId}` };
        return { text: (reply === null ? `${busy('(from the last published table)')}\n` : '') + formatTable(chain) };
      }
      case 'where': {
        const reply = await ask({ command: 'where', taskId: parsed.taskId }, config.answerMs);
        return { text: reply === null ? busy(`Cannot read task ${parsed.taskId}'s stack until it yields.`) : parts.originalFrames(reply.text ?? '', sourceMaps) };
      }
      case 'cancel': {
        // Cancelling waits for the task's cleanup; give it longer, and say so if it takes longer still.
        const reply = await ask({ command: 'cancel', taskId: parsed.taskId }, Math.max(config.answerMs, 5000));
        return { text: reply === null ? busy(`Task ${parsed.taskId} will be cancelled when the kernel gets to it.`) : (reply.text ?? '') };
      }
      case 'signal':
        process.kill(process.pid, parsed.signal as NodeJS.Signals);
        return { text: `Sent ${parsed.signal}` };
    }
  };

  const server = net.createServer((socket) => {
    clients++;
    sockets.add(socket);
    port.postMessage({ type: 'clients', count: clients });
    socket.on('close', () => {
      sockets.delete(socket);
      clients--;
      port.postMessage({ type: 'clients', count: clients });
    });
    const greeting = ask({ command: 'ps' }, config.answerMs).then((reply) => {
      const count = (reply?.rows ?? table.rows).length;
      return `Curio Monitor: ${count} tasks running\nType help for commands`;
    });
    parts.serveSession(socket, { run, greeting, maxLine: MAX_LINE, tooLong: `Line too long (over ${MAX_LINE} characters). Usage: ${consoleUsage()}` });
  });
  const failed = (error: Error) => port.postMessage({ type: 'failed', message: error.message });
  server.on('error', failed);
  const stopBinding = parts.listenConsole(server, config.address, (address) => port.postMessage({ type: 'listening', address }), failed);
}
