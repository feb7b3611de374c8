/**
 * Jest as `npm run mutation` runs it: only the tests of src/analysis. The matcher setup is
 * loaded because some of those tests state their answer with the library's own matchers
 * (escalations, construct subjects); the matchers' modules load when first called, and cdktf's
 * archiver is loaded on first use as in jest.config.js.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/analysis"],
  testMatch: ["**/*.test.ts"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  moduleNameMapper: require("./jest.config.js").moduleNameMapper,
};
