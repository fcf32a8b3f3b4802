// The tests talk to a real redis-server: test/redis-server-setup.cjs installs it when it is
// missing, starts one on a free 127.0.0.1 port with a throwaway config and stops it after.
module.exports = {
  ...require('../../jest.preset.cjs')(__dirname, 'redis'),
  globalSetup: '<rootDir>/test/redis-server-setup.cjs',
  globalTeardown: '<rootDir>/test/redis-server-teardown.cjs',
};
