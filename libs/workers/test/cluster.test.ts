/**
 * runCluster's argument checks. Its behaviour (N processes on one port, graceful stop on
 * SIGTERM, a worker killed with SIGKILL replaced) is tested end to end with the
 * echo-cluster example in e2e/test/workers.test.ts: it forks the running script.
 */
import { runCluster } from '@curio/workers';

describe('runCluster', () => {
  it('checks its arguments before forking anything', async () => {
    await expect(runCluster('server' as never)).rejects.toThrow(/main must be a generator function \(the server\), got "server"/);
    const main = function* () {};
    await expect(runCluster(main, { workers: 0 })).rejects.toThrow(/workers must be an integer >= 1, got number 0/);
    await expect(runCluster(main, { graceMs: -1 })).rejects.toThrow(/graceMs must be a number of milliseconds >= 0, got number -1/);
    await expect(runCluster(main, { scheduling: 'random' as never })).rejects.toThrow(/scheduling must be 'os' or 'round-robin', got "random"/);
  });
});
