/**
 * `npm run bench`: measures and records; asserts nothing. Each sample is a fresh
 * process so module loading is counted, as users pay it on every synth. Results (median
 * of repeated runs) go to bench/RESULTS.md with the machine's figures.
 */
import { execFileSync, spawnSync } from "child_process";
import { existsSync, writeFileSync } from "fs";
import { cpus, totalmem } from "os";
import { join } from "path";

interface Sample {
  label: string;
  ms: number;
  rssMb: number;
  resources: number;
}

const root = join(__dirname, "..");
const quick = process.argv.includes("--quick");
const repeats = quick ? 1 : 5;

function runWorkload(script: string, args: string[] = []): Sample {
  const out = execFileSync(process.execPath, ["--import", "tsx", join(__dirname, "workloads", script), ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function sampled(script: string, args: string[] = [], times = repeats): Sample {
  const samples = Array.from({ length: times }, () => runWorkload(script, args));
  return {
    label: samples[0].label,
    ms: median(samples.map((s) => s.ms)),
    rssMb: median(samples.map((s) => s.rssMb)),
    resources: samples[0].resources,
  };
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);
const lines: string[] = [];
const log = (line = ""): void => {
  lines.push(line);
  console.log(line);
};

log("# Benchmark results");
log();
log(`Produced by \`npm run bench\`${quick ? " -- --quick" : ""} (bench/run.ts). Median of ${repeats} fresh processes per row, unless noted.`);
log();
log(`Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${fmt(totalmem() / 2 ** 30)} GiB; Node.js ${process.version}.`);
log();

// 1. Examples app against the floor of any cdktf process.
const baseline = sampled("baseline.ts");
const examples = sampled("examples.ts");
log("## 1. Examples app, in-process synth");
log();
log("| workload | resources | time (ms) | peak RSS (MB) |");
log("|---|---:|---:|---:|");
for (const s of [baseline, examples]) log(`| ${s.label} | ${s.resources} | ${fmt(s.ms)} | ${fmt(s.rssMb)} |`);
log();
log(`Examples / baseline time: **${fmt(examples.ms / baseline.ms, 2)}x** (target <= 2.5x); examples peak RSS **${fmt(examples.rssMb)} MB** (target < 200 MB).`);
log();

// 2. Scale series: library constructs against raw provider classes, same resources.
log("## 2. Scale: N environments x 20 principals");
log();
log("| N | resources | raw (ms) | library (ms) | library / raw | raw RSS (MB) | library RSS (MB) |");
log("|---:|---:|---:|---:|---:|---:|---:|");
const scale = new Map<number, { raw: Sample; lib: Sample }>();
for (const n of [10, 100, 400]) {
  const times = n === 400 && !quick ? 3 : repeats;
  const raw = sampled("scale.ts", ["raw", String(n), "20"], times);
  const lib = sampled("scale.ts", ["library", String(n), "20"], times);
  scale.set(n, { raw, lib });
  log(`| ${n} | ${lib.resources} | ${fmt(raw.ms)} | ${fmt(lib.ms)} | ${fmt(lib.ms / raw.ms, 2)}x | ${fmt(raw.rssMb)} | ${fmt(lib.rssMb)} |`);
}
const growth = scale.get(400)!.lib.ms / scale.get(100)!.lib.ms;
log();
log(`Library growth from N=100 to N=400: **${fmt(growth, 2)}x** (target <= 4.4x, linear is 4x). Targets: library / raw <= 1.3x at every N; 400 x 20 under 400 MB.`);
log();

// 3. Guardrails over the largest output.
if (existsSync(join(__dirname, "workloads", "guardrails.ts"))) {
  const guard = sampled("guardrails.ts", ["400", "20"], quick ? 1 : 3);
  log("## 3. Guardrail evaluation over the N=400 output");
  log();
  log(`${guard.resources} resources evaluated by every rule in **${fmt(guard.ms)} ms** (target < 1000 ms), peak RSS ${fmt(guard.rssMb)} MB.`);
  log();
}

// 4. The test suite as a developer runs it.
log("## 4. `npm test`");
log();
const timeBin = "/usr/bin/time";
const samples: Array<{ wall: number; rssMb: number }> = [];
for (let i = 0; i < (quick ? 1 : 3); i++) {
  const start = Date.now();
  const result = existsSync(timeBin)
    ? spawnSync(timeBin, ["-f", "MAXRSS_KB=%M", "npm", "test"], { cwd: root, encoding: "utf8" })
    : spawnSync("npm", ["test"], { cwd: root, encoding: "utf8" });
  const wall = (Date.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`npm test failed:\n${result.stdout}\n${result.stderr}`);
  const rss = /MAXRSS_KB=(\d+)/.exec(result.stderr ?? "");
  samples.push({ wall, rssMb: rss ? Number(rss[1]) / 1024 : NaN });
}
log(
  `Wall **${fmt(median(samples.map((s) => s.wall)), 1)} s** (target < 60 s), peak RSS of the largest process **${fmt(median(samples.map((s) => s.rssMb)))} MB** (target < 1.5 GB; /usr/bin/time %M).`,
);
log();

writeFileSync(join(__dirname, "RESULTS.md"), `${lines.join("\n")}\n`);
