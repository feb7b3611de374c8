/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  // cdktf's start-up requires archiver, a quarter of a test file's module loading: see the file.
  moduleNameMapper: { "^archiver$": "<rootDir>/test/support/archiver-on-first-use.js" },
  // Provider bindings are large; several workers each loading them costs memory on 2-core CI.
  maxWorkers: 2,
};
