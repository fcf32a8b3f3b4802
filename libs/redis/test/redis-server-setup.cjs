// jest globalSetup: one throwaway redis-server for the whole run (installed first if
// missing); the tests find its port in CURIO_REDIS_PORT.
const { startRedisServer } = require('../../../tools/scripts/redis-server.cjs');

module.exports = async function setup() {
  const server = await startRedisServer();
  globalThis.__curioRedisServer = server;
  process.env.CURIO_REDIS_PORT = String(server.port);
};
