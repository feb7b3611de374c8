import { celStringLiteral } from "../core/cel";
import { shortHash } from "../core/naming";
import { PREDEFINED_ROLE_PERMISSIONS } from "../core/data/predefined-roles";
import { InputRule } from "../core/validate";

/**
 * What a principal may do in one Firestore database. The only place that says which
 * predefined role each level means.
 */
export enum FirestoreAccessLevel {
  /** Read documents and indexes (roles/datastore.viewer). */
  READ = "READ",
  /** Read and write documents (roles/datastore.user). */
  READ_WRITE = "READ_WRITE",
  /** Create, change and delete index definitions (roles/datastore.indexAdmin). */
  INDEX_ADMIN = "INDEX_ADMIN",
  /**
   * Run imports and exports (roles/datastore.importExportAdmin); the bucket needs its own grant.
   * An import overwrites documents: a pipeline that only exports wants EXPORT.
   */
  IMPORT_EXPORT = "IMPORT_EXPORT",
  /**
   * Start exports and follow their operations, without import (EXPORT_PERMISSIONS). Google has
   * no predefined export-only role, so the grant is of a custom role the library declares in the
   * database's project, one per stack (see FirestoreDatabaseBase.grantExport). The export job
   * itself writes to the bucket as the Firestore service agent (FirestoreExportBucket.grantExportJob).
   */
  EXPORT = "EXPORT",
  /**
   * List, read and delete backups, without restoring them (roles/datastore.backupsAdmin).
   * Backups belong to a location of the project, not to a database, so this level reaches
   * every backup of every database in the project (see FirestoreDatabaseBase.grantBackupAdmin).
   */
  BACKUP_ADMIN = "BACKUP_ADMIN",
}

/** The predefined role of each level that has one; EXPORT has none (its custom role: exportRoleId). */
export const FIRESTORE_ACCESS_ROLES: Readonly<Partial<Record<FirestoreAccessLevel, string>>> = {
  [FirestoreAccessLevel.READ]: "roles/datastore.viewer",
  [FirestoreAccessLevel.READ_WRITE]: "roles/datastore.user",
  [FirestoreAccessLevel.INDEX_ADMIN]: "roles/datastore.indexAdmin",
  [FirestoreAccessLevel.IMPORT_EXPORT]: "roles/datastore.importExportAdmin",
  [FirestoreAccessLevel.BACKUP_ADMIN]: "roles/datastore.backupsAdmin",
};

/**
 * What an export-only caller needs: start an export (`datastore.databases.export`), read the
 * database's metadata, and get and list the long-running operation it returns. This is
 * roles/datastore.importExportAdmin without `datastore.databases.import` (an import overwrites
 * documents) and without `datastore.operations.cancel` (it would cancel others' imports and
 * index builds too). The role's non-Firestore permissions (appengine.applications.get,
 * resourcemanager.projects.get) are left out: a Firestore custom role holds datastore.* only.
 * Sources: https://cloud.google.com/iam/docs/roles-permissions/firestore (importExportAdmin),
 * https://cloud.google.com/firestore/docs/manage-data/export-import ("Before you begin").
 */
export const EXPORT_PERMISSIONS: readonly string[] = ["datastore.databases.export", "datastore.databases.getMetadata", "datastore.operations.get", "datastore.operations.list"];

/**
 * The id of the EXPORT custom role a stack declares: one per stack, so stacks that share a
 * project each own theirs (two declarations of one role id in a project fail at apply).
 * Role ids are 3-64 of [a-zA-Z0-9_.].
 */
export function exportRoleId(stackId: string): string {
  const id = `firestoreExport_${stackId.replace(/[^a-zA-Z0-9_.]/g, "_")}`;
  return id.length <= 64 ? id : `${id.slice(0, 55)}_${shortHash(stackId)}`;
}

/**
 * Predefined Firestore roles that `grant(principal, role)` accepts, beyond the levels above.
 * backupsViewer, like backupsAdmin, is project-wide.
 */
const OTHER_FIRESTORE_ROLES = [
  "roles/datastore.backupsViewer",
  "roles/datastore.backupSchedulesAdmin",
  "roles/datastore.backupSchedulesViewer",
  "roles/datastore.bulkAdmin",
  "roles/datastore.owner",
];

