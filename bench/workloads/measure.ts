import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { performance } from "perf_hooks";

/**
 * Runs inside a fresh child process: times `work` (module loading included, because
 * users pay it on every synth), reads peak RSS, then counts the synthesized resources
 * and prints one JSON line for the parent.
 */
export function measure(label: string, work: (outdir: string) => void): void {
  const outdir = mkdtempSync(join(tmpdir(), "bench-"));
  const start = performance.now();
  work(outdir);
  const ms = performance.now() - start;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const resources = countResources(outdir);
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ label, ms, rssMb, resources })}\n`);
}

function countResources(outdir: string): number {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  let n = 0;
  for (const stack of Object.values<any>(manifest.stacks)) {
    const parsed = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8"));
    for (const byName of Object.values(parsed.resource ?? {})) n += Object.keys(byName as object).length;
  }
  return n;
}
