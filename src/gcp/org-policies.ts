import type { OrgPolicyPolicy } from "@cdktf/provider-google/lib/org-policy-policy";
import { Lazy, TerraformStack, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import {
  DISABLE_AUDIT_LOGGING_EXEMPTION,
  DISABLE_SERVICE_ACCOUNT_KEY_UPLOAD,
  WORKLOAD_IDENTITY_POOL_PROVIDERS,
} from "../core/org-policy-constraints";
import { HTTPS_URL } from "../core/formats";
import { check, checkEach, checkShape, checkUnique, inputError } from "../core/validate";
import { PROJECT_ID } from "./gcp-rules";
import { WorkloadIdentityPool } from "./workload-identity-pool";
import { requireCdktfApp } from "../core/supported-core";

export interface ProjectOrgPolicyProps {
  /** The project the policy is set on (parent `projects/PROJECT_ID`). */
  readonly projectId: string;
}

// Loaded on first use (~2 ms): a project declares each policy once, if at all.
function orgPolicyBindings() {
  return require("@cdktf/provider-google/lib/org-policy-policy") as typeof import("@cdktf/provider-google/lib/org-policy-policy");
}

/**
 * One boolean constraint enforced on one project. Applying it needs the Organization
 * Policy Administrator role (roles/orgpolicy.policyAdmin) on the organization.
 */
export abstract class EnforcedProjectPolicy extends Construct {
  public readonly projectId: string;
  /** The constraint, e.g. `iam.disableServiceAccountKeyUpload`. */
  public readonly constraint: string;
  public readonly resource: OrgPolicyPolicy;

  protected constructor(scope: Construct, id: string, props: ProjectOrgPolicyProps, constraint: string) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { projectId: "string" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    this.constraint = constraint;
    const { OrgPolicyPolicy } = orgPolicyBindings();
    this.resource = new OrgPolicyPolicy(this, "Resource", {
      parent: `projects/${this.projectId}`,
      name: `projects/${this.projectId}/policies/${constraint}`,
      spec: { rules: [{ enforce: "TRUE" }] },
    });
  }
}

/**
 * Enforces `iam.disableServiceAccountKeyUpload`: nobody can turn a key pair they hold into
 * a service account key by uploading its public half, the one way around
 * `iam.disableServiceAccountKeyCreation`.
 */
export class ServiceAccountKeyUploadPolicy extends EnforcedProjectPolicy {
  constructor(scope: Construct, id: string, props: ProjectOrgPolicyProps) {
    super(scope, id, props, DISABLE_SERVICE_ACCOUNT_KEY_UPLOAD);
  }
}

/**
 * Enforces `iam.disableAuditLoggingExemption`: nobody can exempt another principal from
 * audit logging (a console click on "Exempted principals" included), so "no member is
 * exempted" keeps holding after apply. Exemptions that exist before it is enforced stay;
 * FirestoreAuditLogging's exemptedMembers in the same project would be refused by Google.
 */
export class AuditLoggingExemptionPolicy extends EnforcedProjectPolicy {
  constructor(scope: Construct, id: string, props: ProjectOrgPolicyProps) {
    super(scope, id, props, DISABLE_AUDIT_LOGGING_EXEMPTION);
  }
}

export interface WorkloadIdentityProviderPolicyProps extends ProjectOrgPolicyProps {
  /**
   * Issuers to allow beyond those of the pools this App declares in the project (e.g. a
   * provider managed elsewhere). @default none
   */
  readonly additionalIssuers?: string[];
}

/**
 * Restricts `iam.workloadIdentityPoolProviders` on one project to the OIDC issuers the App
 * declares there: every WorkloadIdentityPool of the same project, in any stack of the App,
 * contributes its providers' issuer URIs when the stack is synthesized, so adding a provider
 * updates the policy. Without any issuer the constraint denies every provider. The policy is
 * checked when a provider is created or updated, so deploy the stack holding it first.
 */
export class WorkloadIdentityProviderPolicy extends Construct {
  public readonly projectId: string;
  public readonly constraint: string = WORKLOAD_IDENTITY_POOL_PROVIDERS;
  public readonly resource: OrgPolicyPolicy;
  private readonly additional: string[];

  constructor(scope: Construct, id: string, props: WorkloadIdentityProviderPolicyProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { projectId: "string", additionalIssuers: "string[]?" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    this.additional = [...(props.additionalIssuers ?? [])];
    checkEach(this, "additionalIssuers", this.additional, HTTPS_URL);
    checkUnique(this, "additionalIssuers", this.additional, "issuers");
    const { OrgPolicyPolicy } = orgPolicyBindings();
    this.resource = new OrgPolicyPolicy(this, "Resource", {
      parent: `projects/${this.projectId}`,
      name: `projects/${this.projectId}/policies/${WORKLOAD_IDENTITY_POOL_PROVIDERS}`,
      spec: {
        // Read at synth, when every stack of the App has declared its pools.
        rules: Lazy.anyValue({
          produce: () => {
            const issuers = this.allowedIssuers;
            return [issuers.length === 0 ? { deny_all: "TRUE" } : { values: { allowed_values: issuers } }];
          },
        }),
      },
    });
  }

  /** The issuers the policy allows: those of the App's providers in this project, and the additional ones, sorted. */
  public get allowedIssuers(): string[] {
    const found = new Set(this.additional);
    const stack = TerraformStack.of(this);
    for (const pool of this.node.root.node.findAll().filter(isPoolOf(this.projectId))) {
      for (const provider of pool.providers) {
        // A value another stack's Terraform fills in cannot be read from this stack's state.
        if (Token.isUnresolved(provider.issuerUri) && TerraformStack.of(provider) !== stack) {
          throw inputError(this, "allowed issuers", provider.node.path, "the provider's issuer is known only to another stack's Terraform; name it in additionalIssuers");
        }
        found.add(provider.issuerUri);
      }
    }
    return [...found].sort();
  }
}

function isPoolOf(projectId: string): (c: IConstruct) => c is WorkloadIdentityPool {
  return (c: IConstruct): c is WorkloadIdentityPool => c instanceof WorkloadIdentityPool && c.projectId === projectId;
}
