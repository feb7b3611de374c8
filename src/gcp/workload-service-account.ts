import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { Construct } from "constructs";
import { StableIds } from "../core/naming";
import { IPrincipal, IServiceAccount } from "../core/principal";
import { check, checkOptional, checkShape, checkTextOptional, checkType } from "../core/validate";
import {
  K8S_NAMESPACE,
  K8S_SERVICE_ACCOUNT,
  PROJECT_ID,
  SERVICE_ACCOUNT_DESCRIPTION,
  SERVICE_ACCOUNT_DISPLAY_NAME,
  SERVICE_ACCOUNT_ID,
} from "./gcp-rules";
import { IAM_ROLES } from "./iam-roles";
import { requireCdktfApp } from "../core/supported-core";

export interface WorkloadServiceAccountProps {
  readonly projectId: string;
  /** 6-30 characters, `^[a-z][a-z0-9-]*[a-z0-9]$`. */
  readonly accountId: string;
  /** At most 100 characters. @default the account id */
  readonly displayName?: string;
  /** At most 256 characters; say which workload uses it. */
  readonly description?: string;
}

export interface KubernetesWorkloadOptions {
  /** Kubernetes namespace of the workload. */
  readonly namespace: string;
  /** Kubernetes service account the pods run as. */
  readonly serviceAccountName: string;
  /**
   * Project that hosts the GKE cluster (its workload pool is `PROJECT.svc.id.goog`).
   * @default the service account's project
   */
  readonly clusterProjectId?: string;
}

/**
 * A Google service account that never has a key: workloads reach it only by
 * impersonation (workload identity federation) or GKE Workload Identity.
 */
export class WorkloadServiceAccount extends Construct implements IServiceAccount {
  public readonly projectId: string;
  public readonly accountId: string;
  /** `NAME@PROJECT.iam.gserviceaccount.com`, known before apply. */
  public readonly email: string;
  public readonly iamMember: string;
  public readonly principalName: string;
  public readonly resource: ServiceAccount;
  private readonly impersonators = new Map<string, ServiceAccountIamMember>();
  private readonly ids = new StableIds();

  constructor(scope: Construct, id: string, props: WorkloadServiceAccountProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { projectId: "string", accountId: "string", displayName: "string?", description: "string?" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    this.accountId = check(this, "accountId", props.accountId, SERVICE_ACCOUNT_ID);
    const displayName = checkTextOptional(this, "displayName", props.displayName, SERVICE_ACCOUNT_DISPLAY_NAME);
    const description = checkTextOptional(this, "description", props.description, SERVICE_ACCOUNT_DESCRIPTION);

    this.resource = new ServiceAccount(this, "Resource", {
      project: props.projectId,
      accountId: props.accountId,
      displayName: displayName ?? props.accountId,
      description,
    });
    this.email = this.resource.email;
    this.iamMember = `serviceAccount:${this.email}`;
    this.principalName = `sa-${props.accountId}`;
  }

  /**
   * Lets the principal act as this account (roles/iam.workloadIdentityUser on this
   * account only, never project-wide). Granting the same principal twice is one binding.
   */
  public allowImpersonation(principal: IPrincipal): ServiceAccountIamMember {
    checkType(this, "principal", principal, "principal");
    const key = principal.iamMember;
    const existing = this.impersonators.get(key);
    if (existing) return existing;
    const binding = new ServiceAccountIamMember(this, this.ids.allocate("impersonation", principal.principalName, key), {
      serviceAccountId: this.resource.name,
      role: IAM_ROLES.workloadIdentityUser,
      member: principal.iamMember,
    });
    this.impersonators.set(key, binding);
    return binding;
  }

  /** Lets pods running as a Kubernetes service account use this account (GKE Workload Identity). */
  public allowKubernetesWorkload(options: KubernetesWorkloadOptions): ServiceAccountIamMember {
    checkShape(this, "", options, { namespace: "string", serviceAccountName: "string", clusterProjectId: "string?" });
    check(this, "namespace", options.namespace, K8S_NAMESPACE);
    check(this, "serviceAccountName", options.serviceAccountName, K8S_SERVICE_ACCOUNT);
    const cluster = checkOptional(this, "clusterProjectId", options.clusterProjectId, PROJECT_ID) ?? this.projectId;
    const email = `${cluster}.svc.id.goog[${options.namespace}/${options.serviceAccountName}]`;
    return this.allowImpersonation({ iamMember: `serviceAccount:${email}`, principalName: `gke/${cluster}/${options.namespace}/${options.serviceAccountName}` });
  }
}
