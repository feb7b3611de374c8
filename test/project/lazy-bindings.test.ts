import { execFileSync } from "child_process";
import { join } from "path";

// Each provider binding module costs 1-5 ms to load (more under tsx). Loading the library
// loads only the bindings that every app with a pool, a service account and a Firestore
// grant needs; managed Firestore databases and backup schedules, Entra ID, client secrets,
// audit destinations, custom roles and the org policy load theirs when first declared (see
// bench/RESULTS.md).
const repo = join(__dirname, "..", "..");

test("loading the library's entry point loads only the core google bindings", () => {
  const script = `require("./src"); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /@cdktf[\\\\/]provider-/.test(f))))`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: repo, encoding: "utf8" });
  const loaded = (JSON.parse(out.trim().split("\n").pop()!) as string[]).map((f) => f.replace(/\\/g, "/").replace(/^.*node_modules\//, "").replace(/\/index\.js$/, ""));
  expect(loaded.sort()).toEqual(
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
  const script = [
    'const cel = () => Object.keys(require.cache).filter((f) => /@bufbuild[\\\\/]cel[\\\\/]/.test(f)).map((f) => f.replace(/\\\\/g, "/").replace(/^.*@bufbuild\\/cel\\/dist\\/cjs\\//, ""));',
    'require("./src");',
    "const afterLoad = cel();",
    'const dir = require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "lazy-cel-"));',
    'const { App } = require("cdktf");',
    'require("./examples/main").buildExamplesApp(new App({ outdir: dir })).synth();',
    'require("fs").rmSync(dir, { recursive: true, force: true });',
    "console.log(JSON.stringify({ afterLoad, afterSynth: cel() }));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: repo, encoding: "utf8" });
  const { afterLoad, afterSynth } = JSON.parse(out.trim().split("\n").pop()!) as { afterLoad: string[]; afterSynth: string[] };
  expect(afterLoad).toEqual([]);
  expect(afterSynth).toContain("parse.js");
  expect(afterSynth).not.toContain("index.js");
  expect(afterSynth).not.toContain("planner.js");
});
