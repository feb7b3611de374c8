import { execFileSync } from "child_process";
import { join } from "path";

// Each provider binding module costs 1-5 ms to load (more under tsx). Loading the library
// loads only the bindings that every app with a pool, a service account and a Firestore
// grant needs; managed Firestore databases and backup schedules, Entra ID, client secrets,
// audit destinations, custom roles and the org policy load theirs when first declared (see
// bench/RESULTS.md).
const repo = join(__dirname, "..", "..");

interface Loaded {
  readonly testing: string[];
  readonly bindings: string[];
  readonly celAfterLoad: string[];
  readonly celAfterSynth: string[];
}

// One fresh process answers every test here (a tsx process costs a second or two): what the
// testing entry point loads, what the library loads, then what a synth of the examples under
// the guardrails adds.
let loaded: Loaded | undefined;
function loadedModules(): Loaded {
  if (loaded) return loaded;
  const script = [
    'const loaded = (pattern) => Object.keys(require.cache).filter((f) => pattern.test(f)).map((f) => f.replace(/\\\\/g, "/"));',
    'require("./src/testing");',
    "const testing = loaded(/[\\\\/]src[\\\\/]/).map((f) => f.replace(/^.*\\/src\\//, \"\"));",
    'require("./src");',
    "const bindings = loaded(/@cdktf[\\\\/]provider-/);",
    "const celAfterLoad = loaded(/@bufbuild[\\\\/]cel[\\\\/]/);",
    'const dir = require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "lazy-cel-"));',
    'const { App } = require("cdktf");',
    'require("./examples/main").buildExamplesApp(new App({ outdir: dir })).synth();',
    'require("fs").rmSync(dir, { recursive: true, force: true });',
    "console.log(JSON.stringify({ testing, bindings, celAfterLoad, celAfterSynth: loaded(/@bufbuild[\\\\/]cel[\\\\/]/) }));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: repo, encoding: "utf8" });
  return (loaded = JSON.parse(out.trim().split("\n").pop()!) as Loaded);
}
const celModule = (f: string) => f.replace(/^.*@bufbuild\/cel\/dist\/cjs\//, "");

test("loading the library's entry point loads only the core google bindings", () => {
  const bindings = loadedModules().bindings.map((f) => f.replace(/^.*node_modules\//, "").replace(/\/index\.js$/, ""));
  expect(bindings.sort()).toEqual(
    [
      "@cdktf/provider-google/lib/iam-workload-identity-pool",
      "@cdktf/provider-google/lib/iam-workload-identity-pool-provider",
      "@cdktf/provider-google/lib/project-iam-member",
      "@cdktf/provider-google/lib/service-account",
      "@cdktf/provider-google/lib/service-account-iam-member",
    ].sort(),
  );
});

test("the CEL engine stays unloaded with the library, and a synth under the guardrails loads only its parser, never the evaluator", () => {
  const { celAfterLoad, celAfterSynth } = loadedModules();
  expect(celAfterLoad).toEqual([]);
  const afterSynth = celAfterSynth.map(celModule);
  expect(afterSynth).toContain("parse.js");
  expect(afterSynth).not.toContain("index.js");
  expect(afterSynth).not.toContain("planner.js");
});

test("the testing entry point loads the matchers' modules only when a matcher runs", () => {
  const { testing } = loadedModules();
  expect(testing).toContain("testing/setup-matchers.ts");
  expect(testing.filter((f) => /^(analysis|guardrails|report|gcp)\//.test(f))).toEqual([]);
});
