// Signal tests need Node's real `process` (see tools/jest/real-process-environment.cjs).
module.exports = {
  ...require('../../jest.preset.cjs')(__dirname, 'signals'),
  testEnvironment: require.resolve('../../tools/jest/real-process-environment.cjs'),
};
