import { databaseScopeOf } from "../../analysis/conditions";
import { iamGrants, isBasicRole } from "../../analysis/iam-grants";
import { IamModel } from "../../analysis/iam-model";
import { onlyLocationScoped } from "../../analysis/role-permissions";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel } from "../../analysis/terraform-json";

const RESOURCE_HIERARCHY_LEVELS: ReadonlySet<string> = new Set(["project", "folder", "organization"]);

export const firestoreDatabaseCondition: StackRule = {
  id: "FSI-FS-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description:
    "Roles holding Firestore permissions (roles/datastore.*, other predefined roles with datastore.* permissions, custom roles) granted on a project, folder or organization carry a condition that admits exactly one database; roles that act on backups only are exempt on a project.",
  explanation:
    "Firestore has no per-database IAM policy: a project-level grant without a condition reaches every database in the " +
    "project, including other environments' or teams' data. The condition is evaluated with CEL against the database it " +
    "names and against probes (a sibling database, a longer name, (default), another project): `|| true`, `startsWith` and " +
    "the like admit a probe, so only a condition that admits its one database counts. Basic roles have their own rule. " +
    "Roles whose Firestore permissions all act on backups (backupsAdmin, backupsViewer) are exempt on a project: backups are resources " +
    "of the project's locations whose names do not say which database they copy, so no database condition can select " +
    "them; the access report shows such grants on every database of the project.",
  fix: "Add condition { title, expression = \"resource.name == \\\"projects/P/databases/D\\\"\" }, e.g. FirestoreDatabase.grantReadWrite().",
  evaluate(stack: StackModel): RuleResult[] {
    const model = IamModel.ofStack(stack);
    const grants = iamGrants(stack).filter((g) => {
      const role = stack.resolve(g.role);
      // Backup-only roles are exempt on a project; on a folder or organization they reach every project's backups.
      const exempt = g.level === "project" && onlyLocationScoped(model.permissionsOf(role));
      return RESOURCE_HIERARCHY_LEVELS.has(g.level) && !isBasicRole(g.role) && model.isFirestoreRole(role) && !exempt;
    });
    if (grants.length === 0) return [notApplicable(stack)];
    return grants.map((g) => {
      const condition = g.condition === undefined ? undefined : stack.resolve(g.condition);
      const scope = databaseScopeOf(condition, g.level === "project" ? stack.projectOf(g.resource) : undefined);
      if (scope.kind === "one") return compliant(stack, g.resource);
      const role = stack.resolve(g.role);
      const what =
        scope.kind === "unconditioned"
          ? `has no condition, so it reaches every database in the ${g.level}`
          : scope.kind === "unknown"
            ? `has a condition this engine cannot evaluate, so it cannot be shown to stay in one database (${scope.reason})`
            : scope.kind === "none"
              ? `has a condition that admits no database it names (${scope.reason})`
              : `has a condition that reaches beyond one database: ${scope.reason}`;
      return nonCompliant(stack, g.resource, `${role} ${what}`);
    });
  },
};
