import { Writable } from 'node:stream';
import { pino, type Level, type Logger } from 'pino';

/** A real pino logger writing JSON lines into memory, and the records it wrote, parsed. */
export function capture(level: Level = 'trace', bindings: Record<string, unknown> = {}): { logger: Logger; records: () => Record<string, unknown>[] } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  // A Writable is written to synchronously by pino: every record is in `text` as soon as it is logged.
  const logger = pino({ level, base: bindings, timestamp: false }, sink);
  return {
    logger,
    records: () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