/**
 * Roles that act on a backup (a location resource) and on the database they create, whose
 * id must not be an existing database's (Firestore's RestoreDatabase and CloneDatabase
 * requests): a condition naming this database matches neither, so the grant would do nothing,
 * and without one it can create any database from any backup of the project.
 */
const DATABASE_CREATING_ROLES = new Set(["roles/datastore.restoreAdmin", "roles/datastore.cloneAdmin"]);

/**
 * Firestore permissions whose resource is not a database: backups are
 * `projects/P/locations/L/backups/B`, resources of a location whose name does not say which
 * database they copy, so no condition on a database name can select them.
 */
export function isLocationScopedPermission(permission: string): boolean {
  return permission.startsWith("datastore.backups.") || permission.startsWith("datastore.locations.");
}

/**
 * A predefined role all of whose Firestore permissions act on backups (backupsAdmin,
 * backupsViewer): a database condition would leave it granting nothing, so it is granted on
 * the project, and it reaches every backup there.
 */
export function isBackupOnlyRole(role: string): boolean {
  const permissions = (PREDEFINED_ROLE_PERMISSIONS[role] ?? []).filter((p) => p.startsWith("datastore."));
  return permissions.length > 0 && permissions.every(isLocationScopedPermission);
}

/** `projects/PROJECT_ID/databases/DATABASE_ID`: the resource name IAM conditions compare against. */
export function firestoreDatabaseName(projectId: string, databaseId: string): string {
  return `projects/${projectId}/databases/${databaseId}`;
}

/**
 * The IAM condition that limits a project-level grant to one database. Firestore has no
 * per-database IAM policy, so every grant carries exactly this expression.
 */
export function firestoreDatabaseCondition(databaseName: string): string {
  return `resource.name == ${celStringLiteral(databaseName)}`;
}

export const FIRESTORE_ROLES: ReadonlySet<string> = new Set([...(Object.values(FIRESTORE_ACCESS_ROLES) as string[]), ...OTHER_FIRESTORE_ROLES]);

const BASIC_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

/** Refuses basic roles and anything outside Firestore, with the reason that applies. */
export const FIRESTORE_ROLE: InputRule<string> = {
  test: (v) => FIRESTORE_ROLES.has(v),
  rule: `must be a predefined Firestore role (${[...FIRESTORE_ROLES].join(", ")}); use FirestoreCustomRole and grantCustomRole for a narrower set of permissions`,
};

export function roleProblem(role: string): string {
  if (DATABASE_CREATING_ROLES.has(role)) {
    return "acts on backups (location resources) and on the new database it creates, which a condition naming this database never matches: granted here it would do nothing. Grant it on the project outside this library, deliberately: it can create any database from any backup";
  }
  if (BASIC_ROLES.has(role)) {
    return "basic roles reach every service in the project and Google rejects IAM conditions on them, so they can never be limited to one database";
  }
  if (role.startsWith("projects/") || role.startsWith("organizations/")) {
    return "custom roles must be granted with grantCustomRole(principal, FirestoreCustomRole), which checks that they hold only datastore.* permissions";
  }
  return FIRESTORE_ROLE.rule;
}

/**
 * Permission sets for custom roles that need less than roles/datastore.user. Combine
 * them, e.g. `[...FirestorePermissions.READ_DOCUMENTS]` is read-only without list, and
 * `[...READ_DOCUMENTS, ...LIST_DOCUMENTS, ...WRITE_DOCUMENTS]` is read/write without delete.
 * Sources: the method-to-permission table of the Datastore IAM page.
 */
export class FirestorePermissions {
  /** Read documents by key, inside or outside transactions (lookup, beginTransaction, rollback). */
  public static readonly READ_DOCUMENTS: string[] = ["datastore.databases.get", "datastore.entities.get"];
  /** Run queries (runQuery); queries that return data also need READ_DOCUMENTS. */
  public static readonly LIST_DOCUMENTS: string[] = ["datastore.entities.list"];
  /** Create and update documents, including ids allocated by the client libraries (commit, allocateIds). */
  public static readonly WRITE_DOCUMENTS: string[] = [
    "datastore.databases.get",
    "datastore.entities.allocateIds",
    "datastore.entities.create",
    "datastore.entities.update",
  ];
  /** Delete documents (commit with deletes). */
  public static readonly DELETE_DOCUMENTS: string[] = ["datastore.entities.delete"];

  private constructor() {}
}
