import * as fc from "fast-check";
import { AccessSimulator } from "../../src";
import { PREDEFINED_ROLE_PERMISSIONS } from "../../src/core/data/predefined-roles";
import { GrantUsageStatus, UsageReport } from "../../src/report/usage-report";
import { asJsonLines, exchangeEntry, firestoreEntry } from "../fixtures/audit-logs";

/** Hand-written stacks in the shape cdktf synthesizes (https://developer.hashicorp.com/terraform/language/syntax/json). */
const PROJECT = "p-usage";
const POOL = `projects/${PROJECT}/locations/global/workloadIdentityPools/ci`;
/** Audit logs name the pool's project by number. */
const LOGGED_POOL = "projects/999/locations/global/workloadIdentityPools/ci";
const subject = (s: string) => `principal://iam.googleapis.com/${LOGGED_POOL}/subject/${s}`;
const account = (a: string) => `${a}@${PROJECT}.iam.gserviceaccount.com`;
const db = (d: string) => `projects/${PROJECT}/databases/${d}`;

interface Grant {
  readonly account: string;
  readonly role: string;
  readonly database: string;
}
interface Binding {
  readonly account: string;
  /** `subject/S`, `attribute.pipeline/V` (one pipeline) or `attribute.organization_slug/V` (many). */
  readonly member: string;
}

function stackJson(grants: readonly Grant[], bindings: readonly Binding[]): string {
  const members: { [name: string]: unknown } = {};
  grants.forEach((g, i) => {
    members[`grant_${i}`] = {
      project: PROJECT,
      role: g.role,
      member: `serviceAccount:${account(g.account)}`,
      condition: { title: "one database", expression: `resource.name == "${db(g.database)}"` },
    };
  });
  const impersonation: { [name: string]: unknown } = {};
  bindings.forEach((b, i) => {
    const kind = b.member.startsWith("subject/") ? "principal" : "principalSet";
    impersonation[`binding_${i}`] = { service_account_id: `projects/${PROJECT}/serviceAccounts/${account(b.account)}`, role: "roles/iam.workloadIdentityUser", member: `${kind}://iam.googleapis.com/${POOL}/${b.member}` };
  });
  const audit = {
    datastore: { project: PROJECT, service: "datastore.googleapis.com", audit_log_config: [{ log_type: "ADMIN_READ" }, { log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }] },
  };
  return JSON.stringify({
    resource: { google_project_iam_member: members, google_service_account_iam_member: impersonation, google_project_iam_audit_config: audit },
  });
}

const WINDOW = { since: "2026-11-01T00:00:00Z", until: "2026-12-01T00:00:00Z" };
const METHOD: { [permission: string]: string } = {
  "datastore.entities.get": "google.firestore.v1.Firestore.GetDocument",
  "datastore.entities.list": "google.firestore.v1.Firestore.RunQuery",
  "datastore.entities.update": "google.firestore.v1.Firestore.UpdateDocument",
  "datastore.schemas.create": "google.firestore.admin.v1.FirestoreAdmin.CreateIndex",
  "datastore.databases.export": "google.firestore.admin.v1.FirestoreAdmin.ExportDocuments",
};
const ACCOUNTS = ["app", "deployer", "reader", "stranger"];
const ROLES = ["roles/datastore.viewer", "roles/datastore.user", "roles/datastore.indexAdmin", "roles/datastore.importExportAdmin"];
const ORIGINS = ["", "subject/s1", "subject/s2", "subject/s3"];

interface Call {
  readonly account: string;
  readonly origin: string;
  readonly permission: string;
  readonly database: string;
  readonly granted: boolean;
  readonly day: number;
  readonly bare: boolean;
}

const grantArb = fc.record({ account: fc.constantFrom(...ACCOUNTS.slice(0, 3)), role: fc.constantFrom(...ROLES), database: fc.constantFrom("db-one", "db-two") });
const bindingArb = fc.record({
  account: fc.constantFrom(...ACCOUNTS.slice(0, 3)),
  member: fc.constantFrom("subject/s1", "subject/s2", "attribute.pipeline/acme/deploy", "attribute.organization_slug/acme"),
});
const callArb = fc.record({
  account: fc.constantFrom(...ACCOUNTS),
  origin: fc.constantFrom(...ORIGINS),
  permission: fc.constantFrom(...Object.keys(METHOD)),
  database: fc.constantFrom("db-one", "db-two"),
  granted: fc.boolean(),
  day: fc.integer({ min: 0, max: 29 }),
  bare: fc.boolean(),
});

function entryOf(c: Call): any {
  const time = new Date(Date.UTC(2026, 10, 1 + c.day, 12)).toISOString();
  return firestoreEntry({
    time,
    caller: account(c.account),
    origin: c.origin === "" ? undefined : subject(c.origin.slice("subject/".length)),
    method: METHOD[c.permission],
    permission: c.permission,
    granted: c.granted,
    database: db(c.database),
    withoutAuthorization: c.bare,
  });
}

