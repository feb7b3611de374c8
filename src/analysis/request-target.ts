import { ConditionTarget, ConditionVerdict, evaluateCondition, firestoreDatabaseTarget } from "./conditions";
import { isLocationScoped } from "./role-permissions";

/** What a request asks about: one database, or a project for the permissions Google checks there (isProjectLevelPermission). */
export interface RequestTarget {
  /** The resource name: `projects/P/databases/D` or `projects/P`. */
  readonly name: string;
  /** The project id, which project-level grants are compared with. */
  readonly project: string;
  /** The database, when the request names one. */
  readonly database?: string;
}

export function databaseRequestTarget(database: string, project: string): RequestTarget {
  return { name: database, project, database };
}

export function projectRequestTarget(project: string): RequestTarget {
  return { name: `projects/${project}`, project };
}

/**
 * How a binding's IAM condition treats a request on this target. A database request is
 * evaluated against the database's name. A project request is evaluated against the
 * project's name, `projects/P` (IAM conditions see "the full resource name of the resource
 * being accessed": https://cloud.google.com/iam/docs/conditions-attribute-reference), so the
 * library's `resource.name == "projects/P/databases/D"` does not admit listing the project's
 * databases. What Google does not document stays unknown: the type and service a
 * project-level Firestore check presents, which name CreateDatabase is checked against (the
 * project or the new database), and whether a database condition admits backups.
 */
export function conditionOnTarget(condition: string | undefined, target: RequestTarget, permission: string, time: Date): ConditionVerdict {
  if (condition === undefined) return evaluateCondition(undefined, undefined, time);
  if (isLocationScoped(permission)) {
    return { verdict: "unknown", reason: `${permission} acts on backups and locations (projects/P/locations/L/…), not on ${target.name}; whether \`${condition}\` admits them is not documented` };
  }
  if (target.database !== undefined) return evaluateCondition(condition, firestoreDatabaseTarget(target.database), time);
  if (permission === "datastore.databases.create") {
    return { verdict: "unknown", reason: `whether Google checks datastore.databases.create against ${target.name} or the new database's name is not documented, so whether \`${condition}\` admits it is unknown` };
  }
  if (/\bresource\.(type|service)\b/.test(condition)) {
    return { verdict: "unknown", reason: `Google does not document the resource type and service a project-level Firestore check presents to \`${condition}\`` };
  }
  return evaluateCondition(condition, conditionTargetOf(target), time);
}

/** The resource a condition sees for this target: the database, or the project itself. */
export function conditionTargetOf(target: RequestTarget): ConditionTarget {
  return target.database !== undefined
    ? firestoreDatabaseTarget(target.database)
    : { name: target.name, type: "cloudresourcemanager.googleapis.com/Project", service: "cloudresourcemanager.googleapis.com" };
}
