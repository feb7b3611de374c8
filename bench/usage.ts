/**
 * `nice -n 10 node --import tsx bench/usage.ts [ENTRIES]`: streams ENTRIES (default
 * 1,000,000) audit log entries, one JSON LogEntry per line as a Cloud Storage sink writes
 * them, through `UsageReport.fromLogFiles` (what `usage --logs` runs), and the same file
 * through a plain readline + JSON.parse loop; prints time per entry of both and the peak RSS
 * of each, each measured in its own child process. Measures and prints; asserts nothing.
 * The file is written under os.tmpdir() and deleted at the end.
 */
import { spawnSync } from "child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { createInterface } from "readline";

const SINCE = "2026-11-01T00:00:00Z";
const UNTIL = "2026-12-01T00:00:00Z";

async function child(mode: string, file: string, synth: string): Promise<void> {
  let started = process.hrtime.bigint();
  let loadMs = 0;
  let entries = 0;
  if (mode === "baseline") {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === "") continue;
      JSON.parse(line);
      entries++;
    }
  } else {
    // Loaded here, not at the top: the baseline child loads none of it.
    const { AccessSimulator } = require("../src/analysis/access-simulator") as typeof import("../src/analysis/access-simulator");
    const { UsageReport } = require("../src/report/usage-report") as typeof import("../src/report/usage-report");
    const simulator = AccessSimulator.fromSynthOutput(synth);
    // Loading the library and the stacks is paid once per run, not per entry: timed apart.
    loadMs = Number(process.hrtime.bigint() - started) / 1e6;
    started = process.hrtime.bigint();
    const report = await UsageReport.fromLogFiles(simulator, [file], { since: SINCE, until: UNTIL });
    entries = report.summary.entries;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ entries, ms, loadMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

async function write(file: string, count: number): Promise<void> {
  const { prodExport } = require("../test/fixtures/audit-logs") as typeof import("../test/fixtures/audit-logs");
  const lines = prodExport().map((e) => JSON.stringify(e) + "\n");
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    if (!out.write(lines[i % lines.length])) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function measure(mode: string, file: string, synth: string): { entries: number; ms: number; loadMs: number; maxRssMb: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", __filename, "--child", mode, file, synth], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3], process.argv[4], process.argv[5]);
  const count = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), "usage-bench-"));
  let synth = "";
  try {
    const { prodStackJson, writeSynthOutput } = require("../test/usage/support") as typeof import("../test/usage/support");
    synth = writeSynthOutput(prodStackJson(), "usage-bench-synth-");
    const file = join(dir, "entries.json");
    const t = Date.now();
    await write(file, count);
    const size = statSync(file).size;
    console.log(`wrote ${count} entries, ${(size / 1e9).toFixed(2)} GB, in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    // Alternate so that load from other processes hits both sides alike.
    const rows: Array<{ mode: string; entries: number; ms: number; loadMs: number; maxRssMb: number }> = [];
    for (const mode of ["baseline", "usage", "baseline", "usage"]) rows.push({ mode, ...measure(mode, file, synth) });
    const best = (mode: string) => rows.filter((r) => r.mode === mode).sort((a, b) => a.ms - b.ms)[0];
    const base = best("baseline");
    const usage = best("usage");
    for (const r of rows) {
      const load = r.mode === "usage" ? ` (+ ${(r.loadMs / 1000).toFixed(1)} s loading the library and stacks)` : "";
      console.log(`${r.mode.padEnd(9)} ${r.entries} entries  ${(r.ms / 1000).toFixed(1)} s${load}  ${((r.ms * 1000) / r.entries).toFixed(2)} µs/entry  peak RSS ${r.maxRssMb} MB`);
    }
    console.log(`usage / baseline (best of 2 each): ${(usage.ms / base.ms).toFixed(2)}x; usage peak RSS ${Math.max(...rows.filter((r) => r.mode === "usage").map((r) => r.maxRssMb))} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (synth !== "") rmSync(synth, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
