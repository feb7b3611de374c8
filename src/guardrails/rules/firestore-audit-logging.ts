import { iamGrants } from "../../analysis/iam-grants";
import { AuditConfigModel, IamModel } from "../../analysis/iam-model";
import { AppRule, GuardrailLevel, RuleResult, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel, TfResource } from "../../analysis/terraform-json";

const AUDITED_SERVICES = new Set(["datastore.googleapis.com", "allServices"]);
const REQUIRED = ["DATA_READ", "DATA_WRITE"];

/** Log types an audit config turns on without exemptions; exempted types do not count. */
function fullyLogged(config: AuditConfigModel): string[] {
  return config.logs.filter((l) => l.exemptedMembers.length === 0 && l.logType !== "").map((l) => l.logType);
}

/**
 * Audit configuration usually lives in a platform stack while grants live in application
 * stacks, so this rule reads every stack of the app: projects are matched by project id.
 */
export const firestoreAuditLogging: AppRule = {
  id: "FSI-LOG-001",
  scope: "app",
  level: GuardrailLevel.ERROR,
  description: "Every project with Firestore grants has DATA_READ and DATA_WRITE audit logs for datastore.googleapis.com (or allServices) without exempted members.",
  explanation:
    "Data Access logs are the only record of who read or changed documents; they are off by default, and an exempted " +
    "member is a principal whose reads and writes are never logged (CIS GCP 2.1, checkov CKV2_GCP_5). The service " +
    "name is datastore.googleapis.com, not firestore.googleapis.com.",
  fix: "Declare google_project_iam_audit_config { service = \"datastore.googleapis.com\" } with DATA_READ and DATA_WRITE in some stack (FirestoreAuditLogging).",
  evaluate(stacks: readonly StackModel[]): RuleResult[] {
    const logged = new Map<string, Set<string>>();
    for (const config of stacks.flatMap((s) => IamModel.ofStack(s).auditConfigs)) {
      if (!AUDITED_SERVICES.has(config.service)) continue;
      const types = logged.get(config.project) ?? new Set<string>();
      for (const t of fullyLogged(config)) types.add(t);
      logged.set(config.project, types);
    }
    const results: RuleResult[] = [];
    for (const stack of stacks) {
      // One verdict per project and stack, on the first grant, so a suppression has one stable home.
      const model = IamModel.ofStack(stack);
      const firstGrant = new Map<string, TfResource>();
      // The raw grants suffice here: members need not be resolved to know a project holds Firestore grants.
      for (const g of iamGrants(stack)) {
        if (g.level !== "project" || !model.isFirestoreRole(stack.resolve(g.role))) continue;
        const project = stack.projectOf(g.resource) ?? "";
        if (!firstGrant.has(project)) firstGrant.set(project, g.resource);
      }
      if (firstGrant.size === 0) {
        results.push(notApplicable(stack));
        continue;
      }
      for (const [project, grant] of [...firstGrant].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const missing = REQUIRED.filter((t) => !logged.get(project)?.has(t));
        results.push(
          missing.length === 0
            ? compliant(stack, grant)
            : nonCompliant(stack, grant, `project ${project || "(provider default)"} grants Firestore roles but no stack logs ${missing.join(" and ")} for datastore.googleapis.com without exemptions`),
        );
      }
    }
    return results;
  },
};
