#!/usr/bin/env node
// `npm run mutation [-- FILE...] [--incremental] [--summary]`: StrykerJS over src/analysis, one file at a time
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
// --summary: no run, only the table of the reports already in reports/mutation/.
const summaryOnly = args.includes("--summary");
const files = args.filter((a) => !a.startsWith("--"));
const targets = files.length > 0 ? files : DEFAULT_FILES;
for (const f of targets) {
  if (!fs.existsSync(path.join(root, f))) {
    console.error(`mutation: no such file ${f}`);
    process.exit(2);
  }
}

const stryker = path.join(root, "node_modules/@stryker-mutator/core/bin/stryker.js");
// Survivors judged equivalent (they cannot change behaviour), each with why: matched by file,
// mutator, replacement and a piece of the mutated line, so they survive edits elsewhere.
const EQUIVALENT = JSON.parse(fs.readFileSync(path.join(__dirname, "equivalent-mutants.json"), "utf8"));
const DETECTED = ["Killed", "Timeout"];
const UNDETECTED = ["Survived", "NoCoverage"];
const rows = [];
for (const file of targets) {
  const name = path.basename(file, ".ts");
  const started = Date.now();
  const run = summaryOnly ? { status: 0 } : spawnSync("nice", ["-n", "19", process.execPath, stryker, "run", ...(incremental ? [] : ["--force"])], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, MUTATION_FILE: file },
  });
  const seconds = summaryOnly ? NaN : (Date.now() - started) / 1000;
  const report = path.join(root, "reports/mutation", `${name}.json`);
  if (run.status !== 0 || !fs.existsSync(report)) {
    rows.push({ file, failed: `stryker exited ${run.status}`, seconds });
    continue;
  }
  const files = Object.values(JSON.parse(fs.readFileSync(report, "utf8")).files);
  const mutants = files.flatMap((f) => f.mutants.map((m) => ({ ...m, line: f.source.split("\n")[m.location.start.line - 1] ?? "" })));
  const judged = EQUIVALENT.filter((e) => e.file === file);
  const isEquivalent = (m) => judged.some((e) => e.mutator === m.mutatorName && e.replacement === m.replacement && m.line.includes(e.line));
  const count = (statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count(DETECTED);
  const valid = detected + count(UNDETECTED);
  const equivalent = mutants.filter((m) => UNDETECTED.includes(m.status) && isEquivalent(m)).length;
  rows.push({
    file,
    mutants: mutants.length,
    killed: count(["Killed"]),
    timeout: count(["Timeout"]),
    survived: count(["Survived"]),
    noCoverage: count(["NoCoverage"]),
    invalid: mutants.length - valid,
    score: valid === 0 ? 100 : (100 * detected) / valid,
    equivalent,
    scoreWithout: valid - equivalent === 0 ? 100 : (100 * detected) / (valid - equivalent),
    seconds,
  });
}

const header = "| file | mutants | killed | timeout | survived | no coverage | errors | score | judged equivalent | score without them | time |";
const lines = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
for (const r of rows) {
  const time = Number.isNaN(r.seconds) ? "(not run)" : `${Math.floor(r.seconds / 60)} min ${Math.round(r.seconds % 60)} s`;
  if (r.failed) lines.push(`| ${r.file} | ${r.failed} | | | | | | | | | ${time} |`);
  else {
    const cells = [r.mutants, r.killed, r.timeout, r.survived, r.noCoverage, r.invalid, `${r.score.toFixed(1)}%`, r.equivalent, `${r.scoreWithout.toFixed(1)}%`, time];
    lines.push(`| ${r.file} | ${cells.join(" | ")} |`);
  }
}
const table = lines.join("\n");
fs.mkdirSync(path.join(root, "reports/mutation"), { recursive: true });
fs.writeFileSync(path.join(root, "reports/mutation/summary.md"), `${table}\n`);
console.log(
  `\nMutation score per file: killed + timeout over all mutants but compile/runtime errors (goal 85%); then the same with the survivors judged equivalent (scripts/mutation/equivalent-mutants.json) left out. Survivors: reports/mutation/NAME.json, or the list above.\n\n${table}\n`,
);
process.exit(rows.some((r) => r.failed) ? 1 : 0);
