import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { AccessSimulator } from "../../src";
import { GrantUsage, GrantUsageStatus, UsageReport } from "../../src/report/usage-report";
import {
  AIRFLOW_WORKERS,
  BUILDKITE_DEPLOYER,
  DATABASE,
  GITHUB_DEPLOYER,
  GITHUB_PRINCIPAL,
  LEGACY_EXPORTER,
  ORDERS_API,
  SINCE,
  UNTIL,
  asBigQueryRows,
  asJsonArray,
  asJsonLines,
  firestoreEntry,
  generateAccessTokenEntry,
  prodExport,
} from "../fixtures/audit-logs";
import { prodStackJson, removeTemporaryDirs, temporaryDir, writeSynthOutput } from "./support";

const window = { since: SINCE, until: UNTIL };
let stacks: Map<string, string>;
let simulator: AccessSimulator;
let entries: any[];
let report: UsageReport;

beforeAll(() => {
  stacks = prodStackJson();
  simulator = AccessSimulator.fromSynthOutput(writeSynthOutput(stacks));
  entries = prodExport();
  report = UsageReport.fromLogs(simulator, [asJsonLines(entries)], window);
});
afterAll(removeTemporaryDirs);

function grant(r: UsageReport, role: string, account: string): GrantUsage {
  const found = r.grants.filter((g) => g.role === role && g.members.includes(`serviceAccount:${account}`));
  expect(found).toHaveLength(1);
  return found[0];
}

