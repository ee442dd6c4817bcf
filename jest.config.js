const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
  },
  module: { type: 'es6' },
};

const project = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['reflect-metadata'],
};
const ignored = ['/node_modules/', '/dist/'];

/**
 * Three tiers, told apart by the file name (docs/conventions.md): `*.test.ts` unit (no database, no network: seconds,
 * `npm run test:unit`), `*.int.test.ts` integration (one subgraph's own database, or the real toolchain),
 * `*.e2e.test.ts` end to end (the platform through the gateway). `npm test` runs all three.
 * @type {import('jest').Config}
 */
export default {
  projects: [
    { ...project, displayName: 'unit', testMatch: ['<rootDir>/**/*.test.ts'], testPathIgnorePatterns: [...ignored, '\\.(int|e2e)\\.test\\.ts$'] },
    { ...project, displayName: 'integration', testMatch: ['<rootDir>/**/*.int.test.ts'], testPathIgnorePatterns: ignored },
    { ...project, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e.test.ts'], testPathIgnorePatterns: ignored },
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
  // A worker that has grown past this after a test file is replaced: ESM test modules are not freed between files,
  // and a long run (the whole suite) otherwise ran a worker out of memory.
  workerIdleMemoryLimit: '1500MB',
};
