import { writeFileSync } from "fs";
import { join } from "path";
import { App } from "cdktf";
import { AccessReport, FirestoreGuardrails } from "../src";
import { AirflowStack } from "./airflow/stack";
import { BuildkiteStack } from "./buildkite/stack";
import { ExamplesConfig, loadExamplesConfig } from "./config";
import { FastApiStack } from "./fastapi/stack";
import { PlatformStack } from "./platform/stack";

const WORKLOADS = { airflow: AirflowStack, buildkite: BuildkiteStack, fastapi: FastApiStack };

// cdktf records a full stack trace for every token; under tsx each one is source-mapped,
// which costs about a fifth of the synth. This library's errors name construct paths, not
// lines, so the examples go without. Delete this line to debug with TypeScript line numbers.
process.setSourceMapsEnabled(false);

/**
 * Every example stack for every environment (`<example>-<env>`, one state each), under the
 * guardrails. Workload stacks depend on their environment's platform stack, which owns the
 * database and audit logging, so `cdktf deploy '*'` deploys it first.
 */
export function buildExamplesApp(app: App = new App(), config: ExamplesConfig = loadExamplesConfig()): App {
  for (const env of config.environments) {
    const props = { env, shared: config.shared };
    const platform = new PlatformStack(app, `platform-${env.name}`, props);
    for (const [example, Stack] of Object.entries(WORKLOADS)) {
      new Stack(app, `${example}-${env.name}`, props).addDependency(platform);
    }
  }
  FirestoreGuardrails.applyTo(app);
  return app;
}

if (require.main === module) {
  const app = buildExamplesApp();
  // Fails on any guardrail error, cross-stack rules included (audit logging lives in the platform stacks).
  app.synth();
  // The reviewer's view of what was just synthesized: who reaches which database, and how.
  writeFileSync(join(app.outdir, "ACCESS.md"), AccessReport.fromSynthOutput(app.outdir).toMarkdown());
}
