import { Parser } from "node-sql-parser";
import { AccessSimulator } from "../../src";
import { UsageReport } from "../../src/report/usage-report";
import { EXPORT_COLUMNS, usageSql } from "../../src/report/usage-sql";
import { SINCE, UNTIL, asJsonLines, prodExport, toBigQueryRow } from "../fixtures/audit-logs";
import { prodStackJson, removeTemporaryDirs, writeSynthOutput } from "./support";

const window = { since: SINCE, until: UNTIL };
const sql = usageSql("acme-audit.firestore_audit", { since: new Date(SINCE), until: new Date(UNTIL) });

/** bq query --format=json prints every value as a string, timestamps as `YYYY-MM-DD HH:MM:SS UTC`. */
const bqTime = (iso: string) => iso.replace("T", " ").replace(/\.000Z$|Z$/, " UTC");

/**
 * What the emitted query returns for these export rows, computed here the way the SQL says
 * (WHERE on the window, LEFT JOIN UNNEST(authorizationInfo) ON datastore.*, GROUP BY), written
 * independently of the streaming collector so the two paths can be compared.
 */
function aggregateAsTheQueryWould(rows: any[]): any[] {
  const groups = new Map<string, any>();
  const add = (key: any[], row: any, time: string) => {
    const k = JSON.stringify(key);
    const g = groups.get(k);
    if (!g) groups.set(k, { ...row, calls: 1, first: time, last: time });
    else {
      g.calls++;
      if (time < g.first) g.first = time;
      if (time > g.last) g.last = time;
    }
  };
  for (const r of rows) {
    const time = new Date(r.timestamp.replace(" UTC", "Z").replace(" ", "T")).toISOString();
    if (time < new Date(SINCE).toISOString() || time >= new Date(UNTIL).toISOString()) continue;
    const p = r.protopayload_auditlog;
    const empty = { caller: "", origin: "", database_name: "", permission: "", method: "", granted: true, provider: "", subject: "", service_account: "" };
    add(["day", time.slice(0, 10)], { ...empty, kind: "day" }, time);
    const statusOk = p.status?.code === undefined || p.status.code !== 7;
    if (p.serviceName === "firestore.googleapis.com" || p.serviceName === "datastore.googleapis.com") {
      const caller = p.authenticationInfo?.principalEmail ?? p.authenticationInfo?.principalSubject ?? "";
      const d0 = p.authenticationInfo?.serviceAccountDelegationInfo?.[0];
      const origin = d0?.principalSubject ?? d0?.firstPartyPrincipal?.principalEmail ?? "";
      const checks = (p.authorizationInfo ?? []).filter((a: any) => a.permission.startsWith("datastore."));
      for (const a of checks.length > 0 ? checks : [undefined]) {
        const database = /^(?:\/\/[^/]+\/)?(projects\/[^/]+\/databases\/[^/]+)/.exec(a?.resource ?? p.resourceName)?.[1] ?? "";
        const row = { ...empty, kind: "firestore", caller, origin, database_name: database, permission: a?.permission ?? "", method: a ? "" : p.methodName, granted: a ? a.granted : statusOk };
        add(["firestore", row.caller, row.origin, row.database_name, row.permission, row.method, row.granted], row, time);
      }
    } else if (p.serviceName === "sts.googleapis.com") {
      const mapped = JSON.parse(p.metadataJson ?? "{}").mapped_principal;
      if (mapped) add(["exchange", mapped, p.resourceName, p.authenticationInfo.principalSubject], { ...empty, kind: "exchange", origin: mapped, provider: p.resourceName, subject: p.authenticationInfo.principalSubject }, time);
    } else if (p.serviceName === "iamcredentials.googleapis.com") {
      const account = /serviceAccounts\/([^/]+)$/.exec(JSON.parse(p.requestJson ?? "{}").name ?? "")?.[1];
      const caller = p.authenticationInfo.principalSubject ?? p.authenticationInfo.principalEmail ?? "";
      if (account) add(["impersonation", caller, p.methodName, statusOk, account], { ...empty, kind: "impersonation", caller, method: p.methodName, granted: statusOk, service_account: account.toLowerCase() }, time);
    }
  }
  return [...groups.values()].map(({ first, last, calls, granted, ...rest }) => ({ ...rest, granted: String(granted), calls: String(calls), first_seen: bqTime(first), last_seen: bqTime(last) }));
}

describe("the BigQuery path", () => {
  let simulator: AccessSimulator;
  let entries: any[];
  beforeAll(() => {
    simulator = AccessSimulator.fromSynthOutput(writeSynthOutput(prodStackJson()));
    entries = prodExport();
  });
  afterAll(removeTemporaryDirs);

  test("the aggregate rows of the fixture export give the same findings as streaming the entries", () => {
    const streamed = UsageReport.fromLogs(simulator, [asJsonLines(entries)], window);
    const rows = aggregateAsTheQueryWould(entries.map(toBigQueryRow));
    expect(rows.length).toBeLessThan(entries.length);
    const aggregated = UsageReport.fromAggregates(simulator, JSON.stringify(rows), window);
    expect(aggregated.grants).toEqual(streamed.grants);
    expect(aggregated.unexpected).toEqual(streamed.unexpected);
    expect(aggregated.denied).toEqual(streamed.denied);
    // The query sees only the window's entries, so it cannot count those outside it.
    expect({ ...aggregated.summary, outsideWindow: 0 }).toEqual({ ...streamed.summary, outsideWindow: 0 });
    expect(aggregated.hasFindings).toBe(streamed.hasFindings);
  });

  test("the emitted SQL parses as BigQuery Standard SQL and reads one export table family", () => {
    const parser = new Parser();
    const { tableList } = parser.parse(sql, { database: "bigquery" });
    const real = tableList.filter((t) => !/::(entries|checks)$/.test(t));
    expect(real).toEqual(["select::null::acme-audit.firestore_audit.cloudaudit_googleapis_com_*"]);
    // Filtered to the window by timestamp (partitioned tables) and by table suffix (date-sharded tables).
    expect(sql).toContain("timestamp >= TIMESTAMP('2026-11-01T00:00:00.000Z') AND timestamp < TIMESTAMP('2026-12-01T00:00:00.000Z')");
    expect(sql).toContain("BETWEEN '20261101' AND '20261130'");
  });

  test("the SQL reads only documented export columns", () => {
    const read = [...sql.matchAll(/\b(protopayload_auditlog(?:\.[A-Za-z_]+)+)/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(5);
    for (const column of read) expect(EXPORT_COLUMNS.some((c) => column === c || column.startsWith(`${c}.`))).toBe(true);
    // Every column the list names is one the export schema page documents for audit logs.
    for (const c of EXPORT_COLUMNS) expect(c === "timestamp" || c.startsWith("protopayload_auditlog.")).toBe(true);
  });

  test("bad --dataset and unreadable aggregates are refused", () => {
    expect(() => usageSql("not a dataset", { since: new Date(SINCE), until: new Date(UNTIL) })).toThrow(/invalid --dataset "not a dataset": must be PROJECT_ID.DATASET_ID/);
    expect(() => UsageReport.fromAggregates(simulator, "[{\"a\":1}]", window)).toThrow(/row 1 has no kind firestore\|exchange\|impersonation\|day/);
    expect(() => UsageReport.fromAggregates(simulator, "{", window)).toThrow(/usage --aggregates: not JSON/);
  });
});
