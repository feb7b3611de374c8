import { iamGrants, isBasicRole } from "../../analysis/iam-grants";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel, TfResource } from "../../analysis/terraform-json";

/** Checks every IAM resource at every level: organization, folder, project and resource policies. */
export const noBasicRoles: StackRule = {
  id: "FSI-IAM-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "No basic roles (roles/owner, roles/editor, roles/viewer) in any IAM member, binding or policy.",
  explanation:
    "Basic roles grant thousands of permissions across every service, including Firestore data in every database; " +
    "IAM conditions cannot narrow them (CIS GCP 1.x, checkov CKV_GCP_115-117).",
  fix: "Grant a predefined role for the task, e.g. roles/datastore.user with a database condition.",
  evaluate(stack: StackModel): RuleResult[] {
    const grants = iamGrants(stack);
    if (grants.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string[]>();
    const all = new Set<TfResource>();
    for (const g of grants) {
      all.add(g.resource);
      if (isBasicRole(g.role)) bad.set(g.resource, [...(bad.get(g.resource) ?? []), g.role]);
    }
    return [...all].map((r) => {
      const roles = bad.get(r);
      return roles ? nonCompliant(stack, r, `${r.type} grants basic role ${[...new Set(roles)].join(", ")}`) : compliant(stack, r);
    });
  },
};
