/** Shared by the jobs tests: the redis-server's port, fresh queue names, counting server clients. */
import { Kernel, sleep, type Operation } from '@curio/kernel';
import { connect, type RedisConnection } from '@curio/redis';

/** The port of the redis-server started by libs/redis/test/redis-server-setup.cjs. */
export function redisPort(): number {
  const port = Number(process.env.CURIO_REDIS_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('CURIO_REDIS_PORT is not set: run these tests through jest.config.cjs (its globalSetup starts redis-server)');
  return port;
}

let counter = 0;
/** A queue name no other test uses (test files run in parallel on one server). */
export function freshName(what: string): string {
  counter++;
  return `test-${what}-${process.pid}-${counter}-${Date.now().toString(36)}`;
}

/** Runs `body` as the main task of a new kernel; gives the kernel too, for counting its tasks. */
export function inKernel<T>(body: (kernel: Kernel) => Operation<T>): Promise<T> {
  const kernel = new Kernel();
  return kernel.run(() => body(kernel));
}

/** The number of clients connected to the server, from INFO clients. */
export function* connectedClients(admin: RedisConnection): Operation<number> {
  const info = (yield* admin.command('INFO', 'clients')) as string;
  const match = /connected_clients:(\d+)/.exec(info);
  if (match === null) throw new Error(`no connected_clients in INFO: ${info}`);
  return Number(match[1]);
}

/** Waits (polling every 5 ms) until `check()` is true. */
export function* until(check: () => Operation<boolean>): Operation<void> {
  while (!(yield* check())) yield* sleep(5);
}

/** A connection for looking at the server directly. */
export function admin(): Operation<RedisConnection> {
  return connect({ port: redisPort() });
}
