// A Stryker test runner, "jest-by-file": StrykerJS's jest runner, except that a mutant runs only
// the test files whose tests cover it. The stock runner hands jest a test-name pattern but every
// test file, so each mutant loads every file's module graph (CEL engine, cdktf) again; with the
// files narrowed, a mutant covered by one file pays for one.
//
// The dry run (coverage per test) learns which file each test is in; the mutant runs happen in
// other worker processes, so the map is written beside the sandbox's working directory.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { PluginKind, commonTokens, declareFactoryPlugin, tokens } from "@stryker-mutator/api/plugin";

const require = createRequire(import.meta.url);
const runnerRoot = path.dirname(require.resolve("@stryker-mutator/jest-runner/package.json"));
// Not in the package's exports: imported by path, the same module instance the jest runner uses.
const { jestTestRunnerFactory } = await import(pathToFileURL(path.join(runnerRoot, "dist/src/jest-test-runner.js")).href);

const MAP = () => path.join(process.cwd(), ".stryker-test-files.json");
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function byFile(runner) {
  const dryRun = runner.dryRun.bind(runner);
  const mutantRun = runner.mutantRun.bind(runner);
  let fileOf;
  runner.dryRun = async (options) => {
    const result = await dryRun(options);
    if (result.status === "complete") {
      fs.writeFileSync(MAP(), JSON.stringify(Object.fromEntries(result.tests.map((t) => [t.id, t.fileName]))));
    }
    return result;
  };
  runner.mutantRun = async (options) => {
    fileOf ??= fs.existsSync(MAP()) ? new Map(Object.entries(JSON.parse(fs.readFileSync(MAP(), "utf8")))) : new Map();
    const files = options.testFilter ? [...new Set(options.testFilter.map((id) => fileOf.get(id)))] : [];
    // A static mutant (no filter) or a test the map does not know: every file, as the stock runner does.
    if (files.length === 0 || files.some((f) => f === undefined)) return mutantRun(options);
    const adapter = runner.jestTestAdapter;
    const run = adapter.run;
    // jest reads these as path patterns: anchored and escaped, they name exactly these files.
    adapter.run = (settings) => run.call(adapter, { ...settings, testFiles: files.map((f) => `^${escape(f)}$`) });
    try {
      return await mutantRun(options);
    } finally {
      adapter.run = run;
    }
  };
  return runner;
}

function factory(injector) {
  return byFile(jestTestRunnerFactory(injector));
}
factory.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, "jest-by-file", factory)];