describe("UsageReport over thirty days of prod", () => {
  test("an index admin grant used every day is used, credited to the Buildkite pipeline through its declared binding", () => {
    const g = grant(report, "roles/datastore.indexAdmin", BUILDKITE_DEPLOYER);
    expect(g.status).toBe(GrantUsageStatus.USED);
    expect(g.environment).toBe("prod");
    expect(g.database).toBe(DATABASE);
    expect(g.stack).toBe("buildkite-prod");
    expect(g.constructPath).toMatch(/^buildkite-prod\/database\//);
    expect(g.used).toEqual([
      { permission: "datastore.schemas.create", calls: 30, firstSeen: "2026-11-01T09:03:00.000Z", lastSeen: "2026-11-30T09:03:00.000Z" },
      { permission: "datastore.schemas.list", calls: 30, firstSeen: "2026-11-01T09:02:00.000Z", lastSeen: "2026-11-30T09:02:00.000Z" },
    ]);
    expect(g.narrowestLevel).toBe("INDEX_ADMIN");
    expect(g.recommendation).toBe("");
    expect(g.chains).toHaveLength(1);
    expect(g.chains[0].serviceAccount).toBe(BUILDKITE_DEPLOYER);
    expect(g.chains[0].impersonationMember).toContain("/attribute.pipeline_id_branch/0184990a-4782-42b5-afc1-16715b10b110:main");
    expect(g.chains[0].impersonationAddress).toMatch(/^google_service_account_iam_member\.deployer_impersonation-buildkite-prod/);
    // The STS entries name the token subjects that exchanged: one per commit.
    expect(g.chains[0].tokenSubjectCount).toBe(30);
    expect(g.chains[0].tokensMinted).toBe(30);
    expect(g.chains[0].tokenSubjects[0]).toMatch(/^organization:acme:pipeline:firestore-deploy:ref:refs\/heads\/main:commit:/);
  });

  test("a read/write grant whose write permissions are never used is reported with them unused and READ proposed", () => {
    const g = grant(report, "roles/datastore.user", AIRFLOW_WORKERS);
    expect(g.status).toBe(GrantUsageStatus.USED);
    expect(g.used.map((u) => u.permission)).toEqual(["datastore.entities.get", "datastore.entities.list"]);
    for (const p of ["datastore.entities.create", "datastore.entities.update", "datastore.entities.delete"]) {
      expect(g.unused).toContainEqual({ permission: p, logType: "DATA_WRITE", observable: true, reason: "" });
    }
    expect(g.narrowestLevel).toBe("READ");
    expect(g.recommendation).toMatch(/^grant READ \(roles\/datastore\.viewer\) instead of roles\/datastore\.user \(airflow-prod google_project_iam_member\./);
    // Where Firestore does not log deletes one by one, the report says so.
    expect(g.notes).toContain("bulk deletes and TTL deletes are not audit logged document by document");
  });

  test("grants nothing used, with every use logged, are unused and recommended for removal", () => {
    const runtime = grant(report, "roles/datastore.user", ORDERS_API);
    expect(runtime.status).toBe(GrantUsageStatus.UNUSED);
    expect(runtime.recommendation).toMatch(/^remove roles\/datastore\.user \(fastapi-prod /);
    expect(grant(report, "projects/acme-firestore-prod/roles/firestoreExport_buildkite_prod", BUILDKITE_DEPLOYER).status).toBe(GrantUsageStatus.UNUSED);
    expect(report.hasFindings).toBe(true);
  });

  test("a caller with no declared chain is unexpected; the declared callers beside it are not", () => {
    expect(report.unexpected).toEqual([
      {
        environment: "prod",
        database: DATABASE,
        caller: LEGACY_EXPORTER,
        origin: "",
        permissions: ["datastore.entities.list"],
        calls: 4,
        firstSeen: "2026-11-04T23:00:00.000Z",
        lastSeen: "2026-11-25T23:00:00.000Z",
        reason: `no declared grant gives serviceAccount:${LEGACY_EXPORTER} datastore.entities.list on ${DATABASE} (a grant made outside these stacks?)`,
      },
    ]);
    // Control: the Airflow workers run the same query through their declared grant.
    expect(report.unexpected.map((u) => u.caller)).not.toContain(AIRFLOW_WORKERS);
  });

  test("tokens minted for a granted account through no declared binding are unexpected; the pipeline's are not", () => {
    // A person minting the deployer's tokens by hand (a Token Creator grant made in the console).
    const stranger = "mallory@acme.example";
    const r = UsageReport.fromLogs(simulator, [asJsonLines([...entries, generateAccessTokenEntry("2026-11-12T03:00:00Z", stranger, BUILDKITE_DEPLOYER)])], window);
    const minted = r.unexpected.filter((u) => u.permissions.includes("iam.serviceAccounts.getAccessToken"));
    expect(minted).toHaveLength(1);
    expect(minted[0]).toMatchObject({ caller: stranger, calls: 1, database: DATABASE, environment: "prod" });
    expect(minted[0].reason).toContain(`minted tokens for ${BUILDKITE_DEPLOYER} (GenerateAccessToken)`);
    expect(report.unexpected.filter((u) => u.permissions.includes("iam.serviceAccounts.getAccessToken"))).toEqual([]);
  });

  test("a denied attempt shows the grant the simulator finds missing; the same account's allowed calls are credited", () => {
    expect(report.denied).toHaveLength(1);
    const d = report.denied[0];
    expect(d).toMatchObject({ caller: GITHUB_DEPLOYER, origin: GITHUB_PRINCIPAL, permission: "datastore.databases.export", calls: 1, environment: "prod" });
    expect(d.missing).toContain(
      `serviceAccount:${GITHUB_DEPLOYER} holds roles/datastore.indexAdmin (google_project_iam_member.database_indexAdmin-sa-orders-api-deployer-d2606325_E2A948C2), which does not include datastore.databases.export`,
    );
    expect(grant(report, "roles/datastore.indexAdmin", GITHUB_DEPLOYER).used).toEqual([
      { permission: "datastore.schemas.create", calls: 10, firstSeen: "2026-11-01T14:02:00.000Z", lastSeen: "2026-11-28T14:02:00.000Z" },
    ]);
  });

  test("a project whose audit config exempts the caller gives 'not observable', never 'unused'", () => {
    const platform = JSON.parse(stacks.get("platform-prod")!);
    const configs = platform.resource.google_project_iam_audit_config;
    const datastore = Object.values<any>(configs).find((c) => c.service === "datastore.googleapis.com");
    for (const l of datastore.audit_log_config) if (l.log_type !== "ADMIN_READ") l.exempted_members = [`serviceAccount:${ORDERS_API}`];
    const exempted = AccessSimulator.fromSynthOutput(writeSynthOutput(new Map([...stacks, ["platform-prod", JSON.stringify(platform)]])));
    const r = UsageReport.fromLogs(exempted, [asJsonLines(entries)], window);
    const g = grant(r, "roles/datastore.user", ORDERS_API);
    expect(g.status).toBe(GrantUsageStatus.NOT_OBSERVABLE);
    expect(g.recommendation).toBe("");
    const write = g.unused.find((u) => u.permission === "datastore.entities.update")!;
    expect(write.observable).toBe(false);
    expect(write.reason).toMatch(new RegExp(`^serviceAccount:${ORDERS_API.replace(/\./g, "\\.")} is exempted from DATA_WRITE logs \\(platform-prod google_project_iam_audit_config\\.`));
    // Control: without the exemption the same grant, with the same logs, is unused.
    expect(grant(report, "roles/datastore.user", ORDERS_API).status).toBe(GrantUsageStatus.UNUSED);
  });

  test("a sink exclusion that names the caller gives 'not observable' too", () => {
    const platform = JSON.parse(stacks.get("platform-prod")!);
    const sink = Object.values<any>(platform.resource.google_logging_project_sink)[0];
    sink.exclusions = [{ name: "quiet-runtime", description: "the runtime's reads are too many", filter: `protoPayload.authenticationInfo.principalEmail="${ORDERS_API}"` }];
    const excluded = AccessSimulator.fromSynthOutput(writeSynthOutput(new Map([...stacks, ["platform-prod", JSON.stringify(platform)]])));
    const g = grant(UsageReport.fromLogs(excluded, [asJsonLines(entries)], window), "roles/datastore.user", ORDERS_API);
    expect(g.status).toBe(GrantUsageStatus.NOT_OBSERVABLE);
    expect(g.unused.find((u) => u.permission === "datastore.entities.get")!.reason).toMatch(/^sink .* excludes entries matching `protoPayload\.authenticationInfo\.principalEmail="orders-api@/);
  });

  test("the three input shapes, and a gzip'd file streamed, give the same report", async () => {
    const json = report.toJson();
    expect(UsageReport.fromLogs(simulator, [asJsonArray(entries)], window).toJson()).toBe(json);
    expect(UsageReport.fromLogs(simulator, [asBigQueryRows(entries)], window).toJson()).toBe(json);
    const dir = temporaryDir("usage-logs-");
    const files = {
      array: path.join(dir, "gcloud.json"),
      lines: path.join(dir, "14:00:00_14:59:59_S0.json.gz"),
      rows: path.join(dir, "bq.json"),
    };
    fs.writeFileSync(files.array, asJsonArray(entries));
    fs.writeFileSync(files.lines, zlib.gzipSync(asJsonLines(entries)));
    fs.writeFileSync(files.rows, asBigQueryRows(entries));
    for (const file of Object.values(files)) expect((await UsageReport.fromLogFiles(simulator, [file], window)).toJson()).toBe(json);
    // Split over files (hourly sink files), the entries add up the same.
    const half = entries.length / 2;
    fs.writeFileSync(path.join(dir, "a.json"), asJsonLines(entries.slice(0, half)));
    fs.writeFileSync(path.join(dir, "b.json"), asJsonArray(entries.slice(half)));
    expect((await UsageReport.fromLogFiles(simulator, [path.join(dir, "a.json"), path.join(dir, "b.json")], window)).toJson()).toBe(json);
  });

  test("entries without authorizationInfo fall back to the method and resourceName", () => {
    const bare = entries.map((e) =>
      e.protoPayload.serviceName === "firestore.googleapis.com" && e.protoPayload.methodName === "google.firestore.v1.Firestore.RunQuery"
        ? { ...e, protoPayload: { ...e.protoPayload, authorizationInfo: undefined } }
        : e,
    );
    expect(UsageReport.fromLogs(simulator, [asJsonLines(bare)], window).toJson()).toBe(report.toJson());
  });

  test("a Commit without authorizationInfo keeps create, update and delete from being called unused", () => {
    const commit = firestoreEntry({ time: "2026-11-15T12:00:00Z", caller: AIRFLOW_WORKERS, origin: "serviceAccount:acme-firestore-prod.svc.id.goog[airflow/airflow-worker]", method: "google.firestore.v1.Firestore.Commit", permission: "", withoutAuthorization: true });
    const r = UsageReport.fromLogs(simulator, [asJsonLines([...entries, commit])], window);
    const g = grant(r, "roles/datastore.user", AIRFLOW_WORKERS);
    expect(g.unused.find((u) => u.permission === "datastore.entities.create")).toMatchObject({ observable: false, reason: "entries of a write method without authorizationInfo may have used it" });
    expect(g.recommendation).toBe("");
  });

  test("the summary says where the logs cover less than the window", () => {
    const lateAndHoled = entries.filter((e) => e.timestamp >= "2026-11-04" && !(e.timestamp >= "2026-11-10" && e.timestamp < "2026-11-13"));
    const r = UsageReport.fromLogs(simulator, [asJsonLines(lateAndHoled)], window);
    expect(r.summary.gaps).toEqual([
      "the logs start 3 days after --since (first entry 2026-11-04T02:30:00.000Z)",
      "no entries at all from 2026-11-10 to 2026-11-12 (3 days)",
    ]);
    expect(report.summary.gaps).toEqual([]);
    const outside = UsageReport.fromLogs(simulator, [asJsonLines(entries)], { since: "2026-11-15T00:00:00Z", until: UNTIL });
    expect(outside.summary.outsideWindow).toBeGreaterThan(0);
    expect(outside.summary.entries + outside.summary.outsideWindow).toBe(report.summary.entries);
  });

  test("the README's example is the report of the fixture export, as it is today", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const block = /<!-- USAGE:example -->\n```\n([\s\S]*?)```\n<!-- \/USAGE:example -->/.exec(readme);
    expect(block?.[1]).toBe(report.toText());
  });

  test("Markdown and text name every grant by address, and the exit decision follows the findings", () => {
    const md = report.toMarkdown();
    expect(md).toContain("| Database | Role | Members | Status | Used in the window |");
    expect(md).toContain("## Unexpected callers");
    expect(md).toContain("## Denied attempts");
    expect(report.toText()).toContain("UNUSED         projects/acme-firestore-prod/roles/firestoreExport_buildkite_prod");
    const quiet = UsageReport.fromLogs(simulator, [], window);
    expect(quiet.summary.gaps).toEqual(["no entries at all in the window"]);
  });
});

describe("log shapes refused by name", () => {
  const read = (text: string) => () => UsageReport.fromLogs(simulator, [text], window);
  test.each([
    ["YAML from gcloud's default format", "---\ninsertId: abc\n", /looks like YAML or CSV .*--format=json/],
    ["CSV from bq", "timestamp,protopayload_auditlog\n", /looks like YAML or CSV/],
    ["Pub/Sub messages", JSON.stringify({ message: { data: "eyJ9" } }), /Pub\/Sub messages/],
    ["an IAM policy", JSON.stringify({ bindings: [], etag: "x" }), /an IAM policy/],
    ["application logs", JSON.stringify({ jsonPayload: { m: 1 } }), /without an audit payload/],
    ["the aggregates of --emit-sql", JSON.stringify([{ kind: "day", calls: "1", first_seen: "2026-11-01 00:00:00 UTC", last_seen: "2026-11-01 00:00:00 UTC" }]), /pass it with --aggregates/],
    ["a mix of LogEntry and BigQuery rows", `${JSON.stringify(prodExport()[0])}\n${JSON.stringify({ protopayload_auditlog: {} })}\n`, /mixes LogEntry objects and BigQuery export rows/],
    ["a broken line", `${JSON.stringify(prodExport()[0])}\n{"protoPayload": \n`, /line 2: logTexts\[0\] is not JSON there/],
  ])("%s", (_what, text, message) => {
    expect(read(text)).toThrow(message);
  });

  test("a truncated JSON array file is an error, not a shorter report", async () => {
    const file = path.join(temporaryDir("usage-cut-"), "cut.json");
    fs.writeFileSync(file, asJsonArray(entries).slice(0, 5000));
    await expect(UsageReport.fromLogFiles(simulator, [file], window)).rejects.toThrow(/ends inside its JSON array/);
  });

  test("the window is checked", () => {
    expect(() => UsageReport.fromLogs(simulator, [], { since: "yesterday", until: UNTIL })).toThrow(/invalid since "yesterday": must be an ISO 8601 timestamp/);
    expect(() => UsageReport.fromLogs(simulator, [], { since: UNTIL, until: SINCE })).toThrow(/until \(2026-11-01T00:00:00.000Z\) must be after since/);
  });
});
