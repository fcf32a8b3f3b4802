// Shared jest settings. Tests are compiled by ts-jest to CommonJS with target ES2022,
// so generators stay native (the kernel depends on real generator objects).
const path = require('node:path');

const root = __dirname;

/** @param {string} projectDir @param {string} projectName */
module.exports = function preset(projectDir, projectName) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', {
        tsconfig: {
          target: 'ES2022',
          lib: ['ES2022', 'ESNext.Disposable'],
          module: 'CommonJS',
          moduleResolution: 'Node10',
          esModuleInterop: true,
          isolatedModules: true,
          strict: true,
          types: ['node', 'jest'],
        },
        diagnostics: false,
      }],
    },
    moduleNameMapper: {
      '^@curio/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
      '^curio$': path.join(root, 'libs/curio/src/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    setupFiles: [path.join(root, 'tools/jest/setup-symbols.cjs')],
    reporters: ['default'],
    testTimeout: 60000,
    displayName: projectName,
  };
};
