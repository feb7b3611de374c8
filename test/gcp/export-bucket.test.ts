import { TerraformStack, Testing } from "cdktf";
import { AccessDecision, AccessSimulator, FirestoreDatabase, FirestoreExportBucket, Principal } from "../../src";
import { databaseCopies } from "../../src/analysis/export-copies";
import { StackModel } from "../../src/analysis/terraform-json";
import { exportBucketProtected } from "../../src/guardrails/rules/export-bucket-protected";
import { exportReadersReadDatabase } from "../../src/guardrails/rules/export-readers-read-database";
import { markdown } from "../../src/report/render";
import { C, NA, model, verdicts, violations } from "../guardrails/support";
import { expectInputError, resourcesOf, stackWith, synthJson } from "../support/synth";

const projectId = "acme-dev-1";
const analysts = Principal.group("analysts@acme.example");
const intern = Principal.user("intern@acme.example");
const KEY = "projects/acme-kms-1/locations/europe/keyRings/data/cryptoKeys/exports";

const only = (json: any, type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};

describe("FirestoreExportBucket", () => {
  test("a locked-down, retained bucket labelled with the database it copies", () => {
    const json = synthJson(
      stackWith((s) => {
        const db = FirestoreDatabase.fromExisting(s, "db", { projectId });
        new FirestoreExportBucket(s, "exports", {
          database: db,
          bucketName: "acme-dev-exports",
          location: "EU",
          retentionDays: 14,
          kmsKeyName: KEY,
          transitions: [{ ageDays: 30, storageClass: "COLDLINE" }],
          deleteAfterDays: 90,
        });
      }),
    );
    expect(only(json, "google_storage_bucket")).toEqual({
      project: projectId,
      name: "acme-dev-exports",
      location: "EU",
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      force_destroy: false,
      retention_policy: { retention_period: 14 * 86400, is_locked: false },
      lifecycle_rule: [
        { action: { type: "SetStorageClass", storage_class: "COLDLINE" }, condition: { age: 30 } },
        { action: { type: "Delete" }, condition: { age: 90 } },
      ],
      encryption: { default_kms_key_name: KEY },
      // (default) is not a valid label value; _default_ is, and no database id starts with "_".
      labels: { "firestore-export-project": projectId, "firestore-export-database": "_default_" },
      lifecycle: { prevent_destroy: true },
    });
    expect(json.resource.google_storage_bucket_iam_member).toBeUndefined();
  });

  test("the export job: nothing to grant in the database's project; storage.admin on this bucket for the service agent of another project", () => {
    stackWith((s) => {
      const db = FirestoreDatabase.fromExisting(s, "db", { projectId, databaseId: "orders" });
      expect(new FirestoreExportBucket(s, "same", { database: db, bucketName: "acme-dev-exports", location: "EU", retentionDays: 7 }).grantExportJob()).toBeUndefined();
    });
    const json = synthJson(
      stackWith((s) => {
        const db = FirestoreDatabase.fromExisting(s, "db", { projectId, databaseId: "orders" });
        const bucket = new FirestoreExportBucket(s, "other", { database: db, projectId: "acme-backups-1", bucketName: "acme-backups", location: "EU", retentionDays: 7 });
        expect(bucket.grantExportJob()).toBe(bucket.grantExportJob());
      }),
    );
    expect(only(json, "google_storage_bucket_iam_member")).toEqual({
      bucket: "${google_storage_bucket.other_Bucket_EBA956BB.name}",
      role: "roles/storage.admin",
      member: "serviceAccount:service-${data.google_project.other_DatabaseProject_74835F20.number}@gcp-sa-firestore.iam.gserviceaccount.com",
    });
    expect(only(json, "google_storage_bucket").labels).toEqual({ "firestore-export-project": projectId, "firestore-export-database": "orders" });
  });

  test("bad input is refused with path, property, value and rule", () => {
    const db = (s: any) => FirestoreDatabase.fromExisting(s, "db", { projectId });
    const props = { bucketName: "acme-exports", location: "EU", retentionDays: 7 };
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: db(s), bucketName: "Acme" }), "test/b", "bucketName", '"Acme"');
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: db(s), retentionDays: 0 }), "test/b", "retentionDays", "0");
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: db(s), kmsKeyName: "my-key" }), "test/b", "kmsKeyName", '"my-key"', "cryptoKeys");
    // Cloud Storage takes a key from the bucket's own location only.
    const usKey = "projects/acme-kms/locations/us/keyRings/exports/cryptoKeys/orders";
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: db(s), location: "EU", kmsKeyName: usKey }), "test/b", "kmsKeyName", usKey, "KMS location europe");
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: db(s), location: "europe-west1", kmsKeyName: usKey }), "test/b", "kmsKeyName", "KMS location europe-west1");
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: { projectId } as any }), "test/b", "database", "FirestoreDatabase");
    expectInputError((s) => new FirestoreExportBucket(s, "b", { ...props, database: db(s), deleteAfterDays: 3 }), "test/b", "deleteAfterDays", "at least retentionDays (7)");
  });
});

