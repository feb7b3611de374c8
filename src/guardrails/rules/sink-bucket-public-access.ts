import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";
import { sinkBuckets } from "../sinks";
import { StackModel } from "../../analysis/terraform-json";

export const sinkBucketPublicAccess: StackRule = {
  id: "FSI-LOG-004",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Storage buckets that receive log sinks set public_access_prevention = \"enforced\".",
  explanation: "Audit logs name principals, databases and documents; enforced prevention stops any later allUsers grant from exposing them.",
  fix: "Set public_access_prevention = \"enforced\" (and uniform_bucket_level_access = true).",
  evaluate(stack: StackModel): RuleResult[] {
    return eachResource(stack, sinkBuckets(stack), (bucket) =>
      bucket.config.public_access_prevention === "enforced" ? undefined : "the sink's bucket does not enforce public access prevention",
    );
  },
};
