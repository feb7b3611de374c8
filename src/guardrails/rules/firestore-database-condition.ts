import { grantsFirestore, iamGrants } from "../../analysis/iam-grants";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel } from "../../analysis/terraform-json";

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

const RESOURCE_HIERARCHY_LEVELS: ReadonlySet<string> = new Set(["project", "folder", "organization"]);

export const firestoreDatabaseCondition: StackRule = {
  id: "FSI-FS-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description:
    "Firestore roles (roles/datastore.*, or custom roles holding datastore.* permissions) granted on a project, folder or organization carry exactly the condition resource.name == \"projects/P/databases/D\".",
  explanation:
    "Firestore has no per-database IAM policy: a project-level grant without a condition reaches every database in the " +
    "project, including other environments' or teams' data. A condition that names a database but adds an alternative " +
    "(`|| ...`) reaches further than that database, so only the bare comparison counts.",
  fix: "Add condition { title, expression = \"resource.name == \\\"projects/P/databases/D\\\"\" }, e.g. FirestoreDatabase.grantReadWrite().",
  evaluate(stack: StackModel): RuleResult[] {
    const grants = iamGrants(stack).filter((g) => RESOURCE_HIERARCHY_LEVELS.has(g.level) && grantsFirestore(stack, g.role));
    if (grants.length === 0) return [notApplicable(stack)];
    return grants.map((g) => {
      if (onlyDatabaseOf(g.condition) !== undefined) return compliant(stack, g.resource);
      const what = g.condition === undefined ? "no condition" : DATABASE_CONDITION.test(g.condition) ? "a condition that reaches beyond one database" : "a condition that names no database";
      return nonCompliant(stack, g.resource, `${stack.resolve(g.role)} has ${what}, so it reaches every database in the ${g.level}`);
    });
  },
};
