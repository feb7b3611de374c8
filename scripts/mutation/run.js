#!/usr/bin/env node
// `npm run mutation [-- FILE...] [--incremental]`: StrykerJS over src/analysis, one file at a time
// (smallest first), each at the lowest CPU priority with two workers, then one table of scores.
// --incremental: a re-run tests only mutants whose code or covering tests changed (for iterating;
// Stryker then also keeps the old result of a static mutant, which no test covers by name, so a
// score to record comes from a run without it).
// Reports: reports/mutation/NAME.json (and the table in reports/mutation/summary.md).
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "../..");
const DEFAULT_FILES = [
  "src/analysis/cel-evaluator.ts",
  "src/analysis/conditions.ts",
  "src/analysis/members.ts",
  "src/analysis/token-admission.ts",
  "src/analysis/access-simulator.ts",
];
const args = process.argv.slice(2);
const incremental = args.includes("--incremental");
const files = args.filter((a) => !a.startsWith("--"));
const targets = files.length > 0 ? files : DEFAULT_FILES;
for (const f of targets) {
  if (!fs.existsSync(path.join(root, f))) {
    console.error(`mutation: no such file ${f}`);
    process.exit(2);
  }
}

const stryker = path.join(root, "node_modules/@stryker-mutator/core/bin/stryker.js");
const DETECTED = ["Killed", "Timeout"];
const UNDETECTED = ["Survived", "NoCoverage"];
const rows = [];
for (const file of targets) {
  const name = path.basename(file, ".ts");
  const started = Date.now();
  const run = spawnSync("nice", ["-n", "19", process.execPath, stryker, "run", ...(incremental ? [] : ["--force"])], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, MUTATION_FILE: file },
  });
  const seconds = (Date.now() - started) / 1000;
  const report = path.join(root, "reports/mutation", `${name}.json`);
  if (run.status !== 0 || !fs.existsSync(report)) {
    rows.push({ file, failed: `stryker exited ${run.status}`, seconds });
    continue;
  }
  const mutants = Object.values(JSON.parse(fs.readFileSync(report, "utf8")).files).flatMap((f) => f.mutants);
  const count = (statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count(DETECTED);
  const valid = detected + count(UNDETECTED);
  rows.push({
    file,
    mutants: mutants.length,
    killed: count(["Killed"]),
    timeout: count(["Timeout"]),
    survived: count(["Survived"]),
    noCoverage: count(["NoCoverage"]),
    invalid: mutants.length - valid,
    score: valid === 0 ? 100 : (100 * detected) / valid,
    seconds,
  });
}

const header = "| file | mutants | killed | timeout | survived | no coverage | errors | score | time |";
const lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
for (const r of rows) {
  const time = `${Math.floor(r.seconds / 60)} min ${Math.round(r.seconds % 60)} s`;
  if (r.failed) lines.push(`| ${r.file} | ${r.failed} | | | | | | | ${time} |`);
  else lines.push(`| ${r.file} | ${r.mutants} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.invalid} | ${r.score.toFixed(1)}% | ${time} |`);
}
const table = lines.join("\n");
fs.mkdirSync(path.join(root, "reports/mutation"), { recursive: true });
fs.writeFileSync(path.join(root, "reports/mutation/summary.md"), `${table}\n`);
console.log(`\nMutation score per file (killed + timeout over all but compile/runtime errors; goal 85%):\n\n${table}\n`);
process.exit(rows.some((r) => r.failed) ? 1 : 0);
