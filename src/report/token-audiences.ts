import { IamModel, ProviderModel } from "../analysis/iam-model";
import { StackModel } from "../analysis/terraform-json";

/** What a workload's token must carry in `aud` to be admitted by one provider. */
export interface ProviderAudience {
  readonly stack: string;
  /** `google_iam_workload_identity_pool_provider.<name>` */
  readonly address: string;
  readonly poolId: string;
  /** The provider id Google knows it by, which the audience names: not the construct id (`addGitHubActionsProvider("github", …)` is `github-actions`). */
  readonly providerId: string;
  readonly issuer: string;
  /** allowed_audiences when set; otherwise the provider's own resource name, as Google accepts it. */
  readonly audiences: readonly string[];
}

/**
 * The provider's own resource name under the project number (unknown before apply unless
 * the stack uses it): what a provider without allowed_audiences accepts, with or without
 * `https:` (https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines#create_the_workload_identity_pool_and_provider).
 */
function defaultAudience(p: ProviderModel): string {
  const project = /^[0-9]+$/.test(p.pool.project) ? p.pool.project : "PROJECT_NUMBER";
  return `//iam.googleapis.com/projects/${project}/locations/global/workloadIdentityPools/${p.pool.poolId}/providers/${p.providerId}`;
}

/** Every OIDC provider of the stacks with the audience its tokens need, in stack and address order. */
export function tokenAudiences(stacks: readonly StackModel[]): ProviderAudience[] {
  return IamModel.of(stacks)
    .providers.filter((p) => p.issuer !== "")
    .map((p) => ({
      stack: p.stack.name,
      address: p.resource.address,
      poolId: p.pool.poolId,
      providerId: p.providerId,
      issuer: p.issuer,
      audiences: p.allowedAudiences.length > 0 ? [...p.allowedAudiences] : [defaultAudience(p)],
    }))
    .sort((a, b) => (a.stack === b.stack ? (a.address < b.address ? -1 : 1) : a.stack < b.stack ? -1 : 1));
}

/** A Markdown section: which `aud` each provider admits, so test tokens and CI configuration name the right one. */
export function audiencesMarkdown(list: readonly ProviderAudience[]): string[] {
  if (list.length === 0) return [];
  const out = [
    "## Token audiences",
    "",
    "The `aud` a token must carry for each provider. Without allowed_audiences it is the provider's own name (its provider id, not the construct id), under the project number, with or without `https:`.",
    "",
    "| Stack | Provider | Issuer | Audience |",
    "| --- | --- | --- | --- |",
  ];
  for (const a of list) out.push(`| ${a.stack} | ${a.poolId}/${a.providerId} (${a.address}) | ${a.issuer} | ${a.audiences.map((x) => `\`${x}\``).join("<br>")} |`);
  out.push("");
  return out;
}
