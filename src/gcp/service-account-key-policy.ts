import { Construct } from "constructs";
import { DISABLE_SERVICE_ACCOUNT_KEY_CREATION } from "../core/org-policy-constraints";
import { EnforcedProjectPolicy, ProjectOrgPolicyProps } from "./org-policies";

export interface ServiceAccountKeyCreationPolicyProps extends ProjectOrgPolicyProps {}

/**
 * Enforces the org policy `iam.disableServiceAccountKeyCreation` on one project, so nobody
 * can mint a long-lived service account key there, whatever their IAM roles (CIS GCP 1.4).
 * Workloads authenticate by federation or impersonation instead. Applying it needs
 * the Organization Policy Administrator role (roles/orgpolicy.policyAdmin).
 */
export class ServiceAccountKeyCreationPolicy extends EnforcedProjectPolicy {
  constructor(scope: Construct, id: string, props: ServiceAccountKeyCreationPolicyProps) {
    super(scope, id, props, DISABLE_SERVICE_ACCOUNT_KEY_CREATION);
  }
}
