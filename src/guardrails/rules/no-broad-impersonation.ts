import { iamGrants } from "../../analysis/iam-grants";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel, TfResource } from "../../analysis/terraform-json";

/** Roles that let a member act as a service account. */
const IMPERSONATION_ROLES = new Set(["roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator", "roles/iam.workloadIdentityUser"]);

export const noBroadImpersonation: StackRule = {
  id: "FSI-IAM-003",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "No Service Account User, Token Creator or Workload Identity User role at project, folder or organization level.",
  explanation:
    "Granted above the service account, these roles let the member impersonate every service account in the project " +
    "(or folder, or organization), and so reach every database those accounts can (CIS GCP 1.6, checkov CKV_GCP_41/49).",
  fix: "Grant the role on the one service account (google_service_account_iam_member), e.g. WorkloadServiceAccount.allowImpersonation().",
  evaluate(stack: StackModel): RuleResult[] {
    const relevant = iamGrants(stack).filter((g) => g.level === "project" || g.level === "folder" || g.level === "organization");
    if (relevant.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string>();
    const all = new Set<TfResource>();
    for (const g of relevant) {
      all.add(g.resource);
      if (IMPERSONATION_ROLES.has(g.role)) bad.set(g.resource, `${g.role} granted at ${g.level} level`);
    }
    return [...all].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!) : compliant(stack, r)));
  },
};
