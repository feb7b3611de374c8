import { FirestoreAccessLevel, isLocationScopedPermission } from "../gcp/firestore-access";
import { PREDEFINED_ROLE_PERMISSIONS } from "../core/data/predefined-roles";

/** The permission that mints an access token for a service account: what impersonation needs. */
export const GET_ACCESS_TOKEN = "iam.serviceAccounts.getAccessToken";

/** The permission to attach an account to a resource one deploys, so the resource's code runs as it (Service Account User). */
export const ACT_AS = "iam.serviceAccounts.actAs";

/**
 * Service account permissions that let a member act as the account one way or another
 * (tokens, signatures, attaching it to a resource): what CIS 1.6 forbids above the account.
 */
export const ACT_AS_PERMISSIONS: readonly string[] = [
  GET_ACCESS_TOKEN,
  "iam.serviceAccounts.getOpenIdToken",
  ACT_AS,
  "iam.serviceAccounts.implicitDelegation",
  "iam.serviceAccounts.signBlob",
  "iam.serviceAccounts.signJwt",
];

const NONE: ReadonlySet<string> = new Set();
const sets = new Map<string, ReadonlySet<string>>();

/** A predefined role's evaluated permissions as a set (empty for a role with none), built once per role: asked thousands of times per question over large apps. */
export function predefinedRolePermissionSet(role: string): ReadonlySet<string> {
  if (!Object.prototype.hasOwnProperty.call(PREDEFINED_ROLE_PERMISSIONS, role)) return NONE;
  let set = sets.get(role);
  if (!set) sets.set(role, (set = new Set(PREDEFINED_ROLE_PERMISSIONS[role])));
  return set;
}

export function isPredefinedRole(role: string): boolean {
  return role.startsWith("roles/");
}

/**
 * What each access level means as permissions: the operations a caller at that level
 * performs. Checking these (rather than "holds the level's role") lets a custom role
 * with the same operations count, and a role that lacks one not count.
 */
export const ACCESS_LEVEL_PERMISSIONS: Readonly<Record<FirestoreAccessLevel, readonly string[]>> = {
  [FirestoreAccessLevel.READ]: ["datastore.entities.get", "datastore.entities.list"],
  [FirestoreAccessLevel.READ_WRITE]: [
    "datastore.entities.get",
    "datastore.entities.list",
    "datastore.entities.create",
    "datastore.entities.update",
    "datastore.entities.delete",
  ],
  [FirestoreAccessLevel.INDEX_ADMIN]: ["datastore.schemas.create", "datastore.schemas.update", "datastore.schemas.delete"],
  [FirestoreAccessLevel.IMPORT_EXPORT]: ["datastore.databases.export", "datastore.databases.import"],
  [FirestoreAccessLevel.BACKUP_ADMIN]: ["datastore.backups.list", "datastore.backups.delete"],
};

/** Firestore permissions whose resource is not the database (backups): defined with the Firestore facts. */
export const isLocationScoped = isLocationScopedPermission;

/** True when a role holds Firestore permissions and all of them act on backups, none on a database. */
export function onlyLocationScoped(permissions: ReadonlySet<string> | undefined): boolean {
  const firestore = [...(permissions ?? [])].filter((p) => p.startsWith("datastore."));
  return firestore.length > 0 && firestore.every(isLocationScopedPermission);
}
