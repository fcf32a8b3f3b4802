/**
 * One cell of the Redis benchmark in a fresh process: `node redis-child.js CLIENT WORKLOAD
 * PORT WARMUP_MS MS`. Warms up, measures once, prints one JSON line `{ rate }` (commands/s).
 * @packageDocumentation
 */
import { measure, type ClientName, type Workload } from './clients.js';

const [client, workload, port, warmup, ms] = process.argv.slice(2);
await measure(client as ClientName, workload as Workload, Number(port), Number(warmup));
const result = await measure(client as ClientName, workload as Workload, Number(port), Number(ms));
console.log(JSON.stringify({ rate: (result.commands * 1000) / result.ms }));
