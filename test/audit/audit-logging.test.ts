import { TerraformStack, Testing } from "cdktf";
import { AuditLogDestination, AuditLogDestinationKind, AuditLogType, FindingStatus, FirestoreAuditLogging, FirestoreDatabase, Principal } from "../../src";
import { evaluate, failures } from "../../src/guardrails/engine";
import { StackModel } from "../../src/analysis/terraform-json";
import { expectInputError, resourcesOf, stackWith, synthJson } from "../support/synth";

const projectId = "acme-dev-1";
const WRITER = "${google_logging_project_sink.audit_Sink_7F10F487.writer_identity}";
// Native mode logs as firestore.googleapis.com, Datastore mode (a database named by fromExisting may be one) as datastore.googleapis.com.
const FIRESTORE_ONLY = 'logName:"cloudaudit.googleapis.com" AND (protoPayload.serviceName="firestore.googleapis.com" OR protoPayload.serviceName="datastore.googleapis.com")';
// Token exchanges log as sts.googleapis.com, impersonation as iamcredentials.googleapis.com.
const FILTER =
  'logName:"cloudaudit.googleapis.com" AND (protoPayload.serviceName="firestore.googleapis.com" OR protoPayload.serviceName="datastore.googleapis.com"' +
  ' OR protoPayload.serviceName="sts.googleapis.com" OR protoPayload.serviceName="iamcredentials.googleapis.com")';

const audited = (destination: AuditLogDestination, extra: Record<string, unknown> = {}) =>
  synthJson(stackWith((s) => new FirestoreAuditLogging(s, "audit", { projectId, destination, ...extra })));
const only = (json: any, type: string) => {
  const all = resourcesOf(json, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};
const iamTypes = (json: any) => Object.keys(json.resource).filter((t) => t.includes("_iam_member"));
const configOf = (json: any, service: string) => resourcesOf(json, "google_project_iam_audit_config").map(([, c]) => c).find((c) => c.service === service);

describe("audit config", () => {
  test("turns on ADMIN_READ, DATA_READ and DATA_WRITE on datastore.googleapis.com without exemptions", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }));
    expect(configOf(json, "datastore.googleapis.com")).toEqual({
      project: projectId,
      service: "datastore.googleapis.com",
      audit_log_config: [{ log_type: "ADMIN_READ" }, { log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }],
    });
  });

  test("the federation step: ADMIN_READ on sts.googleapis.com (ExchangeToken) and iam.googleapis.com (GenerateAccessToken)", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }));
    expect(resourcesOf(json, "google_project_iam_audit_config").map(([, c]) => c.service).sort()).toEqual([
      "datastore.googleapis.com",
      "iam.googleapis.com",
      "sts.googleapis.com",
    ]);
    for (const service of ["sts.googleapis.com", "iam.googleapis.com"]) {
      expect(configOf(json, service)).toEqual({ project: projectId, service, audit_log_config: [{ log_type: "ADMIN_READ" }] });
    }
  });

  test("auditFederation: false leaves the federation step alone and exports Firestore entries only", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }), { auditFederation: false });
    expect(only(json, "google_project_iam_audit_config").service).toBe("datastore.googleapis.com");
    expect(only(json, "google_logging_project_sink")).toMatchObject({ filter: FIRESTORE_ONLY, description: "Firestore audit entries of acme-dev-1" });
  });

  test("log types and exempted members are explicit choices; exemptions never reach the federation step", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }), {
      logTypes: [AuditLogType.DATA_WRITE],
      exemptedMembers: [Principal.serviceAccount("loadtest@acme-dev-1.iam.gserviceaccount.com")],
    });
    expect(configOf(json, "datastore.googleapis.com").audit_log_config).toEqual([
      { log_type: "DATA_WRITE", exempted_members: ["serviceAccount:loadtest@acme-dev-1.iam.gserviceaccount.com"] },
    ]);
    expect(configOf(json, "sts.googleapis.com").audit_log_config).toEqual([{ log_type: "ADMIN_READ" }]);
  });

  test("exclusions by method and principal leave Data Access entries out of the sink and of the _Default bucket", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }), {
      exclusions: [
        { name: "no-listen", description: "Listen streams of the web app are read-only noise", methods: ["google.firestore.v1.Firestore.Listen"] },
        {
          name: "loadtest-reads",
          description: "The load test reads fixtures, not customer data",
          methods: ["google.firestore.v1.Firestore.RunQuery", "google.firestore.v1.Firestore.BatchGetDocuments"],
          principals: [Principal.serviceAccount("loadtest@acme-dev-1.iam.gserviceaccount.com")],
        },
      ],
    });
    // Firestore entries only: the federation step (sts, iamcredentials) is never excluded.
    const services = '(protoPayload.serviceName="firestore.googleapis.com" OR protoPayload.serviceName="datastore.googleapis.com")';
    const expected = [
      {
        name: "no-listen",
        description: "Listen streams of the web app are read-only noise",
        filter: `logName:"cloudaudit.googleapis.com%2Fdata_access" AND ${services} AND (protoPayload.methodName="google.firestore.v1.Firestore.Listen")`,
      },
      {
        name: "loadtest-reads",
        description: "The load test reads fixtures, not customer data",
        filter:
          `logName:"cloudaudit.googleapis.com%2Fdata_access" AND ${services} AND ` +
          '(protoPayload.methodName="google.firestore.v1.Firestore.RunQuery" OR protoPayload.methodName="google.firestore.v1.Firestore.BatchGetDocuments") AND ' +
          '(protoPayload.authenticationInfo.principalEmail="loadtest@acme-dev-1.iam.gserviceaccount.com")',
      },
    ];
    expect(only(json, "google_logging_project_sink").exclusions).toEqual(expected);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    expect(resourcesOf(json, "google_logging_project_exclusion").map(([, c]) => c).sort(byName)).toEqual(expected.map((e) => ({ project: projectId, ...e })).sort(byName));
  });

  test("the sink selects Firestore audit entries and has its own writer identity", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }), { sinkName: "fs-audit" });
    expect(only(json, "google_logging_project_sink")).toEqual({
      project: projectId,
      name: "fs-audit",
      description: "Firestore and federation audit entries of acme-dev-1",
      destination: "pubsub.googleapis.com/projects/acme-dev-1/topics/firestore-audit",
      filter: FILTER,
      unique_writer_identity: true,
      depends_on: ["google_pubsub_topic.audit_Destination_Topic_2BCA37C1"],
    });
  });
});

