/**
 * Jest as `npm run mutation` runs it: only the tests of src/analysis. The matcher setup is
 * loaded because some of those tests state their answer with the library's own matchers
 * (escalations, construct subjects); it costs ~0.8 s per test file per mutant, which the
 * by-file runner pays only for the files that cover the mutant.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/analysis"],
  testMatch: ["**/*.test.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
};