describe("attribution", () => {
  test("property: every Firestore check is credited to exactly one declared chain, or reported unexpected or denied; none is lost or counted twice", () => {
    fc.assert(
      fc.property(fc.array(grantArb, { maxLength: 5 }), fc.array(bindingArb, { maxLength: 4 }), fc.array(callArb, { minLength: 1, maxLength: 30 }), (grants, bindings, calls) => {
        const simulator = AccessSimulator.fromStackJson([stackJson(grants, bindings)]);
        const report = UsageReport.fromLogs(simulator, [asJsonLines(calls.map(entryOf))], WINDOW);
        // An oracle written from the generated grants, not from the simulator.
        const holds = (c: Call) => grants.some((g) => g.account === c.account && g.database === c.database && PREDEFINED_ROLE_PERMISSIONS[g.role].includes(c.permission));
        const admits = (c: Call) =>
          c.origin === "" || bindings.some((b) => b.account === c.account && (b.member === c.origin || b.member === "attribute.pipeline/acme/deploy"));
        const credited = calls.filter((c) => c.granted && holds(c) && admits(c)).length;
        const denied = calls.filter((c) => !c.granted).length;
        const used = report.grants.reduce((n, g) => n + g.used.reduce((m, u) => m + u.calls, 0), 0);
        const unexpected = report.unexpected.reduce((n, u) => n + u.calls, 0);
        const refused = report.denied.reduce((n, d) => n + d.calls, 0);
        expect(report.summary.firestoreChecks).toBe(calls.length);
        expect(used + unexpected + refused).toBe(calls.length);
        expect(used).toBe(credited);
        expect(refused).toBe(denied);
        // Each grant counts a call at most once: the calls credited to one grant never exceed those of its account.
        for (const g of report.grants) {
          const mine = calls.filter((c) => g.members.includes(`serviceAccount:${account(c.account)}`) && g.database === db(c.database));
          expect(g.used.reduce((m, u) => m + u.calls, 0)).toBeLessThanOrEqual(mine.length);
        }
      }),
      { numRuns: 40 },
    );
  });

  test("a federated subject that reached the account through an organization-wide principal set is unexpected, naming the attribute; one pipeline's set is credited", () => {
    const grants = [{ account: "deployer", role: "roles/datastore.indexAdmin", database: "db-one" }];
    const broad = AccessSimulator.fromStackJson([stackJson(grants, [{ account: "deployer", member: "attribute.organization_slug/acme" }])]);
    const narrow = AccessSimulator.fromStackJson([stackJson(grants, [{ account: "deployer", member: "attribute.pipeline/acme/deploy" }])]);
    const logs = asJsonLines([
      exchangeEntry("2026-11-02T10:00:00Z", `${LOGGED_POOL}/providers/buildkite`, "organization:acme:pipeline:nightly:ref:refs/heads/main:commit:abc:step:x", subject("s9")),
      firestoreEntry({ time: "2026-11-02T10:01:00Z", caller: account("deployer"), origin: subject("s9"), method: METHOD["datastore.schemas.create"], permission: "datastore.schemas.create", database: db("db-one") }),
    ]);
    const r = UsageReport.fromLogs(broad, [logs], WINDOW);
    expect(r.unexpected).toHaveLength(1);
    expect(r.unexpected[0].reason).toBe(
      `${subject("s9")} (token subject organization:acme:pipeline:nightly:ref:refs/heads/main:commit:abc:step:x in the STS entries) reached ${account("deployer")} through principalSet://iam.googleapis.com/${POOL}/attribute.organization_slug/acme (google_service_account_iam_member.binding_0), which admits every identity with attribute.organization_slug = acme, not one pipeline or workflow`,
    );
    expect(r.grants[0].status).not.toBe(GrantUsageStatus.USED);
    const control = UsageReport.fromLogs(narrow, [logs], WINDOW);
    expect(control.unexpected).toEqual([]);
    expect(control.grants[0].status).toBe(GrantUsageStatus.USED);
    expect(control.grants[0].chains[0].impersonationMember).toBe(`principalSet://iam.googleapis.com/${POOL}/attribute.pipeline/acme/deploy`);
  });
  test("a call the simulator refuses to evaluate (a database id Firestore never issues) is unexpected with the refusal, never silently unattributed; control: the same call on a valid id is credited", () => {
    const grants = [{ account: "deployer", role: "roles/datastore.indexAdmin", database: "db-one" }];
    const simulator = AccessSimulator.fromStackJson([stackJson(grants, [])]);
    const call = (database: string) =>
      asJsonLines([firestoreEntry({ time: "2026-11-02T10:01:00Z", caller: account("deployer"), origin: "", method: METHOD["datastore.schemas.create"], permission: "datastore.schemas.create", database: db(database) })]);
    const refused = UsageReport.fromLogs(simulator, [call("db1")], WINDOW);
    expect(refused.unexpected).toHaveLength(1);
    expect(refused.unexpected[0].reason).toMatch(/the simulator could not evaluate the call: AccessSimulator\.explain: invalid database/);
    const control = UsageReport.fromLogs(simulator, [call("db-one")], WINDOW);
    expect(control.unexpected).toEqual([]);
    expect(control.grants[0].status).toBe(GrantUsageStatus.USED);
  });
});
