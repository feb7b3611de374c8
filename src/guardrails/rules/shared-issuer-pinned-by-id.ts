import { StackModel } from "../../analysis/terraform-json";
import { GuardrailLevel, RuleResult, StackRule } from "../rule";
import { judgeSharedIssuerProviders } from "./shared-issuer-pinned";

export const sharedIssuerPinnedById: StackRule = {
  id: "FSI-WIF-004",
  scope: "stack",
  level: GuardrailLevel.WARNING,
  description: "Providers for shared issuers pin the organization or owner by its immutable id (Buildkite organization_id, GitHub repository_owner_id).",
  explanation:
    "Names change hands: a GitHub owner name freed by a rename or deletion can be registered by someone else (Google's " +
    "guidance on GitHub warns of cybersquatting), and Buildkite calls slugs mutable. Whoever holds the name then passes a " +
    "name-only condition; the UUID or numeric id is never reused.",
  fix: "Pass organizationId to addBuildkiteProvider or ownerId to addGitHubActionsProvider.",
  evaluate(stack: StackModel): RuleResult[] {
    return judgeSharedIssuerProviders(stack, (s) => s.ids, (s) => `${s.service} provider's attribute_condition names the organization but not its id (${s.ids.join(" or ")})`);
  },
};
