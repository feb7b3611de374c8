import { celSyntaxError } from "../../core/cel";
import { isPresetCel } from "../../core/library-cel";
import { isLibraryDatabaseCondition } from "../../analysis/conditions";
import { celExpressionsOf } from "../../analysis/cel-expressions";
import { StackModel, TfResource } from "../../analysis/terraform-json";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";

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
    // The library's own database condition is known to parse (a property test evaluates it); thousands of grants carry it.
    const expressions = celExpressionsOf(stack).filter((e) => !isLibraryDatabaseCondition(e.expression));
    if (expressions.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string[]>();
    for (const e of expressions) {
      // So are the texts the presets wrote in this process (library-cel.ts): compliant, unparsed.
      if (isPresetCel(e.expression)) continue;
      const error = celSyntaxError(e.expression);
      if (error !== undefined) bad.set(e.resource, [...(bad.get(e.resource) ?? []), `${e.where} \`${e.expression}\` does not parse: ${error}`]);
    }
    return [...new Set(expressions.map((e) => e.resource))].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!.join("; ")) : compliant(stack, r)));
  },
};
