// Unit specs beside the code (src/**/*.spec.ts): no PostgreSQL, no global setup. Run with `npm run test:unit`.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: base.rootDir,
  testEnvironment: 'node',
  moduleFileExtensions: base.moduleFileExtensions,
  transform: base.transform,
  setupFiles: base.setupFiles,
  modulePathIgnorePatterns: base.modulePathIgnorePatterns,
  testRegex: 'src/.*\\.spec\\.ts$',
};
