// One jest run for the whole monorepo. Unit specs need nothing; integration and end-to-end specs
// talk to the real servers that infra/local/up.sh starts (npm test runs it first).
const moduleNameMapper = require('./tools/tsconfig-paths');

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // A built package (npm run build:client) must not shadow its sources.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
  // Integration specs start real processes and consumer groups; jest reads the timeout only here.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,tests}/**/*.unit.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tests}/**/*.{int,e2e}.spec.ts'],
    },
  ],
};
