/**
 * Cloud Audit Logs entries, as users have them, read into one small record. This module
 * knows the shapes (LogEntry JSON, BigQuery export rows), not IAM: what an entry means
 * for a grant is decided above analysis (src/report/usage-*).
 *
 * Shapes and fields:
 * - LogEntry + AuditLog (`protoPayload`): https://cloud.google.com/logging/docs/audit/understanding-audit-logs ,
 *   proto `google/cloud/audit/audit_log.proto` (authenticationInfo.principalEmail / principalSubject,
 *   serviceAccountDelegationInfo[] with firstPartyPrincipal.principalEmail or principalSubject,
 *   authorizationInfo[] with resource, permission, granted).
 * - STS ExchangeToken and IAM credentials GenerateAccessToken entries:
 *   https://cloud.google.com/iam/docs/audit-logging/examples-workload-identity (principalSubject,
 *   metadata.mapped_principal, resourceName = the provider; request.name and
 *   resource.labels.email_id = the account).
 * - BigQuery export rows: https://cloud.google.com/logging/docs/export/bigquery — a payload with
 *   `@type` type.googleapis.com/google.cloud.audit.AuditLog becomes the column
 *   `protopayload_auditlog`; its Struct fields `request`, `response` and `metadata` become the
 *   JSON strings `requestJson`, `responseJson` and `metadataJson`; LogEntry fields keep their names.
 */

/** One permission check recorded in an entry. */
export interface AuditAuthorization {
  readonly resource: string;
  readonly permission: string;
  readonly granted: boolean;
}

/** What the usage report reads from one audit log entry, whatever shape it came in. */
export interface AuditRecord {
  /** ISO 8601, as the entry's `timestamp`. */
  readonly time: string;
  /** `protoPayload.serviceName`, e.g. firestore.googleapis.com. */
  readonly service: string;
  readonly method: string;
  readonly resourceName: string;
  readonly principalEmail: string;
  readonly principalSubject: string;
  /** serviceAccountDelegationInfo[], in Google's order: the original caller first. */
  readonly delegation: readonly string[];
  readonly authorization: readonly AuditAuthorization[];
  /** STS: `metadata.mapped_principal`. */
  readonly mappedPrincipal: string;
  /** IAM credentials: the account a token was minted for (`resource.labels.email_id`, else `request.name`). */
  readonly serviceAccount: string;
  /** `status.code` (0 or absent when the call succeeded; 7 is PERMISSION_DENIED). */
  readonly statusCode: number;
}

/** Which of the shapes one parsed element has. */
export type EntryShape = "log-entry" | "bigquery-row" | "aggregate-row";

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

/** A LogEntry's `protoPayload` or a BigQuery row's `protopayload_auditlog` → its shape, or a refusal naming what it is. */
export function shapeOfElement(value: unknown): EntryShape | { refused: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { refused: `an element that is ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}, not a log entry object` };
  }
  const o = value as Record<string, unknown>;
  if ("protoPayload" in o) return "log-entry";
  if ("protopayload_auditlog" in o) return "bigquery-row";
  if ("kind" in o && "calls" in o) return "aggregate-row";
  if ("jsonPayload" in o || "textPayload" in o) return { refused: "log entries without an audit payload (jsonPayload/textPayload): the audit logs are the entries whose logName contains cloudaudit.googleapis.com" };
  if ("message" in o && typeof (o.message as any)?.data === "string") return { refused: "Pub/Sub messages (message.data is a base64 LogEntry): decode them into one LogEntry per line first" };
  if ("resource_changes" in o || "values" in o || "terraform" in o) return { refused: "Terraform JSON, not audit log entries" };
  if ("bindings" in o || "auditConfigs" in o) return { refused: "an IAM policy (gcloud get-iam-policy), not audit log entries" };
  return { refused: `an object with keys ${Object.keys(o).slice(0, 6).join(", ") || "(none)"}, which has neither protoPayload (LogEntry) nor protopayload_auditlog (BigQuery export row)` };
}

/** A LogEntry (gcloud logging read --format=json, or a line of a Cloud Storage sink file) → record; undefined when it holds no AuditLog. */
export function recordOfLogEntry(entry: any): AuditRecord | undefined {
  const p = entry?.protoPayload;
  if (!p || typeof p !== "object") return undefined;
  return recordOf(entry, p, p.metadata, p.request);
}

/** A row of the BigQuery export (`bq query --format=json`) → record: the same AuditLog, its Struct fields as JSON strings. */
export function recordOfBigQueryRow(row: any): AuditRecord | undefined {
  const p = row?.protopayload_auditlog;
  if (!p || typeof p !== "object") return undefined;
  return recordOf(row, p, jsonField(p.metadataJson), jsonField(p.requestJson));
}

function recordOf(entry: any, p: any, metadata: any, request: any): AuditRecord {
  const auth = p.authenticationInfo ?? {};
  return {
    time: timeOf(entry.timestamp ?? entry.receiveTimestamp),
    service: str(p.serviceName),
    method: str(p.methodName),
    resourceName: str(p.resourceName),
    principalEmail: str(auth.principalEmail),
    principalSubject: str(auth.principalSubject),
    delegation: delegationOf(auth.serviceAccountDelegationInfo),
    authorization: authorizationOf(p.authorizationInfo),
    mappedPrincipal: str(metadata?.mapped_principal),
    serviceAccount: str(entry.resource?.labels?.email_id) || accountOfName(str(request?.name)),
    statusCode: Number(p.status?.code ?? 0) || 0,
  };
}

function jsonField(text: unknown): any {
  if (typeof text !== "string" || text === "") return typeof text === "object" ? text : undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function delegationOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const d of value) {
    const who = str(d?.principalSubject) || str(d?.firstPartyPrincipal?.principalEmail);
    if (who) out.push(who);
  }
  return out;
}

function authorizationOf(value: unknown): AuditAuthorization[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((a) => a && typeof a === "object" && typeof a.permission === "string")
    // bq --format=json may print booleans as strings.
    .map((a) => ({ resource: str(a.resource), permission: a.permission, granted: a.granted === true || a.granted === "true" }));
}

/** `projects/-/serviceAccounts/EMAIL` → EMAIL. */
function accountOfName(name: string): string {
  const m = /serviceAccounts\/([^/]+)$/.exec(name);
  return m ? m[1] : "";
}

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/**
 * Timestamps as the shapes write them: RFC 3339 in LogEntry JSON; in bq's JSON output
 * `YYYY-MM-DD HH:MM:SS[.ffffff][ UTC]` or epoch seconds. Returned as ISO 8601 (UTC), or ""
 * when unreadable.
 */
export function timeOf(value: unknown): string {
  // RFC 3339 in UTC, as Cloud Logging writes it: cut to milliseconds without a Date (millions of entries).
  if (typeof value === "string" && RFC3339_UTC.test(value)) return value.length === 20 ? `${value.slice(0, 19)}.000Z` : `${value.slice(0, 23).padEnd(23, "0")}Z`;
  if (typeof value === "number" || (typeof value === "string" && /^[0-9]+(\.[0-9]+)?(E[0-9]+)?$/i.test(value))) {
    const ms = Number(value) * 1000;
    return Number.isFinite(ms) ? new Date(ms).toISOString() : "";
  }
  if (typeof value !== "string" || value === "") return "";
  const normal = value.replace(/ UTC$/, "Z").replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T");
  const t = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(normal) ? normal : `${normal}Z`);
  return Number.isNaN(t) ? "" : new Date(t).toISOString();
}
