import { GrantLevel, iamGrants } from "../analysis/iam-grants";
import { IamModel } from "../analysis/iam-model";
import { databaseScopeOf } from "../analysis/conditions";
import { parseMember } from "../analysis/members";
import { onlyLocationScoped } from "../analysis/role-permissions";
import { StackModel } from "../analysis/terraform-json";

/** One member's share of an IAM grant, with references resolved to readable values. */
export interface FoundGrant {
  /** `type.logicalId` of the IAM resource. */
  readonly address: string;
  /** Construct path, when the JSON still has its metadata. */
  readonly path?: string;
  readonly level: GrantLevel;
  /** The project a project-level grant edits, when known. */
  readonly project?: string;
  readonly member: string;
  readonly memberKey: string;
  readonly role: string;
  readonly condition?: string;
  /** The one database the condition limits the grant to, if it does exactly that. */
  readonly database?: string;
  /**
   * An unconditioned project grant of a role that acts on backups only: backups belong to
   * the project's locations, so it is the grant for every database of the project.
   */
  readonly projectWide: boolean;
  /** The raw resource configuration, for matchers that look further (a service account's id). */
  readonly config: { readonly [key: string]: unknown };
}

/**
 * How two members are compared: federated members by pool id and match, because before
 * apply the pool's project number is unknown (references resolve to the project id, a
 * test may write either); every other member as written.
 */
export function memberKey(member: string): string {
  const m = parseMember(member);
  return m.kind === "federated" ? `${m.principalSet ? "principalSet" : "principal"}://pool/${m.pool.poolId}/${m.key}/${m.value}` : member;
}

/** The one database a condition admits, judged by evaluating it (see databaseScopeOf). */
function databaseOf(condition: string | undefined, project: string | undefined): string | undefined {
  const scope = databaseScopeOf(condition, project);
  return scope.kind === "one" ? scope.database : undefined;
}

/** Every grant of the stack, one entry per member, resolved. */
export function foundGrants(model: StackModel): FoundGrant[] {
  const found: FoundGrant[] = [];
  for (const g of iamGrants(model)) {
    const role = model.resolve(g.role);
    const condition = g.condition === undefined ? undefined : model.resolve(g.condition);
    const project = g.level === "project" ? model.projectOf(g.resource) : undefined;
    const path = g.resource.path === g.resource.address ? undefined : g.resource.path;
    const projectWide = g.level === "project" && condition === undefined && onlyLocationScoped(IamModel.ofStack(model).permissionsOf(role));
    for (const raw of g.members) {
      const member = model.resolve(raw);
      found.push({
        address: g.resource.address,
        path,
        level: g.level,
        project,
        member,
        memberKey: memberKey(member),
        role,
        condition,
        database: databaseOf(condition, project),
        projectWide,
        config: g.resource.config,
      });
    }
  }
  return found;
}

/**
 * Grants that reach Firestore data: a predefined roles/datastore.* role or a custom role of
 * the stack with datastore.* permissions, at project level or above (a folder or
 * organization grant reaches every project's databases, so it always counts).
 */
export function isFirestoreGrant(model: StackModel, g: FoundGrant): boolean {
  return (g.level === "project" || g.level === "folder" || g.level === "organization") && IamModel.ofStack(model).isFirestoreRole(model.resolve(g.role));
}

/** True when a project-level grant sits in the database's project (or its project is unknown). */
export function inProjectOf(g: FoundGrant, database: string): boolean {
  return g.level === "project" && (g.project === undefined || g.project.includes("${") || database.startsWith(`projects/${g.project}/databases/`));
}

/** `google_project_iam_member.x (stack/path): ROLE to MEMBER, on DATABASE`: what a reader needs to find and judge it. */
export function describeGrant(g: FoundGrant): string {
  const where = g.path ? `${g.address} (${g.path})` : g.address;
  return `${where}: ${g.role} to ${g.member}, ${scopeOf(g)}`;
}

function scopeOf(g: FoundGrant): string {
  const owner = g.level === "project" ? `project ${g.project ?? "(provider default)"}` : `the ${g.level}`;
  if (g.level === "project" && g.database !== undefined && !inProjectOf(g, g.database)) {
    return `in ${owner} with condition naming ${g.database} of another project, so it reaches nothing`;
  }
  if (g.database !== undefined) return g.level === "project" ? `on ${g.database}` : `at ${g.level} level on ${g.database}`;
  if (g.projectWide) return `with no condition, on the backups of every database of ${owner} (backups belong to its locations)`;
  if (g.condition === undefined) return `with no condition, so on every database of ${owner}`;
  return `with condition \`${g.condition}\`, which is not one database (resource.name == "projects/P/databases/D")`;
}
