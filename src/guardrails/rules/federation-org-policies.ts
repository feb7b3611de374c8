import { IamModel, OrgPolicyModel, ProviderModel } from "../../analysis/iam-model";
import { StackModel } from "../../analysis/terraform-json";
import { FEDERATION_ORG_POLICIES, WORKLOAD_IDENTITY_POOL_PROVIDERS } from "../../core/org-policy-constraints";
import { AppRule, GuardrailLevel, RuleResult, compliant, nonCompliant, notApplicable } from "../rule";

/** A policy set on the project itself, or on a folder or organization (which the project may sit under). */
function reaches(policy: OrgPolicyModel, project: string): boolean {
  return policy.parent === `projects/${project}` || /^(folders|organizations)\//.test(policy.parent);
}

/** What is wrong with the project's policies for one constraint, or undefined. */
function problem(constraint: string, policies: readonly OrgPolicyModel[], providers: readonly ProviderModel[]): string | undefined {
  const declared = policies.filter((p) => p.constraint === constraint);
  // The project's own policy replaces what its folder or organization sets (unless it inherits,
  // which these policies do not declare), so a project policy that does not enforce wins.
  const atProject = declared.filter((p) => p.parent.startsWith("projects/"));
  const own = atProject.length > 0 ? atProject : declared;
  if (own.length === 0) return `no ${constraint} policy`;
  if (constraint !== WORKLOAD_IDENTITY_POOL_PROVIDERS) return own.every((p) => p.enforced) ? undefined : `${constraint} is declared but not enforced`;
  const allowed = new Set(own.flatMap((p) => p.allowedValues ?? []));
  if (!own.some((p) => p.allowedValues !== undefined || p.denyAll)) return `${constraint} does not restrict the issuers`;
  const missing = [...new Set(providers.map((p) => p.issuer))].filter((i) => i !== "" && !i.includes("${") && !allowed.has(i)).sort();
  return missing.length === 0 ? undefined : `${constraint} does not allow ${missing.join(", ")}, which a provider declares (Google refuses the provider)`;
}

/**
 * Org policies usually live in a platform stack and providers in workload stacks, so this
 * rule reads every stack of the app and matches projects by id.
 */
export const federationOrgPolicies: AppRule = {
  id: "FSI-ORG-001",
  scope: "app",
  level: GuardrailLevel.WARNING,
  description:
    "Every project with a workload identity pool provider enforces iam.disableServiceAccountKeyCreation, iam.disableServiceAccountKeyUpload and iam.disableAuditLoggingExemption, and restricts iam.workloadIdentityPoolProviders to the issuers its providers declare.",
  explanation:
    "Federation promises that no key exists, that every exchange and impersonation is audited, and that only the declared " +
    "issuers are trusted. IAM alone cannot keep those promises against a project owner: a key can be created or uploaded, " +
    "a principal exempted from audit logging or another identity provider added with a console click. The org policies " +
    "make the promises hold whatever the IAM roles.",
  fix:
    "Declare ServiceAccountKeyCreationPolicy, ServiceAccountKeyUploadPolicy, AuditLoggingExemptionPolicy and " +
    "WorkloadIdentityProviderPolicy for the project (in any stack of the app), or set them on its folder or organization.",
  evaluate(stacks: readonly StackModel[]): RuleResult[] {
    const policies = stacks.flatMap((s) => IamModel.ofStack(s).orgPolicies);
    const everyProvider = stacks.flatMap((s) => IamModel.ofStack(s).providers).filter((p) => !p.disabled);
    const results: RuleResult[] = [];
    for (const stack of stacks) {
      // One verdict per project and stack, on the first provider, so a suppression has one stable home.
      const first = new Map<string, ProviderModel>();
      for (const p of IamModel.ofStack(stack).providers) if (!p.disabled && !first.has(p.pool.project)) first.set(p.pool.project, p);
      if (first.size === 0) {
        results.push(notApplicable(stack));
        continue;
      }
      for (const [project, provider] of [...first].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const reaching = policies.filter((p) => reaches(p, project));
        const providers = everyProvider.filter((p) => p.pool.project === project);
        const problems = FEDERATION_ORG_POLICIES.map((c) => problem(c, reaching, providers)).filter((p): p is string => p !== undefined);
        results.push(
          problems.length === 0
            ? compliant(stack, provider.resource)
            : nonCompliant(stack, provider.resource, `project ${project || "(provider default)"} federates external identities but: ${problems.join("; ")}`),
        );
      }
    }
    return results;
  },
};
