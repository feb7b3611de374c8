import { FirestoreAccessLevel, isLocationScopedPermission } from "../gcp/firestore-access";
import { PREDEFINED_ROLE_PERMISSIONS } from "../core/data/predefined-roles";
import { capabilitiesOf } from "./capabilities";

/** How holding a permission on a service account lets a member act as it. */
export type ActingAsKind =
  /** generateAccessToken: an OAuth 2.0 access token for the account, which Firestore accepts. */
  | "access-token"
  /** signJwt: a JWT signed with the account's system-managed key, exchanged for an access token (JWT bearer grant). */
  | "self-signed-jwt"
  /** signBlob: a signature over any bytes with the same key, so over a JWT the caller builds, then exchanged as above. */
  | "signed-blob"
  /** implicitDelegation: the member may name the account as a delegate, using what the account may do on the next one. */
  | "delegation"
  /** generateIdToken: an OpenID Connect ID token, which Firestore does not accept. */
  | "id-token"
  /** actAs: attach the account to a resource the member deploys; the deployed code then runs as it. */
  | "attach";

export interface ActingAsPermission {
  readonly permission: string;
  readonly kind: ActingAsKind;
  /** True when the credential it yields is one Firestore accepts (an access token) without deploying anything. */
  readonly mintsAccessToken: boolean;
  /** The step in words, for chains and reasons. */
  readonly how: string;
  readonly source: string;
}

const CREDENTIALS_API = "https://cloud.google.com/iam/docs/reference/credentials/rest";
const ROLES_PAGE = "https://cloud.google.com/iam/docs/service-account-permissions";

/**
 * The one table of the service account permissions that let a member act as the account,
 * read by the simulator (which follows the ones that mint an access token, and delegation)
 * and by FSI-IAM-003 (which forbids all of them above the account; CIS GCP 1.6). Sources:
 * the roles page (Token Creator creates "OAuth 2.0 access tokens", "OpenID Connect (OIDC) ID
 * tokens", "Signed JSON Web Tokens (JWTs) and binary blobs"; Service Account User attaches
 * the account to resources), ${ROLES_PAGE}; each method of the IAM Service Account
 * Credentials API names the permission it requires, ${CREDENTIALS_API}.
 *
 * signBlob: Google documents signBlob as signing "a blob using a service account's
 * system-managed private key", verifiable with the account's RSA public keys
 * (${CREDENTIALS_API}/v1/projects.serviceAccounts/signBlob), the same keys signJwt uses; an
 * RS256 JWT is a signature over the bytes `header.payload`, and Google's token endpoint
 * exchanges a JWT signed by the account's key for an access token
 * (https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests).
 * Nothing Google documents stops a signed blob from being such a JWT, and escalation research
 * lists signBlob as a way to an access token (RhinoSecurityLabs/GCP-IAM-Privilege-Escalation):
 * the simulator counts it as acting as the account rather than reassure falsely.
 */
export const ACTING_AS_ACCOUNT: readonly ActingAsPermission[] = [
  {
    permission: "iam.serviceAccounts.getAccessToken",
    kind: "access-token",
    mintsAccessToken: true,
    how: "mints an access token with generateAccessToken",
    source: `${CREDENTIALS_API}/v1/projects.serviceAccounts/generateAccessToken`,
  },
  {
    permission: "iam.serviceAccounts.signJwt",
    kind: "self-signed-jwt",
    mintsAccessToken: true,
    how: "signs a JWT as the account with signJwt and exchanges it for an access token",
    source: `${CREDENTIALS_API}/v1/projects.serviceAccounts/signJwt`,
  },
  {
    permission: "iam.serviceAccounts.signBlob",
    kind: "signed-blob",
    mintsAccessToken: true,
    how: "signs a self-built JWT as the account with signBlob and exchanges it for an access token",
    source: `${CREDENTIALS_API}/v1/projects.serviceAccounts/signBlob`,
  },
  {
    permission: "iam.serviceAccounts.implicitDelegation",
    kind: "delegation",
    mintsAccessToken: false,
    how: "names the account among the delegates of generateAccessToken",
    source: "https://cloud.google.com/iam/docs/create-short-lived-credentials-delegated",
  },
  {
    permission: "iam.serviceAccounts.getOpenIdToken",
    kind: "id-token",
    mintsAccessToken: false,
    how: "mints ID tokens only, with generateIdToken, which Firestore does not accept",
    source: `${CREDENTIALS_API}/v1/projects.serviceAccounts/generateIdToken`,
  },
  {
    permission: "iam.serviceAccounts.actAs",
    kind: "attach",
    mintsAccessToken: false,
    how: "attaches the account to a resource it deploys, whose code then runs as the account",
    source: ROLES_PAGE,
  },
];

/** The permission that mints an access token for a service account: what impersonation needs. */
export const GET_ACCESS_TOKEN = "iam.serviceAccounts.getAccessToken";

/** The permission to attach an account to a resource one deploys, so the resource's code runs as it (Service Account User). */
export const ACT_AS = "iam.serviceAccounts.actAs";

/**
 * Service account permissions that let a member act as the account one way or another
 * (tokens, signatures, delegation, attaching it to a resource): what CIS 1.6 forbids above
 * the account. Every row of ACTING_AS_ACCOUNT.
 */
export const ACT_AS_PERMISSIONS: readonly string[] = ACTING_AS_ACCOUNT.map((p) => p.permission);

/** The rows that yield an access token directly: what takes a member from one account to the next. */
export const MINTS_ACCESS_TOKEN: readonly ActingAsPermission[] = ACTING_AS_ACCOUNT.filter((p) => p.mintsAccessToken);

/** The row of a kind (each kind has one permission). */
export function actingAs(kind: ActingAsKind): ActingAsPermission {
  return ACTING_AS_ACCOUNT.find((p) => p.kind === kind)!;
}

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
  // Start an export and follow the operation it returns; no import. Anything that can import-export can export.
  [FirestoreAccessLevel.EXPORT]: ["datastore.databases.export", "datastore.operations.get"],
  [FirestoreAccessLevel.BACKUP_ADMIN]: ["datastore.backups.list", "datastore.backups.delete"],
};

/** Firestore permissions whose resource is not the database (backups): defined with the Firestore facts. */
export const isLocationScoped = isLocationScopedPermission;

/**
 * Firestore permissions Google checks on the project (or its locations) rather than on one
 * database, so a request may name the project for them (AccessRequest.project): listing and
 * creating databases ("List databases in a project", "Create a database" — their REST methods
 * take `parent = projects/P`), and everything on locations and backups
 * (`projects/P/locations/L[/backups/B]`). `datastore.databases.getMetadata` is not among them:
 * Google describes it as "Read metadata from a database".
 * https://cloud.google.com/datastore/docs/access/iam ,
 * https://cloud.google.com/firestore/docs/reference/rest/v1/projects.databases/list
 */
export function isProjectLevelPermission(permission: string): boolean {
  return permission === "datastore.databases.list" || permission === "datastore.databases.create" || isLocationScopedPermission(permission);
}

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
