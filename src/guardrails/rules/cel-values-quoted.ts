import { celExpressionsOf } from "../../analysis/cel-expressions";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { TERRAFORM_INTERPOLATION } from "../../core/cel";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";

/**
 * `${jsonencode(REF)}` or `${jsonencode("TEMPLATE")}` and nothing else: Terraform quotes
 * whatever it fills in, so the value stays one CEL string literal. Anything more inside the
 * braces (`${jsonencode(a) != "" ? var.raw : ""}`) could still paste raw text.
 */
const QUOTED = /^\$\{jsonencode\((?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.[\]-]+)\)\}$/;

export const celValuesQuoted: StackRule = {
  id: "FSI-CEL-002",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Values Terraform fills into an attribute_condition, attribute_mapping or IAM condition are quoted with jsonencode(), never pasted in raw.",
  explanation:
    "Terraform substitutes `${var.org}` as raw text: inside CEL quotes, a value such as `acme\" || true || \"` ends the string and " +
    "adds its own CEL, so the condition admits every token or every resource. `${jsonencode(var.org)}` makes Terraform write a quoted, " +
    "escaped string, which stays one literal whatever the value.",
  fix: "Write the value as ${jsonencode(...)} (the library's constructs do), or give a literal.",
  evaluate(stack: StackModel): RuleResult[] {
    const expressions = celExpressionsOf(stack);
    if (expressions.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string[]>();
    for (const e of expressions) {
      const raw = (e.expression.match(TERRAFORM_INTERPOLATION) ?? []).filter((ref) => !QUOTED.test(ref));
      if (raw.length > 0) bad.set(e.resource, [...(bad.get(e.resource) ?? []), `${e.where} pastes ${raw.join(", ")} into CEL unquoted`]);
    }
    return [...new Set(expressions.map((e) => e.resource))].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!.join("; ")) : compliant(stack, r)));
  },
};
