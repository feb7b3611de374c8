import { celSyntaxError } from "../../core/cel";
import { isLibraryDatabaseCondition } from "../../analysis/conditions";
import { iamGrants } from "../../analysis/iam-grants";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";

/** Every CEL expression a resource carries, named by the argument that holds it. */
function expressionsOf(stack: StackModel): Array<{ resource: TfResource; where: string; expression: string }> {
  const out: Array<{ resource: TfResource; where: string; expression: string }> = [];
  for (const p of stack.ofType("google_iam_workload_identity_pool_provider")) {
    if (typeof p.config.attribute_condition === "string") out.push({ resource: p, where: "attribute_condition", expression: p.config.attribute_condition });
    for (const [key, value] of Object.entries((p.config.attribute_mapping ?? {}) as object)) {
      if (typeof value === "string") out.push({ resource: p, where: `attribute_mapping["${key}"]`, expression: value });
    }
  }
  for (const g of iamGrants(stack)) {
    // The library's own database condition is known to parse (a property test evaluates it); thousands of grants carry it.
    if (g.condition !== undefined && !isLibraryDatabaseCondition(g.condition)) out.push({ resource: g.resource, where: "condition.expression", expression: g.condition });
  }
  return out;
}

export const celParses: StackRule = {
  id: "FSI-CEL-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Every CEL expression (provider attribute_condition and attribute_mapping, IAM condition expressions) parses.",
  explanation:
    "Google parses these at apply and refuses the resource when one does not parse, half-way through a deploy. " +
    "Parsed here with the CEL engine the access simulator uses; Terraform references count as values.",
  fix: "Correct the expression; the message shows the parser's line, column and what it expected.",
  evaluate(stack: StackModel): RuleResult[] {
    const expressions = expressionsOf(stack);
    if (expressions.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string[]>();
    for (const e of expressions) {
      const error = celSyntaxError(e.expression);
      if (error !== undefined) bad.set(e.resource, [...(bad.get(e.resource) ?? []), `${e.where} \`${e.expression}\` does not parse: ${error}`]);
    }
    return [...new Set(expressions.map((e) => e.resource))].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!.join("; ")) : compliant(stack, r)));
  },
};
