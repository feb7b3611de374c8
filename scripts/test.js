#!/usr/bin/env node
// `npm test`: the type-check and the jsii build + API.md check are single-threaded, so on a
// two-core machine they run side by side (about 13 s saved); jest then gets both cores; the
// package check packs what jsii built. Each step's output is printed whole when it ends.
const { spawn } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");

function step(label, command, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => {
      process.stdout.write(`\n== ${label}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n${output}`);
      resolve(code === 0);
    });
  });
}

function jest() {
  // jest writes its own progress; it needs the terminal, not a buffer.
  return new Promise((resolve) => spawn(process.execPath, [require.resolve("jest/bin/jest"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" }).on("close", (code) => resolve(code === 0)));
}

(async () => {
  const [typed, api] = await Promise.all([
    step("typecheck", process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.dev.json"]),
    step("jsii build and API.md", process.execPath, [path.join(__dirname, "check-api-md.js")]),
  ]);
  if (!typed || !api) process.exit(1);
  if (!(await jest())) process.exit(1);
  if (!(await step("package check", process.execPath, [path.join(__dirname, "check-package.js")]))) process.exit(1);
})();
