/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/setup/per-file.ts'],
  snapshotSerializers: ['<rootDir>/test/setup/asset-hash-serializer.ts'],
  // CI must never rewrite snapshots: a missing snapshot fails instead of being written.
  ci: true,
  // A guard against a hang, never a speed check: handler tests build their emulator state inside the first
  // test that needs it, and a busy machine (two shared cores, load 7+) makes that take minutes. End-to-end
  // tests set their own, longer limit (test/pipeline/helpers.ts).
  testTimeout: 5 * 60_000,
  maxWorkers: 2,
};
