import { FindingStatus, Rule, RuleResult } from "../../src/guardrails/rule";
import { StackModel } from "../../src/analysis/terraform-json";

/** A stack model over hand-written Terraform JSON: `resource` is the JSON's resource section. */
export function model(resource: any, extra: any = {}, name = "app-dev"): StackModel {
  return new StackModel(name, { resource, ...extra });
}

function run(rule: Rule, stacks: StackModel[]): RuleResult[] {
  return rule.scope === "app" ? rule.evaluate(stacks) : stacks.flatMap((s) => rule.evaluate(s));
}

/** `address -> status` for every verdict, `stack:NAME` for stack-level ones. */
export function verdicts(rule: Rule, ...stacks: StackModel[]): { [address: string]: FindingStatus } {
  return Object.fromEntries(run(rule, stacks).map((r) => [r.resource?.address ?? `stack:${r.stack.name}`, r.status]));
}

/** Messages of the non-compliant verdicts. */
export function violations(rule: Rule, ...stacks: StackModel[]): string[] {
  return run(rule, stacks)
    .filter((r) => r.status === FindingStatus.NON_COMPLIANT)
    .map((r) => `${r.resource?.address ?? r.stack.name}: ${r.message}`);
}

export const C = FindingStatus.COMPLIANT;
export const N = FindingStatus.NON_COMPLIANT;
export const NA = FindingStatus.NOT_APPLICABLE;

export const DB_CONDITION = { title: "app database", expression: 'resource.name == "projects/acme-dev/databases/app"' };
