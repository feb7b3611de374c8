import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { performance } from "perf_hooks";

type Extra = Record<string, number | string>;

/** What one child process reports to bench/run.ts (one JSON line on stdout). */
export interface Sample {
  label: string;
  /** Wall time of `work`, module loading included. */
  ms: number;
  /** CPU time (user + system, all threads) over the same span: less disturbed by other processes than wall time. */
  cpuMs: number;
  /** Peak resident set size of the whole process (getrusage maxRSS). */
  rssMb: number;
  /** Terraform resources in every synthesized stack. */
  resources: number;
  /** Resources per Terraform type, so run.ts can check that compared workloads declare the same things. */
  types: Record<string, number>;
  /** Workload-specific figures (e.g. guardrail findings). */
  extra?: Extra;
}

/**
 * Runs inside a fresh child process: synthesizes into a fresh directory under
 * os.tmpdir() (never into the repository), times `work` (module loading included,
 * because users pay it on every synth), reads peak RSS, then counts the synthesized
 * resources, deletes the output and prints one JSON line for the parent. Peak RSS is
 * the whole process's, untimed preparation included.
 */
export function measure(
  label: string,
  work: (outdir: string, restartClock: () => void) => Extra | (() => Extra) | void,
): void {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-fsi-bench-"));
  try {
    let start = performance.now();
    let cpu = process.cpuUsage();
    // A workload that prepares untimed input (e.g. synthesizes what guardrails then read) restarts the clock.
    const result = work(outdir, () => {
      start = performance.now();
      cpu = process.cpuUsage();
    });
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    // A function result is evaluated after the clock stops (checks that must not be timed).
    const extra = typeof result === "function" ? result() : (result ?? undefined);
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const types = countResources(outdir);
    const resources = Object.values(types).reduce((a, b) => a + b, 0);
    const sample: Sample = { label, ms, cpuMs, rssMb, resources, types, extra };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Resources per type over every stack listed in the output's manifest.json. */
export function countResources(outdir: string): Record<string, number> {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const types: Record<string, number> = {};
  for (const stack of Object.values<any>(manifest.stacks)) {
    const parsed = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8"));
    for (const [type, byName] of Object.entries(parsed.resource ?? {})) {
      types[type] = (types[type] ?? 0) + Object.keys(byName as object).length;
    }
  }
  return types;
}
