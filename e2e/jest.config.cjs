// The e2e suites each start real server processes and push real traffic: run them one
// at a time (the machine has 2 cores; the server under test needs one).
module.exports = { ...require('../jest.preset.cjs')(__dirname, 'e2e'), maxWorkers: 1 };
