/**
 * One cell of the Redis benchmark in a fresh process: `node redis-child.js CLIENT WORKLOAD
 * PORT WARMUP_MS MS`. Warms up, measures once, prints one JSON line `{ rate, cpu }`: commands/s
 * and the client process's CPU time per command in microseconds (user + system), which a
 * busy machine disturbs much less than the rate.
 * @packageDocumentation
 */
import { measure, type ClientName, type Workload } from './clients.js';

const [client, workload, port, warmup, ms] = process.argv.slice(2);
await measure(client as ClientName, workload as Workload, Number(port), Number(warmup));
const cpuBefore = process.cpuUsage();
const result = await measure(client as ClientName, workload as Workload, Number(port), Number(ms));
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ rate: (result.commands * 1000) / result.ms, cpu: (cpu.user + cpu.system) / result.commands }));
