import { ProjectAuditCoverage, auditCoverage } from "../analysis/audit-coverage";
import { IamModel } from "../analysis/iam-model";

/**
 * Whether a use of a permission would be in the logs: the log type it writes, and whether
 * the declared audit configs log that type for the project without exempting the principal.
 * Firestore writes Data Access entries (DATA_READ, DATA_WRITE, ADMIN_READ) only where a
 * `datastore.googleapis.com` (or `allServices`) audit config switches the type on; ADMIN_WRITE
 * methods write Admin Activity entries, which are always on.
 * https://cloud.google.com/firestore/docs/audit-logging ("Methods by permission type"),
 * https://cloud.google.com/logging/docs/audit/configure-data-access
 */

const DATA_READ_PERMISSIONS = new Set(["datastore.entities.get", "datastore.entities.list"]);
const DATA_WRITE_PERMISSIONS = new Set(["datastore.entities.create", "datastore.entities.update", "datastore.entities.delete", "datastore.entities.allocateIds"]);

/** The permission type of a Firestore permission, which decides the log its uses go to. */
export function logTypeOf(permission: string): string {
  if (DATA_READ_PERMISSIONS.has(permission)) return "DATA_READ";
  if (DATA_WRITE_PERMISSIONS.has(permission)) return "DATA_WRITE";
  return /\.(get|list|getMetadata)$/.test(permission) ? "ADMIN_READ" : "ADMIN_WRITE";
}

const FIRESTORE_AUDIT_SERVICES = new Set(["datastore.googleapis.com", "allServices"]);

/** Empty when a use by these members in this project would be logged; else why not. */
export function unobservableReason(model: IamModel, project: string, logType: string, members: readonly string[]): string {
  if (logType === "ADMIN_WRITE") return "";
  const configs = model.auditConfigs.filter((c) => c.project === project && FIRESTORE_AUDIT_SERVICES.has(c.service));
  const logs = configs.flatMap((c) => c.logs.filter((l) => l.logType === logType).map((l) => ({ c, l })));
  if (logs.length === 0) {
    return `project ${project} declares no audit config that logs ${logType} for datastore.googleapis.com, so uses would not be logged`;
  }
  const lower = (m: string) => m.toLowerCase();
  const exempted = members.filter((m) => logs.some(({ l }) => l.exemptedMembers.map(lower).includes(lower(m))));
  if (exempted.length > 0 && exempted.length === members.length) {
    const where = logs.find(({ l }) => l.exemptedMembers.map(lower).includes(lower(exempted[0])))!.c;
    return `${exempted.join(", ")} ${exempted.length === 1 ? "is" : "are"} exempted from ${logType} logs (${where.stack.name} ${where.resource.address})`;
  }
  return exclusionReason(coverageOf(model).find((c) => c.project === project), members);
}

const coverages = new WeakMap<IamModel, ProjectAuditCoverage[]>();

function coverageOf(model: IamModel): ProjectAuditCoverage[] {
  let c = coverages.get(model);
  if (!c) coverages.set(model, (c = auditCoverage(model.stacks)));
  return c;
}

/**
 * An exclusion on the project's audit sinks (or its _Default sink) whose filter names
 * Firestore, its Data Access log or one of the members may have kept the entries out of what
 * was read: the filter is Logging's to evaluate, so the report does not guess which entries.
 */
function exclusionReason(coverage: ProjectAuditCoverage | undefined, members: readonly string[]): string {
  if (!coverage) return "";
  const names = ["firestore.googleapis.com", "datastore.googleapis.com", "data_access", ...members.map((m) => m.replace(/^[a-zA-Z]+:/, "").toLowerCase())];
  const exclusions = [...coverage.exports.flatMap((e) => e.exclusions.map((x) => ({ x, where: `sink ${e.sink} (${e.stack})` }))), ...coverage.defaultSinkExclusions.map((x) => ({ x, where: "the _Default sink" }))];
  const hit = exclusions.find(({ x }) => names.some((n) => x.filter.toLowerCase().includes(n)));
  return hit ? `${hit.where} excludes entries matching \`${hit.x.filter}\`, which may include these` : "";
}

/** Operations Firestore does not log entry by entry, named where a grant's permissions meet them. */
export function unloggedOperationNotes(permissions: readonly string[]): string[] {
  const notes: string[] = [];
  if (permissions.includes("datastore.databases.import")) notes.push("the individual writes of an import are not audit logged, only the ImportDocuments call");
  if (permissions.includes("datastore.entities.delete")) notes.push("bulk deletes and TTL deletes are not audit logged document by document");
  return notes;
}
