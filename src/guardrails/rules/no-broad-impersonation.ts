import { iamGrants, isBasicRole } from "../../analysis/iam-grants";
import { IamModel } from "../../analysis/iam-model";
import { ACT_AS_PERMISSIONS } from "../../analysis/role-permissions";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel, TfResource } from "../../analysis/terraform-json";

/**
 * The service account permissions the role holds (ACT_AS_PERMISSIONS: every row of the one
 * table the simulator also follows, role-permissions.ts ACTING_AS_ACCOUNT), from the predefined-role data or the
 * stack's custom role. Basic roles have their own rule; Google grants service agent roles
 * to its own agents.
 */
function actAsPermissions(model: IamModel, role: string): string[] {
  if (isBasicRole(role) || /[./][A-Za-z]*[sS]erviceAgent$/.test(role)) return [];
  const permissions = model.permissionsOf(role) ?? new Set<string>();
  return ACT_AS_PERMISSIONS.filter((p) => permissions.has(p)).sort();
}

export const noBroadImpersonation: StackRule = {
  id: "FSI-IAM-003",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: `No role that lets a member act as service accounts (Service Account User, Token Creator, Workload Identity User, or any role or custom role with ${ACT_AS_PERMISSIONS.join(", ")}) at project, folder or organization level.`,
  explanation:
    "Granted above the service account, these roles let the member impersonate every service account in the project " +
    "(or folder, or organization), and so reach every database those accounts can (CIS GCP 1.6, checkov CKV_GCP_41/49).",
  fix: "Grant the role on the one service account (google_service_account_iam_member), e.g. WorkloadServiceAccount.allowImpersonation().",
  evaluate(stack: StackModel): RuleResult[] {
    const relevant = iamGrants(stack).filter((g) => g.level === "project" || g.level === "folder" || g.level === "organization");
    if (relevant.length === 0) return [notApplicable(stack)];
    const model = IamModel.ofStack(stack);
    const bad = new Map<TfResource, string>();
    const all = new Set<TfResource>();
    for (const g of relevant) {
      all.add(g.resource);
      const role = stack.resolve(g.role);
      const permissions = actAsPermissions(model, role);
      if (permissions.length > 0) bad.set(g.resource, `${role} (${permissions.join(", ")}) granted at ${g.level} level`);
    }
    return [...all].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!) : compliant(stack, r)));
  },
};
