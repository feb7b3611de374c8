import { IPrincipal } from "../core/principal";
import { check, checkOptions } from "../core/validate";
import { K8S_NAMESPACE, K8S_SERVICE_ACCOUNT, PROJECT_ID, PROJECT_NUMBER } from "./gcp-rules";

/** The GKE cluster's project: its workload identity pool is `PROJECT_ID.svc.id.goog`. */
export interface KubernetesClusterProject {
  /** Project that hosts the GKE cluster. */
  readonly clusterProjectId: string;
  /**
   * The same project's number: principal identifiers name projects by number. A reference
   * such as a `google_project` data source's `number` is fine.
   */
  readonly clusterProjectNumber: string;
}

export interface KubernetesServiceAccountProps extends KubernetesClusterProject {
  /** Kubernetes namespace of the workload. */
  readonly namespace: string;
  /** Kubernetes service account the pods run as. */
  readonly serviceAccountName: string;
}

export interface KubernetesNamespaceProps extends KubernetesClusterProject {
  /** Every Kubernetes service account in this namespace. */
  readonly namespace: string;
}

class KubernetesIdentity implements IPrincipal {
  constructor(public readonly iamMember: string, public readonly principalName: string) {}
}

/**
 * Kubernetes service accounts of GKE clusters with Workload Identity Federation for GKE, as
 * principals that hold roles themselves, with no Google service account in between
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity). Grant them
 * Firestore access like any principal; use WorkloadServiceAccount.allowKubernetesWorkload
 * where a product needs a Google service account.
 */
export class KubernetesPrincipal {
  /** One Kubernetes service account: `principal://…/PROJECT.svc.id.goog/subject/ns/NS/sa/KSA`. */
  public static serviceAccount(props: KubernetesServiceAccountProps): IPrincipal {
    const site = "KubernetesPrincipal.serviceAccount";
    checkOptions(site, "", props, { clusterProjectId: "string", clusterProjectNumber: "string", namespace: "string", serviceAccountName: "string" });
    check(site, "namespace", props.namespace, K8S_NAMESPACE);
    check(site, "serviceAccountName", props.serviceAccountName, K8S_SERVICE_ACCOUNT);
    return new KubernetesIdentity(
      `principal://${poolOf(site, props)}/subject/ns/${props.namespace}/sa/${props.serviceAccountName}`,
      `gke/${props.clusterProjectId}/${props.namespace}/${props.serviceAccountName}`,
    );
  }

  /** Every Kubernetes service account of one namespace: `principalSet://…/PROJECT.svc.id.goog/namespace/NS`. */
  public static namespace(props: KubernetesNamespaceProps): IPrincipal {
    const site = "KubernetesPrincipal.namespace";
    checkOptions(site, "", props, { clusterProjectId: "string", clusterProjectNumber: "string", namespace: "string" });
    check(site, "namespace", props.namespace, K8S_NAMESPACE);
    return new KubernetesIdentity(`principalSet://${poolOf(site, props)}/namespace/${props.namespace}`, `gke/${props.clusterProjectId}/${props.namespace}/*`);
  }

  private constructor() {}
}

function poolOf(site: string, props: KubernetesClusterProject): string {
  check(site, "clusterProjectId", props.clusterProjectId, PROJECT_ID);
  check(site, "clusterProjectNumber", props.clusterProjectNumber, PROJECT_NUMBER);
  return `iam.googleapis.com/projects/${props.clusterProjectNumber}/locations/global/workloadIdentityPools/${props.clusterProjectId}.svc.id.goog`;
}