describe("each destination grants the sink's writer exactly its role, on that destination only", () => {
  test("BigQuery: dataset-level roles/bigquery.dataEditor; expiration only when asked", () => {
    const json = audited(AuditLogDestination.bigQuery({ datasetId: "firestore_audit", location: "EU" }));
    expect(only(json, "google_bigquery_dataset")).toEqual({
      project: projectId,
      dataset_id: "firestore_audit",
      location: "EU",
      delete_contents_on_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, "google_bigquery_dataset_iam_member")).toEqual({
      project: projectId,
      dataset_id: "${google_bigquery_dataset.audit_Destination_Dataset_128A112D.dataset_id}",
      role: "roles/bigquery.dataEditor",
      member: WRITER,
    });
    expect(iamTypes(json)).toEqual(["google_bigquery_dataset_iam_member"]);
    const sink = only(json, "google_logging_project_sink");
    expect(sink.destination).toBe("bigquery.googleapis.com/projects/acme-dev-1/datasets/firestore_audit");
    expect(sink.bigquery_options).toEqual({ use_partitioned_tables: true });

    const expiring = audited(AuditLogDestination.bigQuery({ datasetId: "firestore_audit", defaultTableExpirationDays: 400 }));
    expect(only(expiring, "google_bigquery_dataset").default_table_expiration_ms).toBe(400 * 86400 * 1000);
  });

  test("Storage: locked-down bucket with retention, bucket-level roles/storage.objectCreator", () => {
    const json = audited(AuditLogDestination.storage({ bucketName: "acme-dev-firestore-audit", location: "EU", retentionDays: 365 }));
    expect(only(json, "google_storage_bucket")).toEqual({
      project: projectId,
      name: "acme-dev-firestore-audit",
      location: "EU",
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      force_destroy: false,
      retention_policy: { retention_period: 365 * 86400, is_locked: false },
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, "google_storage_bucket_iam_member")).toEqual({
      bucket: "${google_storage_bucket.audit_Destination_Bucket_93423982.name}",
      role: "roles/storage.objectCreator",
      member: WRITER,
    });
    expect(iamTypes(json)).toEqual(["google_storage_bucket_iam_member"]);
    expect(only(json, "google_logging_project_sink").destination).toBe("storage.googleapis.com/acme-dev-firestore-audit");

    const locked = audited(AuditLogDestination.storage({ bucketName: "acme-prod-audit", location: "EU", retentionDays: 400, lockRetention: true, preventDestroy: false }));
    expect(only(locked, "google_storage_bucket")).toMatchObject({ retention_policy: { is_locked: true }, lifecycle: { prevent_destroy: false } });
  });

  test("Storage: lifecycle moves older entries to colder classes, then deletes them after the retention", () => {
    const json = audited(
      AuditLogDestination.storage({
        bucketName: "acme-prod-audit",
        location: "EU",
        retentionDays: 400,
        transitions: [
          { ageDays: 30, storageClass: "NEARLINE" },
          { ageDays: 90, storageClass: "ARCHIVE" },
        ],
        deleteAfterDays: 730,
      }),
    );
    expect(only(json, "google_storage_bucket").lifecycle_rule).toEqual([
      { action: { type: "SetStorageClass", storage_class: "NEARLINE" }, condition: { age: 30 } },
      { action: { type: "SetStorageClass", storage_class: "ARCHIVE" }, condition: { age: 90 } },
      { action: { type: "Delete" }, condition: { age: 730 } },
    ]);
  });

  test("customer-managed keys: every destination kind takes kmsKeyName", () => {
    const key = "projects/acme-kms-1/locations/europe/keyRings/audit/cryptoKeys/firestore-audit";
    expect(only(audited(AuditLogDestination.bigQuery({ datasetId: "audit", kmsKeyName: key })), "google_bigquery_dataset").default_encryption_configuration).toEqual({ kms_key_name: key });
    expect(only(audited(AuditLogDestination.storage({ bucketName: "acme-audit", location: "EU", retentionDays: 30, kmsKeyName: key })), "google_storage_bucket").encryption).toEqual({
      default_kms_key_name: key,
    });
    expect(only(audited(AuditLogDestination.logBucket({ bucketId: "audit", location: "europe-west3", retentionDays: 30, kmsKeyName: key })), "google_logging_project_bucket_config").cmek_settings).toEqual({
      kms_key_name: key,
    });
    expect(only(audited(AuditLogDestination.pubSub({ topicName: "audit", kmsKeyName: key })), "google_pubsub_topic").kms_key_name).toBe(key);
  });

  test("Pub/Sub: topic-level roles/pubsub.publisher", () => {
    const json = audited(AuditLogDestination.pubSub({ topicName: "firestore-audit" }));
    expect(only(json, "google_pubsub_topic")).toEqual({ project: projectId, name: "firestore-audit", lifecycle: { prevent_destroy: true } });
    expect(only(json, "google_pubsub_topic_iam_member")).toEqual({
      project: projectId,
      topic: "${google_pubsub_topic.audit_Destination_Topic_2BCA37C1.name}",
      role: "roles/pubsub.publisher",
      member: WRITER,
    });
    expect(iamTypes(json)).toEqual(["google_pubsub_topic_iam_member"]);
  });

  test("log bucket in the same project: retention and lock, and no grant at all", () => {
    const json = audited(AuditLogDestination.logBucket({ bucketId: "firestore-audit", retentionDays: 400, locked: true }));
    expect(only(json, "google_logging_project_bucket_config")).toEqual({
      project: projectId,
      location: "global",
      bucket_id: "firestore-audit",
      retention_days: 400,
      locked: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(iamTypes(json)).toEqual([]);
    expect(only(json, "google_logging_project_sink").destination).toBe("logging.googleapis.com/projects/acme-dev-1/locations/global/buckets/firestore-audit");
  });

  test("log bucket in another project: roles/logging.bucketWriter there, conditioned on this bucket", () => {
    const json = audited(AuditLogDestination.logBucket({ bucketId: "firestore-audit", projectId: "acme-logs-1", location: "europe-west3", retentionDays: 30 }));
    expect(only(json, "google_logging_project_bucket_config")).toMatchObject({ project: "acme-logs-1", location: "europe-west3", locked: false });
    expect(only(json, "google_project_iam_member")).toEqual({
      project: "acme-logs-1",
      role: "roles/logging.bucketWriter",
      member: WRITER,
      condition: {
        title: "Log bucket firestore-audit only",
        description: "Lets the Firestore audit sink write to locations/europe-west3/buckets/firestore-audit only",
        expression: 'resource.name.endsWith("locations/europe-west3/buckets/firestore-audit")',
      },
    });
    expect(only(json, "google_logging_project_sink")).toMatchObject({
      project: projectId,
      destination: "logging.googleapis.com/projects/acme-logs-1/locations/europe-west3/buckets/firestore-audit",
    });
  });

  test("the construct exposes what it created", () => {
    stackWith((s) => {
      const audit = new FirestoreAuditLogging(s, "audit", { projectId, destination: AuditLogDestination.logBucket({ bucketId: "fs", retentionDays: 30 }) });
      expect(audit.destinationKind).toBe(AuditLogDestinationKind.LOG_BUCKET);
      expect(audit.destinationUri).toBe("logging.googleapis.com/projects/acme-dev-1/locations/global/buckets/fs");
      expect(audit.writerGrant).toBeUndefined();
      expect(audit.logTypes).toEqual([AuditLogType.ADMIN_READ, AuditLogType.DATA_READ, AuditLogType.DATA_WRITE]);
    });
  });
});

describe("one audit config per project and App", () => {
  test("a second declaration for the same project, even in another stack, is refused naming the first", () => {
    const app = Testing.app();
    const a = new TerraformStack(app, "platform");
    const b = new TerraformStack(app, "service");
    new FirestoreAuditLogging(a, "audit", { projectId, destination: AuditLogDestination.pubSub({ topicName: "audit-a" }) });
    expect(() => new FirestoreAuditLogging(b, "audit", { projectId, destination: AuditLogDestination.pubSub({ topicName: "audit-b" }) })).toThrow(
      /^service\/audit: invalid projectId "acme-dev-1": audit logging for datastore\.googleapis\.com, sts\.googleapis\.com, iam\.googleapis\.com is already declared for this project by platform\/audit; .*declare it once per project$/,
    );
    expect(() => new FirestoreAuditLogging(b, "other", { projectId: "acme-prod-1", destination: AuditLogDestination.pubSub({ topicName: "audit-c" }) })).not.toThrow();
  });

  test("separate Apps do not see each other", () => {
    for (let i = 0; i < 2; i++) {
      expect(() => stackWith((s) => new FirestoreAuditLogging(s, "audit", { projectId, destination: AuditLogDestination.pubSub({ topicName: "audit" }) }))).not.toThrow();
    }
  });

  test("one destination object cannot serve two sinks", () => {
    expectInputError(
      (s) => {
        const destination = AuditLogDestination.pubSub({ topicName: "audit" });
        new FirestoreAuditLogging(s, "dev", { projectId, destination });
        new FirestoreAuditLogging(s, "prod", { projectId: "acme-prod-1", destination });
      },
      "test/prod",
      "destination",
      '"PUBSUB"',
      "already used by test/dev",
    );
  });
});

test("a database with grants, audit logging and a retained sink passes the guardrails", () => {
  const stack = stackWith((s) => {
    const db = new FirestoreDatabase(s, "db", { projectId, databaseId: "orders", locationId: "eur3" });
    db.grantReadWrite(Principal.group("team@example.com"));
    new FirestoreAuditLogging(s, "audit", {
      projectId,
      destination: AuditLogDestination.storage({ bucketName: "acme-dev-firestore-audit", location: "EU", retentionDays: 365 }),
    });
  });
  const findings = evaluate([new StackModel("app-dev", synthJson(stack))], { crossStack: true });
  expect(failures(findings)).toEqual([]);
  const compliant = new Set(findings.filter((f) => f.status === FindingStatus.COMPLIANT).map((f) => f.ruleId));
  // database condition, audit logging, sink writer granted, sink bucket retention
  for (const rule of ["FSI-FS-001", "FSI-LOG-001", "FSI-LOG-002", "FSI-LOG-003"]) expect(compliant).toContain(rule);
});
