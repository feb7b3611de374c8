/**
 * Jest as `npm run mutation` runs it: only the tests of src/analysis, without the matcher
 * setup (it loads cdktf's Testing and src/testing, ~0.8 s per test file per mutant). Tests
 * here build stacks as JSON, so no provider binding is loaded.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/analysis"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
};
