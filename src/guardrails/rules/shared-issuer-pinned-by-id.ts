import { StackModel } from "../../analysis/terraform-json";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { pins, sharedIssuerOf } from "./shared-issuer-pinned";

export const sharedIssuerPinnedById: StackRule = {
  id: "FSI-WIF-004",
  scope: "stack",
  level: GuardrailLevel.WARNING,
  description: "Providers for shared issuers pin the organization or owner by its immutable id (Buildkite organization_id, GitHub repository_owner_id).",
  explanation:
    "Buildkite organization slugs and GitHub owner names can be given up and registered again by someone else, who then " +
    "passes a name-only condition; the UUID or numeric id of the organization is never reused.",
  fix: "Pass organizationId to addBuildkiteProvider or ownerId to addGitHubActionsProvider.",
  evaluate(stack: StackModel): RuleResult[] {
    const results: RuleResult[] = [];
    for (const p of stack.ofType("google_iam_workload_identity_pool_provider")) {
      const shared = sharedIssuerOf(p);
      if (!shared) continue;
      const condition = typeof p.config.attribute_condition === "string" ? p.config.attribute_condition : "";
      results.push(
        shared.ids.some((claim) => pins(condition, claim))
          ? compliant(stack, p)
          : nonCompliant(stack, p, `${shared.service} provider's attribute_condition names the organization but not its id (${shared.ids.join(" or ")})`),
      );
    }
    return results.length > 0 ? results : [notApplicable(stack)];
  },
};
