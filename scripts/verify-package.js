#!/usr/bin/env node
// `npm run verify-package`: the published artefact, as .ci/run checks it after `npm test`:
// the jsii build from an empty lib/ with the API.md freshness check (fails on a stale
// API.md), then the package check (publint, attw, no source maps, README links) over what
// that build wrote. They were part of `npm test` until it had to fit in 30 s.
const { spawnSync } = require("child_process");
const path = require("path");

for (const script of ["check-api-md.js", "check-package.js"]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(__dirname, script)], { cwd: path.resolve(__dirname, ".."), stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`== ${script}: FAILED (exit ${result.status ?? result.signal}) in ${seconds} s`);
    process.exit(1);
  }
  console.log(`== ${script}: ok in ${seconds} s`);
}
