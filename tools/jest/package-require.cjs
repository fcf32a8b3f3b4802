// Stands in for libs/*/src/package-require.ts under jest, which compiles tests to
// CommonJS (no import.meta there): a plain require, which finds the workspace's packages.
module.exports = { packageRequire: require };
