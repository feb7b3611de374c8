import { App, Testing, TerraformStack } from "cdktf";
import { buildExamplesApp } from "../../examples/main";
import { ExamplesConfig, loadExamplesConfig } from "../../examples/config";
import { resourcesOf } from "../support/synth";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const EXAMPLES = ["platform", "airflow", "buildkite", "fastapi"] as const;

export interface SynthesizedStack {
  readonly stack: TerraformStack;
  readonly json: string;
}

/** Every example stack and its synthesized JSON, keyed by stack name. */
export function synthExamples(config: ExamplesConfig = loadExamplesConfig({})): Map<string, SynthesizedStack> {
  const app: App = buildExamplesApp(Testing.app(), config);
  const out = new Map<string, SynthesizedStack>();
  for (const child of app.node.children) {
    if (child instanceof TerraformStack) out.set(child.node.id, { stack: child, json: Testing.synth(child) });
  }
  return out;
}

/** Resources of one type as [Terraform address, config] without cdktf metadata. */
export function resources(json: any, type: string): Array<[string, any]> {
  return resourcesOf(json, type).map(([name, cfg]) => [`${type}.${name}`, cfg]);
}
