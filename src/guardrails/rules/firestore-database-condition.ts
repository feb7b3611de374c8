import { iamGrants, isFirestoreRole } from "../iam-grants";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel } from "../terraform-json";

/** `resource.name == "projects/P/databases/D"`; P and D may be interpolations. */
export const DATABASE_CONDITION = /resource\.name\s*==\s*"(projects\/[^"/]+\/databases\/[^"]+)"/;

const ONLY_DATABASE_CONDITION = new RegExp(`^\\s*${DATABASE_CONDITION.source}\\s*$`);

/**
 * The database a condition limits a grant to, when the condition is that one comparison
 * and nothing else: `resource.name == "projects/P/databases/D" || ...` names a database
 * but reaches further, so it yields undefined.
 */
export function onlyDatabaseOf(expression: string | undefined): string | undefined {
  return expression === undefined ? undefined : ONLY_DATABASE_CONDITION.exec(expression)?.[1];
}

export const firestoreDatabaseCondition: StackRule = {
  id: "FSI-FS-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Firestore roles (roles/datastore.*) granted at project level carry a condition resource.name == \"projects/P/databases/D\".",
  explanation:
    "Firestore has no per-database IAM policy: a project-level grant without a condition reaches every database in the " +
    "project, including other environments' or teams' data.",
  fix: "Add condition { title, expression = \"resource.name == \\\"projects/P/databases/D\\\"\" }, e.g. FirestoreDatabase.grantReadWrite().",
  evaluate(stack: StackModel): RuleResult[] {
    const grants = iamGrants(stack).filter((g) => g.level === "project" && isFirestoreRole(g.role));
    if (grants.length === 0) return [notApplicable(stack)];
    return grants.map((g) =>
      g.condition !== undefined && DATABASE_CONDITION.test(g.condition)
        ? compliant(stack, g.resource)
        : nonCompliant(stack, g.resource, `${g.role} has ${g.condition === undefined ? "no condition" : "a condition that names no database"}, so it reaches every database in the project`),
    );
  },
};
