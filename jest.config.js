/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  // Node's, plus the committed document's schemas shared by a worker's test files (the contract observer checks bodies).
  testEnvironment: '<rootDir>/test/utils/contract-environment.ts',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '(src|test)/.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/utils/global-setup.ts',
  globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/utils/contract-reporter.js', '<rootDir>/test/utils/summary-reporter.js'],
  testTimeout: 60000,
  maxWorkers: 2,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
  watchPathIgnorePatterns: ['<rootDir>/.data/', '<rootDir>/backups/'],
};
