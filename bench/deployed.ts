/**
 * What reading what is deployed costs over the 400 x 20 bench app (bench/workloads/apps.ts):
 * `drift` with a raw state for every stack and the live policy of every project, one
 * `explain --state` with every state, and the simulator loaded with every state answering
 * 1,000 questions, each beside the synth of the same app. Target: under a quarter of that synth.
 *
 *   nice -n 10 node --import tsx bench/deployed.ts [ROUNDS=3] [N=400] [M=20]
 *
 * Each figure is the median of fresh processes, the four jobs sampled alternately (one round
 * runs each once). Writes its section at the end of bench/RESULTS.md (bench/run.ts writes the rest).
 */
import { execFileSync } from "child_process";
import { cpus, loadavg } from "os";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import type { Sample } from "./workloads/measure";

const [rounds = "3", nArg = "400", mArg = "20"] = process.argv.slice(2);
const ROUNDS = Number(rounds);
const root = join(__dirname, "..");
const MODES = ["synth", "drift", "explain", "simulator"] as const;

function sample(mode: string): Sample {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(__dirname, "workloads", "deployed.ts"), mode, nArg, mArg], { cwd: root, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (n: number, digits = 0) => n.toFixed(digits);

const started = Date.now();
const load = loadavg().map((l) => l.toFixed(2)).join(" / ");
const samples = new Map<string, Sample[]>(MODES.map((m) => [m, []]));
for (let i = 0; i < ROUNDS; i++) {
  for (const mode of MODES) {
    const s = sample(mode);
    samples.get(mode)!.push(s);
    console.log(`round ${i + 1} ${mode}: ${fmt(s.ms)} ms`);
  }
}
const row = (mode: string) => {
  const list = samples.get(mode)!;
  return { ms: median(list.map((s) => s.ms)), min: Math.min(...list.map((s) => s.ms)), max: Math.max(...list.map((s) => s.ms)), cpu: median(list.map((s) => s.cpuMs)), rss: median(list.map((s) => s.rssMb)), first: list[0] };
};
const synth = row("synth");
const drift = row("drift");
const explain = row("explain");
const simulator = row("simulator");
const ratio = (r: { ms: number }) => r.ms / synth.ms;
const cpuRatio = (r: { cpu: number }) => r.cpu / synth.cpu;
const verdict = (r: { ms: number }) => (ratio(r) < 0.25 ? "met" : "**NOT met**");
const extra = simulator.first.extra ?? {};

const section = [
  `## 5. What is deployed over the N=${nArg} x ${mArg} output (bench/deployed.ts)`,
  "",
  `Produced by \`nice -n 10 node --import tsx bench/deployed.ts ${rounds} ${nArg} ${mArg}\` on ${new Date(started).toISOString().slice(0, 10)}: ${cpus().length} cores, Node.js ${process.version}, load average at start ${load}. ` +
    `Every job runs under tsx with source maps off (as the examples run), in a fresh process; the median of ${ROUNDS} rounds, the jobs alternating. ` +
    `Inputs, written untimed by the fixtures' generator (test/fixtures/deployed/generate.ts): a raw state (version 4) for each of the ${drift.first.extra?.states} stacks, the live policy (gcloud projects get-iam-policy shape) of each of the ${drift.first.extra?.policies} projects.`,
  "",
  "| what is timed | time (ms) | min-max (ms) | CPU (ms) | peak RSS (MB) | / synth | CPU / synth CPU | target < 0.25x |",
  "|---|---:|---:|---:|---:|---:|---:|---|",
  `| library synth of the app (${synth.first.resources} resources) | ${fmt(synth.ms)} | ${fmt(synth.min)}-${fmt(synth.max)} | ${fmt(synth.cpu)} | ${fmt(synth.rss)} | 1.00x | 1.00x | |`,
  `| \`drift cdktf.out --policy\` x ${drift.first.extra?.policies} \`--state\` x ${drift.first.extra?.states} (CLI in-process: read every file, compare; exit ${drift.first.extra?.exit}) | ${fmt(drift.ms)} | ${fmt(drift.min)}-${fmt(drift.max)} | ${fmt(drift.cpu)} | ${fmt(drift.rss)} | ${fmt(ratio(drift), 3)}x | ${fmt(cpuRatio(drift), 3)}x | ${verdict(drift)} |`,
  `| \`explain cdktf.out --token … --state\` x ${explain.first.extra?.states} (one question, as a CI step asks it; exit ${explain.first.extra?.exit}) | ${fmt(explain.ms)} | ${fmt(explain.min)}-${fmt(explain.max)} | ${fmt(explain.cpu)} | ${fmt(explain.rss)} | ${fmt(ratio(explain), 3)}x | ${fmt(cpuRatio(explain), 3)}x | ${verdict(explain)} |`,
  `| \`AccessSimulator.fromSynthOutput(dir, { states })\` + 1,000 explains (section 3b's questions, audiences under the real numbers: ${extra.allowed} allowed, ${extra.denied} denied, ${extra.unknown} unknown) | ${fmt(simulator.ms)} | ${fmt(simulator.min)}-${fmt(simulator.max)} | ${fmt(simulator.cpu)} | ${fmt(simulator.rss)} | ${fmt(ratio(simulator), 3)}x | ${fmt(cpuRatio(simulator), 3)}x | ${verdict(simulator)} |`,
  "",
  `The machine was shared with other jobs (load average above), which stretches wall times, the synth's most; CPU time is the steadier comparison${
    [drift, explain, simulator].every((r) => cpuRatio(r) < 0.25) ? ", and by it the target is met too" : ", and by it the target is **NOT met** for at least one row"
  }.`,
  "",
  `Bench took ${fmt((Date.now() - started) / 1000)} s.`,
  "",
];

const file = join(__dirname, "RESULTS.md");
const before = readFileSync(file, "utf8");
const at = before.indexOf("\n## 5. What is deployed");
writeFileSync(file, `${(at < 0 ? before : before.slice(0, at + 1)).replace(/\n*$/, "\n\n")}${section.join("\n")}`);
console.log(section.join("\n"));
