// A jest environment for tests of signal handling. jest-environment-node gives each test
// file a copy of `process` with its own event listeners, which the OS never calls: a
// signal sent to the process would find no listener and kill the jest worker. This one
// hands the test file Node's real `process`, so `process.on('SIGUSR2', ...)` (in the test
// or in the library under test) is a real signal listener. Tests using it must not call
// process.exit and must remove every listener they add (the signal tests count them).
const { TestEnvironment } = require('jest-environment-node');

class RealProcessEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.process = process;
  }
}

module.exports = RealProcessEnvironment;
