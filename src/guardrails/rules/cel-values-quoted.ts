import { iamGrants } from "../../analysis/iam-grants";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { TERRAFORM_INTERPOLATION } from "../../core/cel";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";

/**
 * `${jsonencode(REF)}` or `${jsonencode("TEMPLATE")}` and nothing else: Terraform quotes
 * whatever it fills in, so the value stays one CEL string literal. Anything more inside the
 * braces (`${jsonencode(a) != "" ? var.raw : ""}`) could still paste raw text.
 */
const QUOTED = /^\$\{jsonencode\((?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.[\]-]+)\)\}$/;

function celOf(stack: StackModel): Array<{ resource: TfResource; where: string; expression: string }> {
  const out: Array<{ resource: TfResource; where: string; expression: string }> = [];
  for (const p of stack.ofType("google_iam_workload_identity_pool_provider")) {
    if (typeof p.config.attribute_condition === "string") out.push({ resource: p, where: "attribute_condition", expression: p.config.attribute_condition });
  }
  for (const g of iamGrants(stack)) if (g.condition !== undefined) out.push({ resource: g.resource, where: "condition.expression", expression: g.condition });
  return out;
}

export const celValuesQuoted: StackRule = {
  id: "FSI-CEL-002",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Values Terraform fills into an attribute_condition or IAM condition are quoted with jsonencode(), never pasted in raw.",
  explanation:
    "Terraform substitutes `${var.org}` as raw text: inside CEL quotes, a value such as `acme\" || true || \"` ends the string and " +
    "adds its own CEL, so the condition admits every token or every resource. `${jsonencode(var.org)}` makes Terraform write a quoted, " +
    "escaped string, which stays one literal whatever the value.",
  fix: "Write the value as ${jsonencode(...)} (the library's constructs do), or give a literal.",
  evaluate(stack: StackModel): RuleResult[] {
    const expressions = celOf(stack);
    if (expressions.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string[]>();
    for (const e of expressions) {
      const raw = (e.expression.match(TERRAFORM_INTERPOLATION) ?? []).filter((ref) => !QUOTED.test(ref));
      if (raw.length > 0) bad.set(e.resource, [...(bad.get(e.resource) ?? []), `${e.where} pastes ${raw.join(", ")} into CEL unquoted`]);
    }
    return [...new Set(expressions.map((e) => e.resource))].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!.join("; ")) : compliant(stack, r)));
  },
};
