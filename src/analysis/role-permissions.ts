import { FirestoreAccessLevel, isLocationScopedPermission } from "../gcp/firestore-access";
import { PREDEFINED_ROLE_PERMISSIONS } from "../core/data/predefined-roles";
import { capabilitiesOf } from "./capabilities";

/** The permission that mints an access token for a service account: what impersonation needs. */
export const GET_ACCESS_TOKEN = "iam.serviceAccounts.getAccessToken";

/**
 * Service account permissions that let a member act as the account one way or another
 * (tokens, signatures, attaching it to a resource): what CIS 1.6 forbids above the account.
 */
export const ACT_AS_PERMISSIONS: readonly string[] = [
  GET_ACCESS_TOKEN,
  "iam.serviceAccounts.getOpenIdToken",
  "iam.serviceAccounts.actAs",
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

/** Creating a key for an account is acting as it for as long as the key lives. */
export const KEY_CREATION = "iam.serviceAccountKeys.create";

/** Permissions that change who may do what: IAM policies, custom roles, deny policies. */
const POLICY_CHANGES = /^(resourcemanager\.(projects|folders|organizations)\.setIamPolicy|iam\.serviceAccounts\.setIamPolicy|storage\.buckets\.setIamPolicy|iam\.roles\.(create|update|delete|undelete)|iam\.denypolicies\.(create|update|delete))$/;
/** Permissions that create, change or delete workload identity pools, their providers or their policy bindings (what tokens get in). */
const POOL_ADMINISTRATION = /^iam\.workloadIdentityPool(s|Providers)\.(?!get$|list$|search)[A-Za-z]+$/;
/** Reading or writing a bucket's objects: on a bucket of exports, the database's data; of audit logs, its record. */
const BUCKET_OBJECTS = /^storage\.objects\.(get|list|create|delete|update)$/;

/**
 * What a role's permissions reach of what this library guards, in words; empty when
 * nothing: the drift report judges a live binding by this, so a custom role counts
 * whatever its name. `onBucket` adds the bucket's objects (exports, audit logs).
 */
export function guardedReach(permissions: ReadonlySet<string>, onBucket = false): string[] {
  const all = [...permissions];
  const out: string[] = [];
  const data = capabilitiesOf(all).filter((c) => c !== "read metadata");
  if (data.length > 0) out.push(`reaches Firestore data (${data.join(", ")})`);
  const actAs = all.filter((p) => ACT_AS_PERMISSIONS.includes(p) || p === KEY_CREATION).sort();
  if (actAs.length > 0) out.push(`acts as service accounts (${actAs.join(", ")})`);
  if (all.some((p) => POOL_ADMINISTRATION.test(p))) out.push("administers workload identity pools or providers");
  const changes = all.filter((p) => POLICY_CHANGES.test(p)).sort();
  if (changes.length > 0) out.push(`changes IAM policy (${changes.join(", ")})`);
  if (onBucket && all.some((p) => BUCKET_OBJECTS.test(p))) out.push("reads or writes the bucket's objects");
  return out;
}
