import { execFileSync } from "child_process";
import { join } from "path";

// Each provider binding module costs 1-5 ms to load (more under tsx). Loading the library
// loads only the bindings that every app with a pool, a service account and a Firestore
// grant needs; Entra ID, client secrets, audit destinations, custom roles and the org
// policy load theirs when first declared (see bench/RESULTS.md).
const repo = join(__dirname, "..", "..");

test("loading the library's entry point loads only the core google bindings", () => {
  const script = `require("./src"); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /@cdktf[\\\\/]provider-/.test(f))))`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: repo, encoding: "utf8" });
  const loaded = (JSON.parse(out.trim().split("\n").pop()!) as string[]).map((f) => f.replace(/\\/g, "/").replace(/^.*node_modules\//, "").replace(/\/index\.js$/, ""));
  expect(loaded.sort()).toEqual(
    [
      "@cdktf/provider-google/lib/firestore-backup-schedule",
      "@cdktf/provider-google/lib/firestore-database",
      "@cdktf/provider-google/lib/iam-workload-identity-pool",
      "@cdktf/provider-google/lib/iam-workload-identity-pool-provider",
      "@cdktf/provider-google/lib/project-iam-member",
      "@cdktf/provider-google/lib/service-account",
      "@cdktf/provider-google/lib/service-account-iam-member",
    ].sort(),
  );
});

test("loading the library's entry point does not load the CEL engine (about a quarter of a second): the simulator and the guardrails load it on first use", () => {
  const script = `require("./src"); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /@bufbuild/.test(f)).length))`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: repo, encoding: "utf8" });
  expect(Number(out.trim().split("\n").pop())).toBe(0);
});

test("synthesizing the examples under the guardrails parses CEL but never loads the evaluator", () => {
  const script = [
    'const { mkdtempSync, rmSync } = require("fs");',
    'const dir = mkdtempSync(require("path").join(require("os").tmpdir(), "lazy-cel-"));',
    'const { App } = require("cdktf");',
    'require("./examples/main").buildExamplesApp(new App({ outdir: dir })).synth();',
    "rmSync(dir, { recursive: true, force: true });",
    'console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /@bufbuild[\\\\/]cel[\\\\/]/.test(f)).map((f) => f.replace(/\\\\/g, "/").replace(/^.*@bufbuild\\/cel\\/dist\\/cjs\\//, ""))));',
  ].join("\n");
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: repo, encoding: "utf8" });
  const loaded: string[] = JSON.parse(out.trim().split("\n").pop()!);
  expect(loaded).toContain("parse.js");
  expect(loaded).not.toContain("index.js");
  expect(loaded).not.toContain("planner.js");
});
