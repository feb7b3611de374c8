import { isProduction } from "../environment";
import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";
import { sinkBuckets } from "../sinks";
import { StackModel, block, isExpression } from "../../analysis/terraform-json";

/** Prod is the stack's environment (name suffix or provider label) or the bucket's own env label. */
export const sinkBucketRetention: StackRule = {
  id: "FSI-LOG-003",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Storage buckets that receive log sinks have a retention_policy, locked (is_locked = true) in prod.",
  explanation:
    "Audit entries must outlive an attacker's attempt to delete them; an unlocked policy can be shortened or removed " +
    "by any bucket admin (CIS GCP 2.3, checkov CKV2_GCP_4). Locking is irreversible, so it is required in prod only.",
  fix: "Set retention_policy { retention_period = SECONDS, is_locked = true in prod }.",
  evaluate(stack: StackModel): RuleResult[] {
    return eachResource(stack, sinkBuckets(stack), (bucket) => {
      const policy = block(bucket.config.retention_policy);
      const hasPeriod = isExpression(policy?.retention_period) || Number(policy?.retention_period) > 0;
      if (!hasPeriod) return "the sink's bucket has no retention_policy with a retention_period";
      if (isProduction(stack, bucket.config.labels) && policy.is_locked !== true) return "the prod sink bucket's retention_policy is not locked";
      return undefined;
    });
  },
};
