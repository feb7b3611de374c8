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

export const IAM_RESOURCE = /^google_[a-z0-9_]+_iam_(member|binding|policy)$/;
const BASIC_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);

export function isBasicRole(role: string): boolean {
  return BASIC_ROLES.has(role);
}

/** Terraform types that declare custom roles. */
export const CUSTOM_ROLE_TYPES: readonly string[] = ["google_project_iam_custom_role", "google_organization_iam_custom_role"];

/** IAM resource types by prefix: the level of the policy they edit and the argument naming what it is on. */
const LEVELS: ReadonlyArray<readonly [string, GrantLevel, string | undefined]> = [
  ["google_organization_iam_", "organization", "org_id"],
  ["google_folder_iam_", "folder", "folder"],
  ["google_project_iam_", "project", "project"],
  ["google_service_account_iam_", "service_account", "service_account_id"],
  ["google_storage_bucket_iam_", "storage_bucket", "bucket"],
  ["google_bigquery_dataset_iam_", "bigquery_dataset", "dataset_id"],
  ["google_pubsub_topic_iam_", "pubsub_topic", "topic"],
  ["google_secret_manager_secret_iam_", "secret", "secret_id"],
];

/** The argument of an IAM resource type that names what its policy is on (`bucket`, `secret_id`...). */
export function grantTargetAttribute(type: string): string | undefined {
  return LEVELS.find(([prefix]) => type.startsWith(prefix))?.[2];
}

function levelOf(type: string): GrantLevel {
  return LEVELS.find(([prefix]) => type.startsWith(prefix))?.[1] ?? "other";
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
