import { DEFAULT_DATABASE_ID } from "../gcp/firestore-rules";
import { EXPORT_PERMISSIONS, FIRESTORE_ACCESS_ROLES, FirestoreAccessLevel, exportRoleId, firestoreDatabaseName } from "../gcp/firestore-access";
import { IamModel } from "../analysis/iam-model";
import { StackModel } from "../analysis/terraform-json";
import { parseDatabaseName } from "../analysis/conditions";
import { checkDatabase, checkMember } from "../analysis/access-request";
import { undeclaredReferences } from "../analysis/request-subjects";
import { cut } from "../core/validate";
import { memberKey } from "./found-grants";
import { ReadStack, preview, untokenize } from "./received-stack";

/** An IAM member string, or anything that has one: Principal.group(...), a WorkloadServiceAccount, a FederatedPrincipal. */
export type MemberLike = string | { readonly iamMember: string };

/**
 * A Firestore database as `projects/P/databases/D`, or as an object with the project and
 * database ids: a FirestoreDatabase, `FirestoreDatabase.fromExisting(...)`, or a literal
 * `{ projectId: "acme-dev", databaseId: "app" }` (databaseId defaults to `(default)`).
 */
export type DatabaseTarget = string | { readonly projectId: string; readonly databaseId?: string };

interface GrantExpectationBase {
  /** Who holds the grant. Left out, any member matches. */
  readonly member?: MemberLike;
  readonly database: DatabaseTarget;
}

/**
 * One Firestore grant: a role (predefined, or a custom role's name such as
 * `customRole.roleName`) or an access level, on one database.
 */
export type FirestoreGrantExpectation =
  | (GrantExpectationBase & { readonly access: FirestoreAccessLevel; readonly role?: never })
  | (GrantExpectationBase & { readonly role: string; readonly access?: never });

/** An expectation with tokens and references resolved against the received stack. */
export interface ExpectedGrant {
  readonly role: string;
  readonly database: string;
  readonly member?: string;
  readonly memberKey?: string;
}

const DATABASE_SHAPE = 'database must be "projects/PROJECT_ID/databases/DATABASE_ID" or { projectId, databaseId }';

export function expectedGrant(expected: FirestoreGrantExpectation, received: ReadStack, matcher: string): ExpectedGrant {
  if (expected === null || typeof expected !== "object") throw new Error(`${matcher}: expected { member?, database, role | access }, got ${preview(expected)}`);
  const { model } = received;
  const resolve = (value: string, what: string) => {
    const text = model.resolve(untokenize(value, received, `${matcher}: ${what}`));
    // A reference to a resource this stack does not declare (another stack's account) no binding here can hold: the expectation could only miss.
    const undeclared = undeclaredReferences(model, text);
    if (undeclared.length > 0) throw new Error(`${matcher}: ${what} ${cut(text)} names ${cut(undeclared.join(", "))}, which this stack does not declare; pass the stack that declares it`);
    return text;
  };
  const database = resolve(databaseNameOf(expected.database, matcher), "database");
  if (!parseDatabaseName(database)) {
    throw new Error(`${matcher}: ${DATABASE_SHAPE}, got ${preview(expected.database)}`);
  }
  const member = expected.member === undefined ? undefined : resolve(memberOf(expected.member, matcher), "member");
  // A name no binding can hold (a typo in the prefix, a database id Firestore refuses) would let a `.not` test pass whatever the
  // stack grants: refused as explain refuses it. Text Terraform fills in is compared as the bindings hold it.
  if (!database.includes("${")) checkDatabase(database, matcher);
  if (member !== undefined && !member.includes("${")) checkMember(member, matcher);
  return { role: resolve(roleOf(expected, matcher, model, database), "role"), database, member, memberKey: member === undefined ? undefined : memberKey(member) };
}

export function describeExpected(e: ExpectedGrant): string {
  return `${e.role} on ${cut(e.database)} to ${e.member === undefined ? "any member" : cut(e.member)}`;
}

function databaseNameOf(target: DatabaseTarget, matcher: string): string {
  if (typeof target === "string") return target;
  if (target && typeof target === "object" && typeof target.projectId === "string") {
    return firestoreDatabaseName(target.projectId, target.databaseId ?? DEFAULT_DATABASE_ID);
  }
  throw new Error(`${matcher}: ${DATABASE_SHAPE}, got ${preview(target)}`);
}

function memberOf(member: MemberLike, matcher: string): string {
  if (typeof member === "string") return member;
  if (member && typeof member === "object" && typeof member.iamMember === "string") return member.iamMember;
  throw new Error(`${matcher}: member must be an IAM member string or a principal with iamMember, got ${preview(member)}`);
}

function roleOf(expected: FirestoreGrantExpectation, matcher: string, model: StackModel, database: string): string {
  if (expected.role !== undefined && expected.access !== undefined) throw new Error(`${matcher}: give role or access, not both`);
  if (expected.access === FirestoreAccessLevel.EXPORT) return exportRoleOf(model, parseDatabaseName(database)!.project);
  if (expected.access !== undefined) {
    const role = FIRESTORE_ACCESS_ROLES[expected.access];
    if (role === undefined) throw new Error(`${matcher}: access must be one of ${Object.values(FirestoreAccessLevel).join(", ")}, got ${preview(expected.access)}`);
    return role;
  }
  if (typeof expected.role === "string" && expected.role !== "") return expected.role;
  throw new Error(`${matcher}: give role (e.g. "roles/datastore.user") or access (a FirestoreAccessLevel), got ${preview(expected.role)}`);
}

/**
 * The EXPORT level's role in a project: the custom role of the stack that holds exactly
 * EXPORT_PERMISSIONS there (what grantExport declares), else the name grantExport would give it.
 */
function exportRoleOf(model: StackModel, project: string): string {
  const wanted = [...EXPORT_PERMISSIONS].sort().join(",");
  for (const [name, permissions] of IamModel.ofStack(model).customRoles) {
    if (name.startsWith(`projects/${project}/roles/`) && [...permissions].sort().join(",") === wanted) return name;
  }
  return `projects/${project}/roles/${exportRoleId(model.name)}`;
}
