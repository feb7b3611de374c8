import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";
import { StackModel } from "../../analysis/terraform-json";

export const providerHasCondition: StackRule = {
  id: "FSI-WIF-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Every workload identity pool provider has a non-empty attribute_condition.",
  explanation:
    "Without a condition the pool admits every token the issuer signs for the audience; for shared issuers that is " +
    "every customer of the CI service. Google rejects such providers for some issuers (checkov CKV_GCP_118).",
  fix: "Set attribute_condition to a CEL expression over the token's claims, e.g. assertion.repository_owner == \"acme\".",
  evaluate(stack: StackModel): RuleResult[] {
    return eachResource(stack, stack.ofType("google_iam_workload_identity_pool_provider"), (p) => {
      const condition = p.config.attribute_condition;
      return typeof condition === "string" && condition.trim() !== "" ? undefined : "attribute_condition is missing or empty";
    });
  },
};
