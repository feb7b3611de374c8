import { timeOf } from "../deployed/audit-entries";
import { ExchangeRow, FIRESTORE_SERVICES, FirestoreCallRow, IAM_CREDENTIALS_SERVICE, ImpersonationRow, Observations, STS_SERVICE, Window, permissionOfMethod } from "./usage-observations";

/**
 * The BigQuery path: one Standard SQL query over a sink's export tables that returns the
 * rows the streaming path aggregates (usage-observations), so months of logs never leave
 * BigQuery; and the reader of that query's `bq query --format=json` result.
 *
 * Tables and columns: https://cloud.google.com/logging/docs/export/bigquery — audit logs go to
 * `cloudaudit_googleapis_com_activity` / `_data_access` (date-sharded `…_YYYYMMDD`, or one
 * partitioned table when the sink uses partitioned tables); the AuditLog payload is the column
 * `protopayload_auditlog`, whose Struct fields are JSON strings (`metadataJson`, `requestJson`).
 */

/** Every export column the query reads: the test checks the SQL reads these and nothing else. */
export const EXPORT_COLUMNS: readonly string[] = [
  "timestamp",
  "protopayload_auditlog.serviceName",
  "protopayload_auditlog.methodName",
  "protopayload_auditlog.resourceName",
  "protopayload_auditlog.authenticationInfo.principalEmail",
  "protopayload_auditlog.authenticationInfo.principalSubject",
  "protopayload_auditlog.authenticationInfo.serviceAccountDelegationInfo",
  "protopayload_auditlog.authorizationInfo",
  "protopayload_auditlog.metadataJson",
  "protopayload_auditlog.requestJson",
  "protopayload_auditlog.status.code",
];

const DATASET = /^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}$/;

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const list = (xs: readonly string[]) => xs.map(quote).join(", ");
const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, "");

/** The query for `bq query --use_legacy_sql=false --format=json`, over PROJECT.DATASET's audit tables, for the window. */
export function usageSql(dataset: string, window: Window): string {
  if (typeof dataset !== "string" || !DATASET.test(dataset)) {
    throw new Error(`usage --emit-sql: invalid --dataset ${JSON.stringify(dataset)}: must be PROJECT_ID.DATASET_ID, e.g. acme-audit.firestore_audit`);
  }
  const since = window.since.toISOString();
  const until = window.until.toISOString();
  // The last shard that can hold an entry before --until (exclusive).
  const lastDay = day(new Date(window.until.getTime() - 1));
  return `-- Firestore usage for cdktf-firestore-identity usage --aggregates, ${since} to ${until}.
-- Run: bq query --use_legacy_sql=false --format=json --max_rows=1000000 "$(cat usage.sql)" > aggregates.json
WITH entries AS (
  SELECT
    timestamp,
    protopayload_auditlog.serviceName AS service,
    protopayload_auditlog.methodName AS method,
    protopayload_auditlog.resourceName AS resource_name,
    protopayload_auditlog.authenticationInfo.principalEmail AS principal_email,
    protopayload_auditlog.authenticationInfo.principalSubject AS principal_subject,
    -- serviceAccountDelegationInfo lists the original caller first
    protopayload_auditlog.authenticationInfo.serviceAccountDelegationInfo[SAFE_OFFSET(0)].principalSubject AS origin_subject,
    protopayload_auditlog.authenticationInfo.serviceAccountDelegationInfo[SAFE_OFFSET(0)].firstPartyPrincipal AS origin_first_party,
    protopayload_auditlog.authorizationInfo AS authorization_info,
    protopayload_auditlog.metadataJson AS metadata_json,
    protopayload_auditlog.requestJson AS request_json,
    protopayload_auditlog.status.code AS status_code
  FROM \`${dataset}.cloudaudit_googleapis_com_*\`
  WHERE timestamp >= TIMESTAMP(${quote(since)}) AND timestamp < TIMESTAMP(${quote(until)})
    -- date-sharded tables end in _YYYYMMDD; a partitioned table has no date suffix and is pruned by timestamp
    AND (REGEXP_EXTRACT(_TABLE_SUFFIX, r'[0-9]{8}$') IS NULL OR REGEXP_EXTRACT(_TABLE_SUFFIX, r'[0-9]{8}$') BETWEEN ${quote(day(window.since))} AND ${quote(lastDay)})
),
checks AS (
  SELECT
    COALESCE(e.principal_email, e.principal_subject, '') AS caller,
    COALESCE(e.origin_subject, e.origin_first_party.principalEmail, '') AS origin,
    COALESCE(REGEXP_EXTRACT(COALESCE(a.resource, e.resource_name), r'^(?://[^/]+/)?(projects/[^/]+/databases/[^/]+)'), '') AS database_name,
    COALESCE(a.permission, '') AS permission,
    IF(a.permission IS NULL, COALESCE(e.method, ''), '') AS method,
    COALESCE(a.granted, e.status_code IS NULL OR e.status_code != 7) AS granted,
    e.timestamp
  FROM entries AS e
  LEFT JOIN UNNEST(e.authorization_info) AS a ON STARTS_WITH(a.permission, 'datastore.')
  WHERE e.service IN (${list(FIRESTORE_SERVICES)})
)
SELECT 'firestore' AS kind, caller, origin, database_name, permission, method, granted, '' AS provider, '' AS subject, '' AS service_account,
  COUNT(*) AS calls, MIN(timestamp) AS first_seen, MAX(timestamp) AS last_seen
FROM checks
GROUP BY caller, origin, database_name, permission, method, granted
UNION ALL
SELECT 'exchange' AS kind, '' AS caller, JSON_VALUE(metadata_json, '$.mapped_principal') AS origin, '' AS database_name, '' AS permission, '' AS method, TRUE AS granted,
  resource_name AS provider, COALESCE(principal_subject, '') AS subject, '' AS service_account,
  COUNT(*) AS calls, MIN(timestamp) AS first_seen, MAX(timestamp) AS last_seen
FROM entries
WHERE service = ${quote(STS_SERVICE)} AND JSON_VALUE(metadata_json, '$.mapped_principal') IS NOT NULL
GROUP BY origin, provider, subject
UNION ALL
SELECT 'impersonation' AS kind, COALESCE(principal_subject, principal_email, '') AS caller, '' AS origin, '' AS database_name, '' AS permission, COALESCE(method, '') AS method,
  (status_code IS NULL OR status_code != 7) AS granted, '' AS provider, '' AS subject,
  LOWER(REGEXP_EXTRACT(JSON_VALUE(request_json, '$.name'), r'serviceAccounts/([^/]+)$')) AS service_account,
  COUNT(*) AS calls, MIN(timestamp) AS first_seen, MAX(timestamp) AS last_seen
FROM entries
WHERE service = ${quote(IAM_CREDENTIALS_SERVICE)} AND JSON_VALUE(request_json, '$.name') IS NOT NULL
GROUP BY caller, method, granted, service_account
UNION ALL
SELECT 'day' AS kind, '' AS caller, '' AS origin, '' AS database_name, '' AS permission, '' AS method, TRUE AS granted, '' AS provider, '' AS subject, '' AS service_account,
  COUNT(*) AS calls, MIN(timestamp) AS first_seen, MAX(timestamp) AS last_seen
FROM entries
GROUP BY DATE(timestamp)
`;
}

