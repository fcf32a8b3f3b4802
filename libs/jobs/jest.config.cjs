// The tests talk to a real redis-server, started (and installed when missing) by the same
// globalSetup as @curio/redis's tests: tools/scripts/redis-server.cjs on a free port.
module.exports = {
  ...require('../../jest.preset.cjs')(__dirname, 'jobs'),
  globalSetup: '<rootDir>/../redis/test/redis-server-setup.cjs',
  globalTeardown: '<rootDir>/../redis/test/redis-server-teardown.cjs',
};
