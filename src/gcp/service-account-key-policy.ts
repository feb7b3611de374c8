import type { OrgPolicyPolicy } from "@cdktf/provider-google/lib/org-policy-policy";
import { Construct } from "constructs";
import { check, checkShape } from "../core/validate";
import { PROJECT_ID } from "./gcp-rules";

export interface ServiceAccountKeyCreationPolicyProps {
  readonly projectId: string;
}

const CONSTRAINT = "iam.disableServiceAccountKeyCreation";

/**
 * Enforces the org policy `iam.disableServiceAccountKeyCreation` on one project, so nobody
 * can mint a long-lived service account key there, whatever their IAM roles (CIS GCP 1.4).
 * Workloads authenticate by federation or impersonation instead. Applying it needs
 * the Organization Policy Administrator role (roles/orgpolicy.policyAdmin).
 */
export class ServiceAccountKeyCreationPolicy extends Construct {
  public readonly projectId: string;
  public readonly resource: OrgPolicyPolicy;

  constructor(scope: Construct, id: string, props: ServiceAccountKeyCreationPolicyProps) {
    super(scope, id);
    checkShape(this, "", props, { projectId: "string" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    // Loaded here rather than with the library (~2 ms): the policy is declared once per project, if at all.
    const { OrgPolicyPolicy } = require("@cdktf/provider-google/lib/org-policy-policy") as typeof import("@cdktf/provider-google/lib/org-policy-policy");
    this.resource = new OrgPolicyPolicy(this, "Resource", {
      parent: `projects/${this.projectId}`,
      name: `projects/${this.projectId}/policies/${CONSTRAINT}`,
      spec: { rules: [{ enforce: "TRUE" }] },
    });
  }
}
