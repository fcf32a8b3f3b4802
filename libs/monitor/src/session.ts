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

/** @internal Serves one client connection until it closes. */
export function serveSession(socket: Socket, config: SessionConfig): void {
  const { run, maxLine, tooLong } = config;
  socket.setEncoding('utf8');
  socket.on('error', () => {
    // A client that vanishes mid-answer is its own problem, not the program's.
  });
  let buffered = '';
  let queue = Promise.resolve();
  let closed = false;
  const answer = (text: string) => {
    if (!closed) socket.write(text === '' ? 'curio > ' : `${text}\ncurio > `);
  };
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > maxLine && !buffered.includes('\n')) {
      buffered = '';
      answer(tooLong);
      return;
    }
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
      if (line.length > maxLine) {
        queue = queue.then(() => answer(tooLong));
        continue;
      }
      // One command at a time per client, in order.
      queue = queue.then(async () => {
        if (closed) return;
        let result: ConsoleAnswer;
        try {
          result = await run(line);
        } catch (error) {
          result = { text: `Error: ${error instanceof Error ? error.message : String(error)}` };
        }
        if (result.quit === true) {
          closed = true;
          socket.end(`${result.text}\n`);
        } else {
          answer(result.text);
        }
      });
    }
  });
  socket.on('close', () => {
    closed = true;
  });
  void config.greeting.then(answer);
}
