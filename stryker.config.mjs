// StrykerJS over src/analysis, run by `npm run mutation` (scripts/mutation/run.js), one file at a
// time: MUTATION_FILE names it. Reports and the incremental record go to reports/ (not in git).
const file = process.env.MUTATION_FILE ?? "src/analysis/cel-evaluator.ts";
const name = file.replace(/^.*\//, "").replace(/\.ts$/, "");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [file],
  packageManager: "npm",
  // jest, but each mutant runs only the test files whose tests cover it (scripts/mutation/by-file-runner.mjs).
  testRunner: "jest-by-file",
  plugins: ["@stryker-mutator/jest-runner", "./scripts/mutation/by-file-runner.mjs"],
  jest: { configFile: "jest.mutation.config.js", enableFindRelatedTests: false },
  coverageAnalysis: "perTest",
  checkers: [],
  concurrency: 2,
  // The machine is shared and stryker runs at nice 19: a mutant's run can wait seconds for a core.
  // A short timeout would count such waits as detected mutants (and restart the worker each time).
  timeoutMS: 30000,
  timeoutFactor: 3,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ["clear-text", "json", "progress-append-only"],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 85, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  // The sandbox needs the sources, the tests and the configs, not lib/, dist/ or reports.
  ignorePatterns: ["lib", "dist", "reports", "cdktf.out", "bench", "examples", "API.md", ".jsii"],
};
