import { libraryApp } from "./apps";
import { measure } from "./measure";

/**
 * `simulator.ts N M`: synthesizes the library app (untimed), then times loading the whole
 * output into the access simulator and answering 1,000 explains: Buildkite tokens of every
 * environment, a third of them near misses (another pipeline, organization or audience),
 * asking READ_WRITE on their own database or, for some, another environment's.
 */
const [nArg, mArg] = process.argv.slice(2);
const N = Number(nArg);
const M = Number(mArg);
if (!(N > 0) || !(M > 0)) throw new Error("usage: simulator.ts N M");

measure(`simulator N=${N} M=${M}`, (outdir, restartClock) => {
  libraryApp(outdir, N, M).synth();
  restartClock();
  const { AccessSimulator, FirestoreAccessLevel } = require("../../src");
  const simulator = AccessSimulator.fromSynthOutput(outdir);
  const counts: Record<string, number> = { allowed: 0, denied: 0, unknown: 0 };
  for (let i = 0; i < 1000; i++) {
    const e = (i * 7919) % N;
    const m = i % M;
    const miss = i % 3 === 2;
    const token = {
      iss: "https://agent.buildkite.com",
      aud: `//iam.googleapis.com/projects/1234567${e}/locations/global/workloadIdentityPools/pool-${e}/providers/buildkite`,
      sub: `organization:acme:pipeline:pipeline-${m}`,
      organization_slug: miss && i % 2 === 0 ? "acme-other" : "acme",
      pipeline_slug: miss && i % 2 === 1 ? `pipeline-${M + 1}` : `pipeline-${m}`,
      build_branch: "main",
    };
    const database = `projects/bench-project-${i % 10 === 0 ? (e + 1) % N : e}/databases/db-${i % 10 === 0 ? (e + 1) % N : e}`;
    counts[simulator.explain({ token, database, access: FirestoreAccessLevel.READ_WRITE }).decision]++;
  }
  return counts;
});
