/**
 * Command-line options of the kernel benchmark.
 * @packageDocumentation
 */
import { CONTENDER_NAMES } from './contenders/index.js';
import type { RunCounts } from './protocol.js';
import { WORKLOADS, type Workload } from './workloads.js';
import { optionPairs, wholeNumber } from './args.js';
import { defaultOutput, outputOption, OUTPUT_USAGE, type OutputOptions } from './report-output.js';

/** What to run, and how often. */
export interface Options extends RunCounts {
  contenders: string[];
  workloads: Workload[];
  output: OutputOptions;
}

/** Parses `--runs=N --warmups=N --only=a,b --workloads=a,b --json --svg=PATH`; throws on anything else. */
export function parseArgs(argv: string[]): Options {
  const options: Options = { warmups: 3, runs: 7, contenders: [...CONTENDER_NAMES], workloads: [...WORKLOADS], output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--runs' || key === '--warmups') {
      options[key === '--runs' ? 'runs' : 'warmups'] = wholeNumber(key, value, key === '--runs' ? 1 : 0);
    } else if (key === '--only') {
      options.contenders = value.split(',');
      for (const c of options.contenders) {
        if (!(CONTENDER_NAMES as readonly string[]).includes(c)) throw new Error(`--only: unknown contender '${c}' (known: ${CONTENDER_NAMES.join(', ')})`);
      }
    } else if (key === '--workloads') {
      options.workloads = value.split(',').map((id) => {
        const w = WORKLOADS.find((x) => x.id === id);
        if (w === undefined) throw new Error(`--workloads: unknown workload '${id}' (known: ${WORKLOADS.map((x) => x.id).join(', ')})`);
        return w;
      });
    } else if (!outputOption(options.output, key, value)) {
      throw new Error(`unknown option '${key}' (options: --runs=N --warmups=N --only=a,b --workloads=a,b ${OUTPUT_USAGE})`);
    }
  }
  return options;
}

