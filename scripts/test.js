#!/usr/bin/env node
// `npm test`, what every local run needs: the type-check (src, test, examples, bench) beside
// jest. tsc is single-threaded and jest runs two workers, so on a two-core machine the pair
// takes about as long as jest alone would plus a few seconds. The type-check's output is
// printed when it ends; jest writes its own progress.
//
// The jsii build with the API.md freshness check and the package check (publint, attw) run
// in `npm run verify-package`, which .ci/run runs after this: together they took 23 s of a
// 46 s `npm test` and check the published artefact, which a change to a test or a rule
// rarely touches. CI is exactly as strict as before; locally, run them before a PR that
// changes the public API (`npm run docgen` rewrites API.md).
const { spawn } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");

function run(command, args, { buffered }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: process.env, stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit" });
    let output = "";
    if (buffered) {
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
    }
    child.on("close", (code) => resolve({ ok: code === 0, code, output, seconds: (Date.now() - started) / 1000 }));
  });
}

(async () => {
  const [typed, tested] = await Promise.all([
    run(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.dev.json"], { buffered: true }),
    run(process.execPath, [require.resolve("jest/bin/jest"), ...process.argv.slice(2)], { buffered: false }),
  ]);
  process.stdout.write(`\n== typecheck: ${typed.ok ? "ok" : `FAILED (exit ${typed.code})`} in ${typed.seconds.toFixed(1)} s\n${typed.output}`);
  if (!tested.ok) process.stdout.write(`== jest: FAILED (exit ${tested.code})\n`);
  if (!typed.ok || !tested.ok) process.exit(1);
})();
