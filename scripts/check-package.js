#!/usr/bin/env node
// Checks the package as npm would publish it (run after the build; `npm test` runs it after jsii):
// - publint: package.json fields (exports, main, types, bin, files) against the packed files;
//   --strict fails on warnings too.
// - @arethetypeswrong/cli: every entry point resolves to JavaScript and matching types under
//   node10, node16 (from CommonJS and from ESM) and bundler resolution. `.jsii`, exported for
//   jsii tooling, is an assembly (JSON without a .json name), not a module: left out.
// - no source maps: they would name src/**/*.ts files the tarball does not contain.
// - every relative link of README.md reaches a file in the tarball (npmjs.com renders it).
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const problems = [];

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  if (result.error) throw result.error;
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-fsi-pack-"));
try {
  const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: root, encoding: "utf8" });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [{ filename, files }] = JSON.parse(pack.stdout);
  const tarball = path.join(dir, filename);
  const packed = new Set(files.map((f) => f.path));
  console.log(`packed ${filename}: ${packed.size} files`);

  if (run(bin("publint"), ["run", tarball, "--strict"]).status !== 0) problems.push("publint reported problems (above)");
  if (run(bin("attw"), [tarball, "--exclude-entrypoints", ".jsii", "--no-emoji"]).status !== 0) problems.push("@arethetypeswrong/cli reported problems (above)");

  const maps = [...packed].filter((f) => f.endsWith(".map"));
  const inline = [...packed].filter((f) => f.endsWith(".js") && fs.readFileSync(path.join(root, f), "utf8").includes("sourceMappingURL="));
  if (maps.length + inline.length > 0) problems.push(`source maps in the package: ${[...maps, ...inline].slice(0, 5).join(", ")}`);

  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
    const file = path.posix.normalize(target.split("#")[0]);
    if (!packed.has(file)) problems.push(`README.md links to ${target}, which the package does not contain: link to the repository instead`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const p of problems) console.error(`package check: ${p}`);
  process.exit(1);
}
console.log("package check: publint, attw, no source maps, README links: all good");
