import { existsSync, readdirSync, statSync } from "fs";
import { join } from "path";
import { libraryApp } from "./apps";
import { measure } from "./measure";

/**
 * `guardrails.ts check N M`: synthesizes the library app (untimed), then times
 * `FirestoreGuardrails.checkSynthOutput(outdir)`: the `check` CLI's work (read every
 * cdk.tf.json, run every rule, cross-stack ones included, apply suppressions).
 *
 * `guardrails.ts aspect N M`: times the whole synth with `FirestoreGuardrails.applyTo(app)`
 * (the default: a guardrails-report.json per stack); `aspect-no-reports` the same with
 * `{ reports: false }`. run.ts subtracts the library synth without guardrails (scale.ts)
 * to get the time added.
 */
const [mode, nArg, mArg] = process.argv.slice(2);
const N = Number(nArg);
const M = Number(mArg);
if (!["check", "aspect", "aspect-no-reports"].includes(mode) || !(N > 0) || !(M > 0)) throw new Error("usage: guardrails.ts check|aspect|aspect-no-reports N M");

measure(`guardrails ${mode} N=${N} M=${M}`, (outdir, restartClock) => {
  if (mode !== "check") {
    libraryApp(outdir, N, M, { guardrails: true, reports: mode === "aspect" }).synth();
    return () => ({ reportBytes: bytesOf(outdir, "guardrails-report.json"), stackBytes: bytesOf(outdir, "cdk.tf.json") });
  }
  libraryApp(outdir, N, M).synth();
  const { FirestoreGuardrails, FindingStatus, GuardrailLevel } = require("../../src");
  restartClock();
  const findings: any[] = FirestoreGuardrails.checkSynthOutput(outdir);
  return () => ({
    findings: findings.length,
    failures: findings.filter((f) => f.status === FindingStatus.NON_COMPLIANT && f.level === GuardrailLevel.ERROR).length,
  });
});

/** Total size of one file name over every stack directory of the output. */
function bytesOf(outdir: string, file: string): number {
  const stacks = join(outdir, "stacks");
  return readdirSync(stacks)
    .map((name) => join(stacks, name, file))
    .filter((f) => existsSync(f))
    .reduce((sum, f) => sum + statSync(f).size, 0);
}
