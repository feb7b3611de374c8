import { StackModel, TfResource } from "../analysis/terraform-json";

/** How serious a broken rule is: errors fail `cdktf synth` and `check`, warnings are printed. */
export enum GuardrailLevel {
  ERROR = "error",
  WARNING = "warning",
}

/** Outcome of one rule for one resource (cdk-nag's compliance states, plus suppressed). */
export enum FindingStatus {
  COMPLIANT = "compliant",
  NON_COMPLIANT = "non-compliant",
  /** The stack holds nothing the rule looks at. */
  NOT_APPLICABLE = "not-applicable",
  /** Non-compliant, but suppressed with a documented reason. */
  SUPPRESSED = "suppressed",
}

/** What a guardrail checks and why; the same text appears in findings, SARIF and the README. */
export interface GuardrailRuleInfo {
  /** Stable id, e.g. `FSI-IAM-001`; suppressions name it. */
  readonly id: string;
  readonly level: GuardrailLevel;
  /** One line: what must hold. */
  readonly description: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to comply. */
  readonly fix: string;
  /**
   * True when the rule needs every stack of the app (e.g. audit logging owned by a
   * platform stack); such rules run in the `check` CLI, not in the per-stack Aspect.
   */
  readonly crossStack: boolean;
}

/** One rule's verdict on one resource (or on a whole stack when no resource applies). */
export interface GuardrailFinding {
  readonly ruleId: string;
  readonly level: GuardrailLevel;
  readonly status: FindingStatus;
  /** Stack name as in cdktf.out/manifest.json. */
  readonly stack: string;
  /** Construct path of the offending resource, or the stack name. */
  readonly constructPath: string;
  /** Terraform address (`type.name`), when the finding is about one resource. */
  readonly resourceAddress?: string;
  readonly message: string;
  readonly fix: string;
  /** The documented reason, when status is SUPPRESSED. */
  readonly suppressionReason?: string;
}

/** A rule's raw verdict before suppressions are applied (internal). */
export interface RuleResult {
  readonly status: FindingStatus.COMPLIANT | FindingStatus.NON_COMPLIANT | FindingStatus.NOT_APPLICABLE;
  readonly stack: StackModel;
  readonly resource?: TfResource;
  readonly message: string;
}

interface RuleBase {
  readonly id: string;
  readonly level: GuardrailLevel;
  readonly description: string;
  readonly explanation: string;
  readonly fix: string;
}

/** A rule that needs only one stack: a pure function of its synthesized JSON. */
export interface StackRule extends RuleBase {
  readonly scope: "stack";
  evaluate(stack: StackModel): RuleResult[];
}

/** A rule over every stack of an app (e.g. audit logging owned by another stack). */
export interface AppRule extends RuleBase {
  readonly scope: "app";
  evaluate(stacks: readonly StackModel[]): RuleResult[];
}

export type Rule = StackRule | AppRule;

export function compliant(stack: StackModel, resource: TfResource): RuleResult {
  return { status: FindingStatus.COMPLIANT, stack, resource, message: "compliant" };
}

export function nonCompliant(stack: StackModel, resource: TfResource | undefined, message: string): RuleResult {
  return { status: FindingStatus.NON_COMPLIANT, stack, resource, message };
}

export function notApplicable(stack: StackModel): RuleResult {
  return { status: FindingStatus.NOT_APPLICABLE, stack, message: "nothing to check" };
}

/**
 * Checks each resource once: `problem` returns why it breaks the rule, or undefined.
 * With no resources the stack is not applicable.
 */
export function eachResource(
  stack: StackModel,
  resources: readonly TfResource[],
  problem: (resource: TfResource) => string | undefined,
): RuleResult[] {
  if (resources.length === 0) return [notApplicable(stack)];
  return resources.map((r) => {
    const why = problem(r);
    return why === undefined ? compliant(stack, r) : nonCompliant(stack, r, why);
  });
}
