import { predefinedRolePermissions } from "./role-permissions";
import { Json, StackModel, TfResource, block, blocks, isLiteral } from "./terraform-json";

/** Where a grant applies: the level of the IAM policy it edits. */
export type GrantLevel =
  | "organization"
  | "folder"
  | "project"
  | "service_account"
  | "storage_bucket"
  | "bigquery_dataset"
  | "pubsub_topic"
  | "secret"
  | "other";

/** One role given to some members by one IAM resource (member, binding, or policy binding). */
export interface IamGrant {
  readonly resource: TfResource;
  readonly level: GrantLevel;
  readonly role: string;
  readonly members: readonly string[];
  /** The IAM condition's CEL expression, if any. */
  readonly condition?: string;
}

const IAM_RESOURCE = /^google_[a-z0-9_]+_iam_(member|binding|policy)$/;
const BASIC_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

export function isBasicRole(role: string): boolean {
  return BASIC_ROLES.has(role);
}

/** A predefined role that holds Firestore (`datastore.*`) permissions: roles/datastore.*, basic roles, Firebase roles... */
export function isFirestoreRole(role: string): boolean {
  return predefinedRolePermissions(role).some((p) => p.startsWith("datastore."));
}

const CUSTOM_ROLE_TYPES = ["google_project_iam_custom_role", "google_organization_iam_custom_role"];
const customRoleCache = new WeakMap<StackModel, ReadonlySet<string>>();

/**
 * Names (`projects/P/roles/R`, `organizations/O/roles/R`) of the custom roles declared in
 * the stack that hold at least one Firestore permission (`datastore.*`), such as every
 * FirestoreCustomRole. A custom role declared elsewhere is unknown here, so it is not one.
 */
export function firestoreCustomRoles(stack: StackModel): ReadonlySet<string> {
  const cached = customRoleCache.get(stack);
  if (cached) return cached;
  const names = new Set<string>();
  for (const type of CUSTOM_ROLE_TYPES) {
    for (const role of stack.ofType(type)) {
      const permissions: unknown[] = Array.isArray(role.config.permissions) ? role.config.permissions : [];
      if (!permissions.some((p) => typeof p === "string" && p.startsWith("datastore."))) continue;
      const name = stack.resolve(`\${${role.address}.name}`);
      if (!name.includes("${")) names.add(name);
    }
  }
  customRoleCache.set(stack, names);
  return names;
}

/** A predefined Firestore role, or (resolved) a custom role of the stack with Firestore permissions. */
export function grantsFirestore(stack: StackModel, role: string): boolean {
  return isFirestoreRole(role) || firestoreCustomRoles(stack).has(stack.resolve(role));
}

function levelOf(type: string): GrantLevel {
  if (type.startsWith("google_organization_iam_")) return "organization";
  if (type.startsWith("google_folder_iam_")) return "folder";
  if (type.startsWith("google_project_iam_")) return "project";
  if (type.startsWith("google_service_account_iam_")) return "service_account";
  if (type.startsWith("google_storage_bucket_iam_")) return "storage_bucket";
  if (type.startsWith("google_bigquery_dataset_iam_")) return "bigquery_dataset";
  if (type.startsWith("google_pubsub_topic_iam_")) return "pubsub_topic";
  if (type.startsWith("google_secret_manager_secret_iam_")) return "secret";
  return "other";
}

const cache = new WeakMap<StackModel, readonly IamGrant[]>();

/**
 * Every IAM grant in the stack, from `google_*_iam_member`, `_binding` and `_policy`
 * resources (policies read from literal `policy_data` or from the
 * `data.google_iam_policy` they reference). Built once per stack and shared by rules.
 */
export function iamGrants(stack: StackModel): readonly IamGrant[] {
  const cached = cache.get(stack);
  if (cached) return cached;
  const grants: IamGrant[] = [];
  for (const type of stack.typesMatching(IAM_RESOURCE)) {
    const level = levelOf(type);
    for (const resource of stack.ofType(type)) {
      const c = resource.config;
      if (type.endsWith("_iam_policy")) {
        for (const b of policyBindings(stack, c.policy_data)) grants.push({ resource, level, ...b });
        continue;
      }
      const members = type.endsWith("_iam_member") ? [c.member] : Array.isArray(c.members) ? c.members : [];
      grants.push({
        resource,
        level,
        role: typeof c.role === "string" ? c.role : "",
        members: members.filter((m: unknown): m is string => typeof m === "string"),
        condition: conditionOf(c.condition),
      });
    }
  }
  cache.set(stack, grants);
  return grants;
}

function conditionOf(condition: Json): string | undefined {
  const expression = block(condition)?.expression;
  return typeof expression === "string" ? expression : undefined;
}

interface PolicyBinding {
  readonly role: string;
  readonly members: string[];
  readonly condition?: string;
}

function policyBindings(stack: StackModel, policyData: Json): PolicyBinding[] {
  const ref = stack.referenced(policyData);
  if (ref && ref.resource.type === "google_iam_policy" && ref.resource.mode === "data") {
    return blocks(ref.resource.config.binding).map((b) => ({
      role: typeof b.role === "string" ? b.role : "",
      members: Array.isArray(b.members) ? b.members.filter((m: unknown) => typeof m === "string") : [],
      condition: conditionOf(b.condition),
    }));
  }
  if (!isLiteral(policyData)) return [];
  try {
    const parsed = JSON.parse(policyData);
    return blocks(parsed?.bindings).map((b) => ({
      role: typeof b.role === "string" ? b.role : "",
      members: Array.isArray(b.members) ? b.members.filter((m: unknown) => typeof m === "string") : [],
      condition: typeof b.condition?.expression === "string" ? b.condition.expression : undefined,
    }));
  } catch {
    return [];
  }
}
