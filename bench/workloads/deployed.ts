import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { livePoliciesOf, statesOf } from "../../test/fixtures/deployed/generate";
import { libraryApp } from "./apps";
import { measure } from "./measure";

/**
 * `deployed.ts MODE N M`, one child process of bench/deployed.ts:
 * - `synth`: times the library synth of the N x M app (the yardstick);
 * - `drift`: synthesizes it, writes a raw state for every stack and the live policy of every
 *   project (untimed; both as apply and gcloud would leave them, by the fixtures' generator),
 *   then times the `drift` command over all of them;
 * - `explain`: the same inputs, then times one `explain --state` command with every state
 *   (one process per question, as in CI);
 * - `simulator`: the same inputs, then times `AccessSimulator.fromSynthOutput(dir, { states })`
 *   and 1,000 explains (as bench/run.ts section 3b does without states).
 */
// cdktf records a stack trace for every token; the examples run without source maps, and so does every job here.
process.setSourceMapsEnabled(false);

const [mode, nArg, mArg] = process.argv.slice(2);
const N = Number(nArg);
const M = Number(mArg);
if (!["synth", "drift", "explain", "simulator"].includes(mode) || !(N > 0) || !(M > 0)) throw new Error("usage: deployed.ts synth|drift|explain|simulator N M");

const numberOf = (project: string) => String(400000000000 + Number(project.replace(/^bench-project-/, "")));

/** Raw states and project policies of the synthesized app, written beside it; returns the CLI arguments naming them. */
function writeDeployed(outdir: string): { stateArgs: string[]; policyArgs: string[] } {
  const dir = join(outdir, "deployed");
  mkdirSync(dir);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const stateArgs: string[] = [];
  const policyArgs: string[] = [];
  for (const name of Object.keys(manifest.stacks)) {
    const json = JSON.parse(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), "utf8"));
    // The bench app's provider names no project: each resource does.
    json.provider.google = [{ project: `bench-project-${name.slice("env-".length)}` }];
    const states = statesOf(name, json, numberOf);
    writeFileSync(join(dir, `${name}.tfstate.json`), JSON.stringify(states.raw, null, 2));
    stateArgs.push("--state", `${name}=${join(dir, `${name}.tfstate.json`)}`);
    const project = `bench-project-${name.slice("env-".length)}`;
    writeFileSync(join(dir, `${project}.policy.json`), JSON.stringify(livePoliciesOf(project, numberOf(project), [states])["project.json"], null, 2));
    policyArgs.push("--policy", `projects/${project}=${join(dir, `${project}.policy.json`)}`);
  }
  return { stateArgs, policyArgs };
}

function run(argv: string[]): { code: number; out: string } {
  const { main } = require("../../src/cli/main");
  let out = "";
  const code = main(argv, { stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) });
  return { code, out };
}

measure(`deployed ${mode} N=${N} M=${M}`, (outdir, restartClock) => {
  if (mode === "synth") {
    libraryApp(outdir, N, M).synth();
    return {};
  }
  libraryApp(outdir, N, M).synth();
  const { stateArgs, policyArgs } = writeDeployed(outdir);
  const token = join(outdir, "token.json");
  const e = Math.floor(N / 2);
  writeFileSync(
    token,
    JSON.stringify({
      iss: "https://agent.buildkite.com",
      aud: `//iam.googleapis.com/projects/${numberOf(`bench-project-${e}`)}/locations/global/workloadIdentityPools/pool-${e}/providers/buildkite`,
      sub: "organization:acme:pipeline:pipeline-1",
      organization_slug: "acme",
      pipeline_slug: "pipeline-1",
      build_branch: "main",
    }),
  );
  restartClock();
  if (mode === "drift") {
    const { code, out } = run(["drift", outdir, ...policyArgs, ...stateArgs]);
    return () => {
      if (code !== 0) throw new Error(`drift exited ${code}: ${out.slice(0, 500)}`);
      return { exit: code, policies: policyArgs.length / 2, states: stateArgs.length / 2 };
    };
  }
  if (mode === "explain") {
    const { code, out } = run(["explain", outdir, "--token", token, "--database", `projects/bench-project-${e}/databases/db-${e}`, "--access", "READ_WRITE", ...stateArgs]);
    return () => {
      if (code !== 0) throw new Error(`explain exited ${code}: ${out.slice(0, 500)}`);
      return { exit: code, states: stateArgs.length / 2 };
    };
  }
  const { AccessSimulator, FirestoreAccessLevel } = require("../../src");
  const states: { [stack: string]: string } = {};
  for (let i = 0; i < stateArgs.length; i += 2) {
    const [stack, file] = stateArgs[i + 1].split("=");
    states[stack] = readFileSync(file, "utf8");
  }
  const simulator = AccessSimulator.fromSynthOutput(outdir, { states });
  const counts: Record<string, number> = { allowed: 0, denied: 0, unknown: 0 };
  for (let i = 0; i < 1000; i++) {
    const env = (i * 7919) % N;
    const m = i % M;
    const miss = i % 3 === 2;
    const claims = {
      iss: "https://agent.buildkite.com",
      aud: `//iam.googleapis.com/projects/${numberOf(`bench-project-${env}`)}/locations/global/workloadIdentityPools/pool-${env}/providers/buildkite`,
      sub: `organization:acme:pipeline:pipeline-${m}`,
      organization_slug: miss && i % 2 === 0 ? "acme-other" : "acme",
      pipeline_slug: miss && i % 2 === 1 ? `pipeline-${M + 1}` : `pipeline-${m}`,
      build_branch: "main",
    };
    const other = i % 10 === 0 ? (env + 1) % N : env;
    counts[simulator.explain({ token: claims, database: `projects/bench-project-${other}/databases/db-${other}`, access: FirestoreAccessLevel.READ_WRITE }).decision]++;
  }
  return counts;
});
