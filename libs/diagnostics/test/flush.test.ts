import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { spawn, sleep } from '@curio/kernel';
import { schedtrace, logcrash } from '../src/index.js';
import { runWith } from './helpers.js';

describe('records at shutdown', () => {
  it('are all written when the kernel has shut down, even through a buffered destination', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curio-diag-'));
    const file = join(dir, 'log.jsonl');
    // Asynchronous and buffered: without a flush, these small records would still sit in memory.
    const destination = pino.destination({ dest: file, sync: false, minLength: 8192 });
    await new Promise((resolve) => destination.once('ready', resolve));
    const logger = pino({ level: 'trace', base: null, timestamp: false }, destination);
    try {
      await runWith(function* main() {
        yield* spawn.with({ name: 'w' })(function* () {
          yield* sleep(1);
          throw new Error('late crash');
        });
        yield* sleep(5);
      }, { activations: [schedtrace({ logger, filter: 'w' }), logcrash({ logger })] });
      const records = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records.map((r) => r.event ?? r.msg)).toEqual(['created', 'running', 'suspended', 'running', expect.stringMatching(/crashed: late crash$/), 'terminated']);
    } finally {
      destination.end();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
