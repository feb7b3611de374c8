import { GuardrailLevel, RuleResult, StackRule, nonCompliant, notApplicable } from "../rule";
import { StackModel } from "../../analysis/terraform-json";

export const noServiceAccountKeys: StackRule = {
  id: "FSI-IAM-002",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "No google_service_account_key resources.",
  explanation:
    "A user-managed key is a long-lived secret that lands in Terraform state and works from anywhere until revoked " +
    "(CIS GCP 1.4, checkov CKV2_GCP_3). Workload identity federation and GKE Workload Identity need no key.",
  fix: "Delete the key; let the workload impersonate the service account through workload identity federation.",
  evaluate(stack: StackModel): RuleResult[] {
    const keys = stack.ofType("google_service_account_key");
    if (keys.length === 0) return [notApplicable(stack)];
    return keys.map((k) => nonCompliant(stack, k, "a user-managed service account key is declared"));
  },
};
