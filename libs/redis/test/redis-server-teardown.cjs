// jest globalTeardown: stops the redis-server of redis-server-setup.cjs.
module.exports = async function teardown() {
  const server = globalThis.__curioRedisServer;
  if (server !== undefined) await server.stop();
};