describe("an export bucket is a copy of the database: who reads it, reads the data", () => {
  const app = Testing.app();
  const platform = new TerraformStack(app, "platform-dev");
  const db = new FirestoreDatabase(platform, "db", { projectId, databaseId: "orders", locationId: "eur3" });
  db.grantRead(analysts);
  const bucket = new FirestoreExportBucket(platform, "exports", { database: db, bucketName: "acme-dev-exports", location: "EU", retentionDays: 7 });
  bucket.grantRead(analysts);
  bucket.grantRead(intern);
  const stacks = [new StackModel("platform-dev", synthJson(platform))];
  const database = `projects/${projectId}/databases/orders`;

  test("the simulator: the analysts read the database, the intern does not", () => {
    const simulator = AccessSimulator.fromStackJson(stacks.map((s) => JSON.stringify(s.json)));
    expect(simulator.explain({ member: analysts.iamMember, groups: [], database, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
    expect(simulator.explain({ member: intern.iamMember, groups: [], database, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  });

  test("the report lists the bucket as a copy of the database, with both readers", () => {
    const copies = databaseCopies(stacks);
    expect(copies.map((c) => ({ ...c, readers: c.readers.map((r) => [r.member, r.role, r.grantedOn]) }))).toEqual([
      {
        location: "gs://acme-dev-exports",
        bucket: "acme-dev-exports",
        database,
        stack: "platform-dev",
        address: expect.stringMatching(/^google_storage_bucket\.exports_Bucket_/),
        readers: [
          ["group:analysts@acme.example", "roles/storage.objectViewer", "bucket"],
          ["user:intern@acme.example", "roles/storage.objectViewer", "bucket"],
        ],
      },
    ]);
    expect(markdown([], [], copies)).toContain(
      "### gs://acme-dev-exports: exports of acme-dev-1/orders\n\n| Who can read it | Role | Granted on | Condition | Stack |\n| --- | --- | --- | --- | --- |\n" +
        "| group:analysts@acme.example | roles/storage.objectViewer | bucket | - | platform-dev |\n| user:intern@acme.example | roles/storage.objectViewer | bucket | - | platform-dev |",
    );
  });

  test("a project-level role that reads objects makes a reader too; one that does not is left out", () => {
    const extra = model({
      google_project_iam_member: {
        admin: { project: projectId, role: "roles/storage.admin", member: "user:ops@acme.example" },
        viewer: { project: projectId, role: "roles/viewer", member: "user:auditor@acme.example" },
      },
    });
    const readers = databaseCopies([...stacks, extra])[0].readers.map((r) => `${r.member} ${r.grantedOn}`);
    expect(readers).toContain("user:ops@acme.example project");
    expect(readers).not.toContain("user:auditor@acme.example project");
  });

  test("FSI-EXP-002 warns about the intern, who reads the copy but not the database", () => {
    expect(violations(exportReadersReadDatabase, ...stacks)).toEqual([
      expect.stringMatching(/user:intern@acme\.example can read the exports of projects\/acme-dev-1\/databases\/orders in gs:\/\/acme-dev-exports \(roles\/storage\.objectViewer\) but not the database itself$/),
    ]);
    const result = Object.entries(verdicts(exportReadersReadDatabase, ...stacks)).map(([address, status]) => `${address.replace(/_[0-9A-F]{8}$/, "")} ${status}`).sort();
    expect(result).toEqual([
      expect.stringMatching(/objectViewer-group-analysts-acme-example-\w+ compliant$/),
      expect.stringMatching(/objectViewer-user-intern-acme-example-\w+ non-compliant$/),
    ]);
  });

  test("FSI-EXP-001 accepts the construct's bucket and names every weakness of a hand-made one", () => {
    expect(Object.values(verdicts(exportBucketProtected, ...stacks))).toEqual([C]);
    const weak = model(
      {
        google_storage_bucket: {
          b: { name: "exports", labels: { "firestore-export-project": "p1", "firestore-export-database": "orders" } },
        },
        google_storage_bucket_iam_member: { pub: { bucket: "${google_storage_bucket.b.name}", role: "roles/storage.objectViewer", member: "allUsers" } },
      },
      {},
      "data-prod",
    );
    expect(violations(exportBucketProtected, weak)).toEqual([
      "google_storage_bucket.b: the export bucket of projects/p1/databases/orders: uniform_bucket_level_access is not true (object ACLs could share single exports); " +
        'public_access_prevention is not "enforced"; there is no retention_policy, so an export can be altered or deleted at once; it is public: allUsers holds roles/storage.objectViewer',
    ]);
    expect(verdicts(exportBucketProtected, model({ google_storage_bucket: { b: { name: "plain" } } }))).toEqual({ "stack:app-dev": NA });
  });
});
