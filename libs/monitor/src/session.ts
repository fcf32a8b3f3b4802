/**
 * One console client, as the monitor's worker serves it: reads its command lines, runs
 * them one at a time in order, and writes each answer followed by the prompt.
 *
 * Sent to the worker as source text (see worker-source.ts): it uses only its arguments.
 * @packageDocumentation
 */
import type { Socket } from 'node:net';

/** What a console command answers: its text, and whether the client asked to leave. */
export interface ConsoleAnswer {
  text: string;
  quit?: boolean;
}

/** How a session reads and answers; see {@link serveSession}. */
export interface SessionConfig {
  /** Runs one command line (without its newline). */
  run: (line: string) => Promise<ConsoleAnswer>;
  /** The greeting, written before the first answer. */
  greeting: Promise<string>;
  /** The longest line read as a command (characters). */
  maxLine: number;
  /** The answer to a longer line. */
  tooLong: string;
}

/**
 * @internal Serves one client connection until it closes. What it holds for a client is
 * bounded whatever the client does: it reads only while it has no whole line to run, and
 * runs the next command only once the answers before it have gone into the socket (a
 * client that sends commands and never reads is simply not read from). An over-long line
 * gets one answer, and the rest of it, up to its newline, is dropped unread as a command.
 */
export function serveSession(socket: Socket, config: SessionConfig): void {
  const { run, maxLine, tooLong } = config;
  socket.setEncoding('utf8');
  socket.on('error', () => {
    // A client that vanishes mid-answer is its own problem, not the program's.
  });
  let input = '';
  let at = 0; // where the unread part of `input` starts
  let dropping = false; // inside an over-long line, until its newline
  let closed = false;
  let wake: (() => void) | null = null;
  const woken = () => {
    wake?.();
    wake = null;
  };
  socket.on('data', (chunk: string) => {
    input = input.slice(at) + chunk;
    at = 0;
    // Enough to go on with: read no more until the commands in it have been answered.
    if (input.length > maxLine) socket.pause();
    woken();
  });
  socket.on('close', () => {
    closed = true;
    woken();
  });

  /** The next command line, `tooLong` for an over-long one, or null until more input comes. */
  const nextLine = (): { line: string } | { tooLong: true } | null => {
    for (;;) {
      const newline = input.indexOf('\n', at);
      if (dropping) {
        if (newline < 0) {
          input = '';
          at = 0;
          return null;
        }
        at = newline + 1;
        dropping = false;
        continue;
      }
      const end = newline < 0 ? input.length : input[newline - 1] === '\r' ? newline - 1 : newline;
      if (end - at > maxLine) {
        dropping = true;
        return { tooLong: true };
      }
      if (newline < 0) return null;
      const line = input.slice(at, end);
      at = newline + 1;
      return { line };
    }
  };
  /** Writes, and settles once the socket has taken it in (or has closed). */
  const send = (text: string) =>
    new Promise<void>((resolve) => {
      if (closed || socket.writableEnded) return resolve();
      if (socket.write(text)) return resolve();
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  const answer = (text: string) => send(text === '' ? 'curio > ' : `${text}\ncurio > `);

  // One command at a time, in order.
  const serve = async () => {
    await answer(await config.greeting);
    while (!closed && !socket.writableEnded) {
      const next = nextLine();
      if (next === null) {
        socket.resume();
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      let result: ConsoleAnswer;
      try {
        result = 'tooLong' in next ? { text: tooLong } : await run(next.line);
      } catch (error) {
        result = { text: `Error: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (result.quit === true) {
        socket.end(`${result.text}\n`);
        return;
      }
      await answer(result.text);
    }
  };
  void serve();
}
