import { EMAIL } from "../core/formats";
import type { IFirestoreDatabaseName } from "../core/firestore-database-name";
import type { IPrincipal } from "../core/principal";
import { show } from "../core/validate";
import { FirestoreAccessLevel } from "../gcp/firestore-access";
import { DATABASE_ID, DATASTORE_PERMISSION } from "../gcp/firestore-rules";
import { parseDatabaseName } from "./conditions";
import { parseMember } from "./members";
import { RequestTarget, databaseRequestTarget, projectRequestTarget } from "./request-target";
import { ACCESS_LEVEL_PERMISSIONS, isProjectLevelPermission } from "./role-permissions";
import { validateTokenClaims } from "./token-claims";

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

const WHERE = "AccessSimulator.explain";

/** A request no caller can make: the field, what was there (cut as construct errors cut it) and the rule. */
function invalid(field: string, value: unknown, rule: string, where = WHERE): Error {
  return new Error(`${where}: invalid ${field} ${value === undefined ? "(missing)" : show(value)}: ${rule}`);
}

/**
 * RFC 3339's date-time (the ISO 8601 profile Google's APIs and IAM's request.time use): a
 * date, a time and an offset. `1` or `2030-01-01` name no instant a request happens at.
 * https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The project as IAM conditions name it: lower-case letters, digits and hyphens (PROJECT_ID
 * is the rule for creating one; older and test projects are looser), or a legacy
 * domain-scoped `example.com:project`.
 */
const PROJECT_IN_NAME = /^([a-z0-9-]+(\.[a-z0-9-]+)+:)?[a-z0-9][a-z0-9-]{0,62}$/;

const MEMBER_RULE =
  "must be user:EMAIL, group:EMAIL, serviceAccount:EMAIL, domain:DOMAIN or a principal:// / principalSet:// member of a workload identity pool, as IAM names members";

/** Refuses a member IAM would not accept (explain, and the grant matchers for a member they are given literally). */
export function checkMember(member: unknown, where = WHERE): void {
  if (typeof member !== "string") throw invalid("member", member, `must be a string: ${MEMBER_RULE}`, where);
  const parsed = parseMember(member);
  if (parsed.kind === "other") throw invalid("member", member, MEMBER_RULE, where);
  if (parsed.kind === "google" && parsed.type !== "domain" && !EMAIL.test(member.slice(member.indexOf(":") + 1))) {
    throw invalid("member", member, `${parsed.type}: ${EMAIL.rule}`, where);
  }
  if (parsed.kind === "google" && parsed.type === "domain" && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(parsed.value)) throw invalid("member", member, "domain: must be a domain name like example.com", where);
}

/** Refuses a database name Firestore would not accept (explain, and the grant matchers for a name they are given literally). */
export function checkDatabase(database: unknown, where = WHERE): void {
  const rule = 'must be "projects/PROJECT_ID/databases/DATABASE_ID" with a Google Cloud project id and a Firestore database id';
  if (typeof database !== "string") throw invalid("database", database, rule, where);
  const parsed = parseDatabaseName(database);
  if (!parsed) throw invalid("database", database, rule, where);
  if (!PROJECT_IN_NAME.test(parsed.project)) throw invalid("database", database, "the project must be a project id: lower-case letters, digits and hyphens", where);
  if (!DATABASE_ID.test(parsed.database)) throw invalid("database", database, DATABASE_ID.rule, where);
}


export function validateRequest(request: AccessRequest): { target: RequestTarget; permissions: string[]; time: Date } {
  if (request === null || typeof request !== "object") throw new Error(`${WHERE}: expected a request { token? | member?, database | project, permission? | access? }, got ${show(request)}`);
  if ((request.database === undefined) === (request.project === undefined)) {
    throw new Error(`${WHERE}: give exactly one of database ("projects/PROJECT_ID/databases/DATABASE_ID") or project ("PROJECT_ID", for the permissions Google checks on the project)`);
  }
  if (request.database !== undefined) checkDatabase(request.database);
  // The same project rule as a database name's: a project asked about alone is the one its databases name.
  const project = typeof request.project === "string" ? request.project.replace(/^projects\//, "") : undefined;
  if (request.project !== undefined && (project === undefined || !PROJECT_IN_NAME.test(project))) {
    throw invalid("project", request.project, 'must be "PROJECT_ID" or "projects/PROJECT_ID": lower-case letters, digits and hyphens');
  }
  if (request.token === undefined && request.member === undefined) throw new Error(`${WHERE}: give token (decoded OIDC claims) or member ("user:…", "group:…", "serviceAccount:…")`);
  if (request.token !== undefined && request.member !== undefined) {
    throw invalid("member", request.member, "cannot be given with token: a request comes from one identity, and a token's identity is what the provider maps from it");
  }
  if (request.token !== undefined) validateTokenClaims(WHERE, request.token);
  if (request.member !== undefined) checkMember(request.member);
  if (request.groups !== undefined) {
    if (request.token !== undefined) throw invalid("groups", request.groups, "cannot be given with token: a federated identity's groups are what its provider maps into google.groups from the token");
    if (!Array.isArray(request.groups)) throw invalid("groups", request.groups, "must be an array of group emails");
    request.groups.forEach((g, i) => {
      if (typeof g !== "string" || !EMAIL.test(g)) throw invalid(`groups[${i}]`, g, `must be a group's email: ${EMAIL.rule}`);
    });
  }
  if ((request.permission === undefined) === (request.access === undefined)) throw new Error(`${WHERE}: give exactly one of permission (e.g. "datastore.entities.update") or access (a FirestoreAccessLevel)`);
  let permissions: string[];
  if (request.permission !== undefined) {
    if (typeof request.permission !== "string" || !DATASTORE_PERMISSION.test(request.permission)) throw invalid("permission", request.permission, DATASTORE_PERMISSION.rule);
    permissions = [request.permission];
  } else {
    const access: unknown = request.access;
    const level = typeof access === "string" && Object.prototype.hasOwnProperty.call(ACCESS_LEVEL_PERMISSIONS, access) ? ACCESS_LEVEL_PERMISSIONS[access as FirestoreAccessLevel] : undefined;
    if (!level) throw invalid("access", access, `must be one of ${Object.keys(ACCESS_LEVEL_PERMISSIONS).join(", ")}`);
    permissions = [...level];
  }
  if (project !== undefined) {
    const databaseLevel = permissions.filter((p) => !isProjectLevelPermission(p));
    if (databaseLevel.length > 0) {
      throw new Error(`${WHERE}: ${databaseLevel.join(", ")} ${databaseLevel.length > 1 ? "are" : "is"} checked on a database, not on the project: name the database instead of project ${project}`);
    }
  }
  const time = request.time === undefined ? new Date() : typeof request.time === "string" && DATE_TIME.test(request.time) ? new Date(request.time) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) throw invalid("time", request.time, "must be an ISO 8601 date-time with an offset (RFC 3339), e.g. 2030-01-01T09:00:00Z");
  const database = request.database as string | undefined;
  return { target: database !== undefined ? databaseRequestTarget(database, parseDatabaseName(database)!.project) : projectRequestTarget(project!), permissions, time };
}
