import { BUILDKITE_ISSUER, GITHUB_ACTIONS_ISSUER } from "../../core/issuers";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel, TfResource, block } from "../../analysis/terraform-json";

/**
 * Issuers shared by every customer of a service, the claims that tell customers apart, and
 * among them the ids nobody can re-register (Buildkite's OIDC reference; GitHub's OIDC
 * reference and Google's guidance to prefer the `*_id` fields).
 */
export const SHARED_ISSUERS: ReadonlyArray<{ issuer: string; service: string; claims: readonly string[]; ids: readonly string[] }> = [
  { issuer: BUILDKITE_ISSUER, service: "Buildkite", claims: ["organization_slug", "organization_id"], ids: ["organization_id"] },
  { issuer: GITHUB_ACTIONS_ISSUER, service: "GitHub Actions", claims: ["repository_owner", "repository_owner_id"], ids: ["repository_owner_id"] },
];

/** `assertion.CLAIM == "x"`, `"x" == assertion.CLAIM` or `assertion.CLAIM in [...]` (attribute.CLAIM after mapping too). */
export function pins(condition: string, claim: string): boolean {
  const ref = `(?:assertion|attribute)\\.${claim}\\b`;
  return new RegExp(`${ref}\\s*(?:==|in\\s*\\[)|==\\s*${ref}`).test(condition);
}

export function sharedIssuerOf(provider: TfResource): (typeof SHARED_ISSUERS)[number] | undefined {
  const uri = block(provider.config.oidc)?.issuer_uri;
  const issuer = typeof uri === "string" ? uri.replace(/\/+$/, "") : "";
  // An enterprise's own issuer (…/<enterprise>) is still shared by every organization of the enterprise.
  return SHARED_ISSUERS.find((s) => s.issuer === issuer || (s.issuer === GITHUB_ACTIONS_ISSUER && issuer.startsWith(`${GITHUB_ACTIONS_ISSUER}/`)));
}

export const sharedIssuerPinned: StackRule = {
  id: "FSI-WIF-002",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Providers for shared issuers (Buildkite, GitHub Actions) pin the organization or owner in attribute_condition.",
  explanation:
    "https://agent.buildkite.com and https://token.actions.githubusercontent.com sign tokens for every organization; " +
    "a condition that does not compare organization_slug (Buildkite) or repository_owner/repository_owner_id (GitHub) " +
    "lets pipelines of other organizations in.",
  fix: "Add assertion.organization_slug == \"ORG\" (Buildkite) or assertion.repository_owner_id == \"ID\" (GitHub) to the condition.",
  evaluate(stack: StackModel): RuleResult[] {
    return judgeSharedIssuerProviders(stack, (s) => s.claims, (s) => `${s.service} provider's attribute_condition does not compare ${s.claims.join(" or ")}`);
  },
};

type SharedIssuer = (typeof SHARED_ISSUERS)[number];

/** One verdict per provider of a shared issuer: compliant when its condition pins one of `claims`. */
export function judgeSharedIssuerProviders(stack: StackModel, claims: (s: SharedIssuer) => readonly string[], message: (s: SharedIssuer) => string): RuleResult[] {
  const results: RuleResult[] = [];
  for (const p of stack.ofType("google_iam_workload_identity_pool_provider")) {
    const shared = sharedIssuerOf(p);
    if (!shared) continue;
    const condition = typeof p.config.attribute_condition === "string" ? p.config.attribute_condition : "";
    results.push(claims(shared).some((claim) => pins(condition, claim)) ? compliant(stack, p) : nonCompliant(stack, p, message(shared)));
  }
  return results.length > 0 ? results : [notApplicable(stack)];
}
