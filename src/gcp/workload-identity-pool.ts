import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { Construct } from "constructs";
import { check, checkShape, checkTextOptional, checkType } from "../core/validate";
import { FederatedMatch, FederatedPrincipal } from "./federated-principal";
import { ATTRIBUTE_VALUE, POOL_DESCRIPTION, POOL_DISPLAY_NAME, PROJECT_ID, WORKLOAD_IDENTITY_ID } from "./gcp-rules";
import { BuildkiteOidcProvider, BuildkiteProviderOptions } from "./buildkite-provider";
import { EntraIdOidcProvider, EntraIdProviderOptions } from "./entra-id-provider";
import { GitHubActionsOidcProvider, GitHubActionsProviderOptions } from "./github-actions-provider";
import { OidcProviderOptions, WorkloadIdentityOidcProvider } from "./oidc-providers";
import { requireCdktfApp } from "../core/supported-core";

export interface WorkloadIdentityPoolProps {
  readonly projectId: string;
  /** 4-32 of [a-z0-9-], not starting with `gcp-`. A deleted id stays reserved for 30 days. */
  readonly poolId: string;
  /** At most 32 characters. @default the pool id */
  readonly displayName?: string;
  /** At most 256 characters. */
  readonly description?: string;
  /**
   * Refuse `terraform destroy` of the pool. Deleting a pool is a 30-day soft delete during
   * which its id cannot be reused, so the default protects it.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A Google Cloud workload identity pool: the trust boundary for external identities.
 * Add one OIDC provider per issuer; every provider carries an attribute condition.
 */
export class WorkloadIdentityPool extends Construct {
  public readonly projectId: string;
  public readonly poolId: string;
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL` (known after apply). */
  public readonly poolName: string;
  public readonly resource: IamWorkloadIdentityPool;
  private readonly providerList: WorkloadIdentityOidcProvider[] = [];

  constructor(scope: Construct, id: string, props: WorkloadIdentityPoolProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { projectId: "string", poolId: "string", displayName: "string?", description: "string?", preventDestroy: "boolean?" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    this.poolId = check(this, "poolId", props.poolId, WORKLOAD_IDENTITY_ID);
    const displayName = checkTextOptional(this, "displayName", props.displayName, POOL_DISPLAY_NAME);
    const description = checkTextOptional(this, "description", props.description, POOL_DESCRIPTION);

    this.resource = new IamWorkloadIdentityPool(this, "Resource", {
      project: props.projectId,
      workloadIdentityPoolId: props.poolId,
      displayName: displayName ?? props.poolId,
      description,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.poolName = this.resource.name;
  }

  /** The providers added so far, in the order they were added. */
  public get providers(): WorkloadIdentityOidcProvider[] {
    return [...this.providerList];
  }

  /** Buildkite agents of one organization (the issuer is shared by every organization). */
  public addBuildkiteProvider(id: string, options: BuildkiteProviderOptions): BuildkiteOidcProvider {
    return this.track(new BuildkiteOidcProvider(this, id, options));
  }

  /** Tokens issued by one Entra ID tenant for one audience (an app registration). */
  public addEntraIdProvider(id: string, options: EntraIdProviderOptions): EntraIdOidcProvider {
    return this.track(new EntraIdOidcProvider(this, id, options));
  }

  /** GitHub Actions workflows of one owner (the issuer is shared by every GitHub user). */
  public addGitHubActionsProvider(id: string, options: GitHubActionsProviderOptions): GitHubActionsOidcProvider {
    return this.track(new GitHubActionsOidcProvider(this, id, options));
  }

  /** Any OIDC issuer; the attribute condition is required. */
  public addOidcProvider(id: string, options: OidcProviderOptions): WorkloadIdentityOidcProvider {
    return this.track(new WorkloadIdentityOidcProvider(this, id, options));
  }

  /**
   * Every identity in this pool whose mapped `attribute.<attribute>` equals `value`.
   * Prefer the providers' typed helpers (pipeline, repository, objectId), which encode
   * the attribute names they map.
   */
  public principalSet(attribute: string, value: string): FederatedPrincipal {
    checkType(this, "attribute", attribute, "string");
    checkType(this, "value", value, "string");
    check(this, "attribute", attribute, { test: (a) => /^[a-z0-9_]+$/.test(a), rule: "attribute name must be [a-z0-9_]+ (without the attribute. prefix)" });
    check(this, `principalSet value for attribute.${attribute}`, value, ATTRIBUTE_VALUE);
    return new FederatedPrincipal({
      poolName: this.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute,
      value,
      principalName: `${this.poolId}/attribute.${attribute}/${value}`,
    });
  }

  private track<T extends WorkloadIdentityOidcProvider>(provider: T): T {
    this.providerList.push(provider);
    return provider;
  }
}
