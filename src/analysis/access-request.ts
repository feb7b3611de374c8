import type { IFirestoreDatabaseName } from "../core/firestore-database-name";
import type { IPrincipal } from "../core/principal";
import { FirestoreAccessLevel } from "../gcp/firestore-access";
import { parseDatabaseName } from "./conditions";
import { parseMember } from "./members";
import { ACCESS_LEVEL_PERMISSIONS, isProjectLevelPermission } from "./role-permissions";
import { RequestTarget, databaseRequestTarget, projectRequestTarget } from "./request-target";

/** One question: may this identity do this in this database? */
export interface AccessRequest {
  /**
   * The decoded claims of an OIDC token (JWT payload), `iss` and `aud` included: a
   * Buildkite, GitHub Actions, Entra ID or GKE token, or any issuer a provider trusts.
   */
  readonly token?: { [claim: string]: any };
  /**
   * A Google identity: `user:…`, `group:…`, `serviceAccount:…` (GKE's `serviceAccount:P.svc.id.goog[NS/KSA]` too),
   * or the principal itself (a WorkloadServiceAccount, a FederatedPrincipal, Principal.group(...)). A value
   * holding cdktf tokens (`sa.iamMember`) resolves to what the stacks declare; one they cannot resolve is an error.
   */
  readonly member?: string | IPrincipal;
  /** Google groups (emails) the member belongs to; IAM resolves groups, the configuration cannot. */
  readonly groups?: string[];
  /** `projects/PROJECT_ID/databases/DATABASE_ID`, or the FirestoreDatabase itself. Give this or project. */
  readonly database?: string | IFirestoreDatabaseName;
  /**
   * A project (`PROJECT_ID` or `projects/PROJECT_ID`) for the permissions Google checks on the
   * project rather than on a database: listing and creating databases, locations, backups.
   * Give this or database.
   */
  readonly project?: string;
  /** One permission, e.g. `datastore.entities.update`. Give this or access. */
  readonly permission?: string;
  /** An access level: every permission it stands for must be allowed. */
  readonly access?: FirestoreAccessLevel;
  /** request.time for time-bound conditions (ISO 8601). @default now */
  readonly time?: string;
}

/** A project id, alone or as the resource name `projects/P`. */
const PROJECT = /^(?:projects\/)?([a-z][a-z0-9-]{4,28}[a-z0-9])$/;
const PERMISSION = /^[a-z][a-zA-Z0-9]*\.[a-zA-Z0-9]+\.[a-zA-Z0-9]+$/;

export function validateRequest(request: AccessRequest): { target: RequestTarget; permissions: string[]; time: Date } {
  const where = "AccessSimulator.explain";
  if (request === null || typeof request !== "object") throw new Error(`${where}: expected a request { token? | member?, database, permission? | access? }, got ${String(request)}`);
  if ((request.database === undefined) === (request.project === undefined)) {
    throw new Error(`${where}: give exactly one of database ("projects/PROJECT_ID/databases/DATABASE_ID") or project ("PROJECT_ID", for the permissions Google checks on the project)`);
  }
  const db = typeof request.database === "string" ? parseDatabaseName(request.database) : undefined;
  if (request.database !== undefined && !db) {
    throw new Error(`${where}: invalid database ${JSON.stringify(request.database)}: must be "projects/PROJECT_ID/databases/DATABASE_ID"`);
  }
  const project = typeof request.project === "string" ? PROJECT.exec(request.project)?.[1] : undefined;
  if (request.project !== undefined && !project) {
    throw new Error(`${where}: invalid project ${JSON.stringify(request.project)}: must be "PROJECT_ID" or "projects/PROJECT_ID" (6-30 of [a-z0-9-], starting with a letter)`);
  }
  if (request.token === undefined && request.member === undefined) throw new Error(`${where}: give token (decoded OIDC claims) or member ("user:…", "group:…", "serviceAccount:…")`);
  if (request.token !== undefined && (request.token === null || typeof request.token !== "object" || Array.isArray(request.token))) {
    throw new Error(`${where}: invalid token: must be the decoded claims object (JWT payload), got ${Array.isArray(request.token) ? "an array" : typeof request.token}`);
  }
  if (request.member !== undefined && (typeof request.member !== "string" || parseMember(request.member).kind === "other")) {
    throw new Error(`${where}: invalid member ${JSON.stringify(request.member)}: must be user:EMAIL, group:EMAIL, serviceAccount:EMAIL or a principal:// member`);
  }
  if (request.groups !== undefined && (!Array.isArray(request.groups) || !request.groups.every((g) => typeof g === "string"))) {
    throw new Error(`${where}: invalid groups: must be an array of group emails`);
  }
  if ((request.permission === undefined) === (request.access === undefined)) throw new Error(`${where}: give exactly one of permission (e.g. "datastore.entities.update") or access (a FirestoreAccessLevel)`);
  let permissions: string[];
  if (request.permission !== undefined) {
    if (typeof request.permission !== "string" || !PERMISSION.test(request.permission)) {
      throw new Error(`${where}: invalid permission ${JSON.stringify(request.permission)}: must look like service.resource.verb, e.g. datastore.entities.update`);
    }
    permissions = [request.permission];
  } else {
    const level = Object.prototype.hasOwnProperty.call(ACCESS_LEVEL_PERMISSIONS, String(request.access)) ? ACCESS_LEVEL_PERMISSIONS[request.access as FirestoreAccessLevel] : undefined;
    if (!level) throw new Error(`${where}: invalid access ${JSON.stringify(request.access)}: must be one of ${Object.keys(ACCESS_LEVEL_PERMISSIONS).join(", ")}`);
    permissions = [...level];
  }
  if (project !== undefined) {
    const databaseLevel = permissions.filter((p) => !isProjectLevelPermission(p));
    if (databaseLevel.length > 0) {
      throw new Error(`${where}: ${databaseLevel.join(", ")} ${databaseLevel.length > 1 ? "are" : "is"} checked on a database, not on the project: name the database instead of project ${project}`);
    }
  }
  const time = request.time === undefined ? new Date() : new Date(request.time);
  if (Number.isNaN(time.getTime())) throw new Error(`${where}: invalid time ${JSON.stringify(request.time)}: must be an ISO 8601 timestamp`);
  return { target: db ? databaseRequestTarget(request.database as string, db.project) : projectRequestTarget(project!), permissions, time };
}