const KINDS = new Set(["firestore", "exchange", "impersonation", "day"]);

/** bq prints every value as a string in --format=json; accept the typed values too. */
const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
const bool = (v: unknown) => v === true || v === "true";

/** The query's rows (`bq query --format=json`: a JSON array) → the observations the streaming path would have collected. */
export function observationsOfAggregates(json: string): Observations {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch (e) {
    throw new Error(`usage --aggregates: not JSON (${(e as Error).message}); expected the output of bq query --format=json for the query usage --emit-sql prints`);
  }
  if (!Array.isArray(rows)) throw new Error("usage --aggregates: expected a JSON array of rows (bq query --format=json)");
  const firestore: FirestoreCallRow[] = [];
  const exchanges: ExchangeRow[] = [];
  const impersonations: ImpersonationRow[] = [];
  const days = new Map<string, number>();
  let entries = 0;
  rows.forEach((row: any, i) => {
    if (row === null || typeof row !== "object" || !KINDS.has(row.kind)) {
      const keys = row && typeof row === "object" ? Object.keys(row).slice(0, 5).join(", ") : typeof row;
      throw new Error(`usage --aggregates: row ${i + 1} has no kind firestore|exchange|impersonation|day (${keys}); is this the result of the query usage --emit-sql prints?`);
    }
    const first = timeOf(row.first_seen);
    const last = timeOf(row.last_seen);
    const calls = Number(row.calls);
    if (first === "" || last === "" || !Number.isInteger(calls) || calls < 1) throw new Error(`usage --aggregates: row ${i + 1} has an unreadable calls, first_seen or last_seen`);
    const seen = { calls, first, last };
    if (row.kind === "day") {
      days.set(first.slice(0, 10), (days.get(first.slice(0, 10)) ?? 0) + calls);
      entries += calls;
    } else if (row.kind === "firestore") {
      // The same fallback as the streaming path: a method with one known permission stands for it.
      const mapped = text(row.permission) === "" ? permissionOfMethod(text(row.method)) : "";
      firestore.push({
        caller: text(row.caller),
        origin: text(row.origin),
        database: text(row.database_name),
        permission: text(row.permission) || mapped,
        method: mapped !== "" ? "" : text(row.method),
        granted: bool(row.granted),
        ...seen,
      });
    } else if (row.kind === "exchange") {
      exchanges.push({ provider: text(row.provider), subject: text(row.subject), mappedPrincipal: text(row.origin), ...seen });
    } else {
      impersonations.push({ caller: text(row.caller), serviceAccount: text(row.service_account).toLowerCase(), method: text(row.method), granted: bool(row.granted), ...seen });
    }
  });
  const key = (r: object) => JSON.stringify(Object.values(r));
  const sorted = <T extends object>(xs: T[]) => xs.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return { firestore: sorted(firestore), exchanges: sorted(exchanges), impersonations: sorted(impersonations), days: new Map([...days].sort()), entries, outside: 0 };
}
