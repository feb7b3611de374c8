import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { AccessReport, AuditLogDestination, FirestoreAuditLogging, FirestoreDatabase, Principal } from "../../src";

/** A platform stack logging acme-dev-1 with an exclusion, an app stack granting on an unlogged project. */
function synthesize(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "coverage-"));
  const app = new App({ outdir, skipValidation: true });
  const platform = new TerraformStack(app, "platform-dev");
  new FirestoreAuditLogging(platform, "audit", {
    projectId: "acme-dev-1",
    destination: AuditLogDestination.storage({ bucketName: "acme-dev-audit", location: "EU", retentionDays: 30 }),
    exemptedMembers: [Principal.serviceAccount("loadtest@acme-dev-1.iam.gserviceaccount.com")],
    exclusions: [{ name: "no-listen", description: "Listen streams of the web app are read-only noise", methods: ["google.firestore.v1.Firestore.Listen"] }],
  });
  const workload = new TerraformStack(app, "api-dev");
  new FirestoreDatabase(workload, "db", { projectId: "acme-dev-1", databaseId: "orders", locationId: "eur3" }).grantRead(Principal.group("analysts@acme.example"));
  FirestoreDatabase.fromExisting(workload, "other", { projectId: "acme-other-1", databaseId: "ledger" }).grantRead(Principal.group("analysts@acme.example"));
  app.synth();
  return outdir;
}

describe("the access report lists what each project logs and where it goes", () => {
  const report = AccessReport.fromSynthOutput(synthesize());

  test("services, log types, exemptions, the sink's destination and every exclusion, per project", () => {
    expect(report.auditCoverage).toEqual([
      {
        project: "acme-dev-1",
        services: [
          { service: "datastore.googleapis.com", logTypes: ["ADMIN_READ", "DATA_READ", "DATA_WRITE"], exemptedMembers: ["serviceAccount:loadtest@acme-dev-1.iam.gserviceaccount.com"], stack: "platform-dev" },
          { service: "iam.googleapis.com", logTypes: ["ADMIN_READ"], exemptedMembers: [], stack: "platform-dev" },
          { service: "sts.googleapis.com", logTypes: ["ADMIN_READ"], exemptedMembers: [], stack: "platform-dev" },
        ],
        exports: [
          {
            sink: "firestore-audit",
            stack: "platform-dev",
            destination: "storage.googleapis.com/acme-dev-audit",
            services: ["firestore.googleapis.com", "datastore.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com"],
            filter: expect.stringContaining('logName:"cloudaudit.googleapis.com"'),
            exclusions: [{ name: "no-listen", description: "Listen streams of the web app are read-only noise", filter: expect.stringContaining('protoPayload.methodName="google.firestore.v1.Firestore.Listen"') }],
          },
        ],
        defaultSinkExclusions: [{ name: "no-listen", description: "Listen streams of the web app are read-only noise", filter: expect.stringContaining("Listen") }],
      },
    ]);
  });

  test("Markdown: a section per project, and a project with grants but no audit config says so", () => {
    const md = report.toMarkdown();
    const section = md.slice(md.indexOf("## Audit coverage"));
    expect(section).toContain("### acme-dev-1\n\n| Service | Data Access log types | Exempted principals | Stack |");
    expect(section).toContain("| datastore.googleapis.com | ADMIN_READ, DATA_READ, DATA_WRITE | serviceAccount:loadtest@acme-dev-1.iam.gserviceaccount.com | platform-dev |");
    expect(section).toContain(
      "- sink `firestore-audit` (platform-dev) sends entries of firestore.googleapis.com, datastore.googleapis.com, sts.googleapis.com, iamcredentials.googleapis.com to `storage.googleapis.com/acme-dev-audit`\n" +
        "  - left out of this export:\n" +
        "    - `no-listen`: Listen streams of the web app are read-only noise; filter `",
    );
    expect(section).toContain("- left out of the _Default log bucket (so stored nowhere in this project; aggregated sinks above it still see them):\n  - `no-listen`:");
    expect(section).toContain("### acme-other-1\n\nNo Data Access audit config: reads and writes of its data are not logged.");
    expect(JSON.parse(report.toJson()).auditCoverage).toHaveLength(1);
  });
});
