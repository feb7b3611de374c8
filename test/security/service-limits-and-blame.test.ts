import { TerraformVariable } from "cdktf";
import * as fc from "fast-check";
import { AuditLogDestination, FirestoreAccessLevel, FirestoreAuditLogging, FirestoreDatabase, FirestoreExportBucket, Principal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { expectInputError, resourcesOf, stackWith, synthJson } from "../support/synth";

/**
 * Values the services cannot take are refused at synth with the library's message (a control
 * beside each: the largest value they take is accepted), and inputs that used to crash with a
 * TypeError, a URIError or cdktf's bare message now name the construct path and property.
 */
const projectId = "acme-dev-1";
const audit = (s: any, destination: AuditLogDestination) => new FirestoreAuditLogging(s, "audit", { projectId, destination });
const storage = (props: Record<string, unknown>) => AuditLogDestination.storage({ bucketName: "acme-audit", location: "EU", retentionDays: 30, ...props });
const INT32_MAX = 2_147_483_647;

describe("values the services cannot take", () => {
  test("Cloud Storage lifecycle ages are int32 (deleteAfterDays, transitions[].ageDays)", () => {
    expectInputError((s) => audit(s, storage({ deleteAfterDays: INT32_MAX + 1 })), "test/audit", "destination.deleteAfterDays", "2147483648", "int32");
    expectInputError((s) => audit(s, storage({ transitions: [{ ageDays: INT32_MAX + 1, storageClass: "ARCHIVE" }] })), "destination.transitions[0].ageDays", "int32");
    const json = synthJson(stackWith((s) => audit(s, storage({ deleteAfterDays: INT32_MAX }))));
    expect(resourcesOf(json, "google_storage_bucket")[0][1].lifecycle_rule[0].condition.age).toBe(INT32_MAX);
  });

  test("BigQuery defaultTableExpirationDays × 86,400,000 must fit int64", () => {
    expectInputError((s) => audit(s, AuditLogDestination.bigQuery({ datasetId: "audit", defaultTableExpirationDays: 106_751_991_168 })), "destination.defaultTableExpirationDays", "106751991168", "106,751,991,167", "int64");
    const json = synthJson(stackWith((s) => audit(s, AuditLogDestination.bigQuery({ datasetId: "audit", defaultTableExpirationDays: 106_751_991_167 }))));
    const ms = resourcesOf(json, "google_bigquery_dataset")[0][1].default_table_expiration_ms;
    expect(BigInt(ms)).toBe(106_751_991_167n * 86_400_000n);
    expect(BigInt(ms) <= 2n ** 63n - 1n).toBe(true);
  });

  test("export bucket labels follow Cloud Storage's label rules, whatever database object is given", () => {
    const lookAlike = (s: any, databaseId: string, project = projectId) => {
      const real = FirestoreDatabase.fromExisting(s, "db", { projectId, databaseId: "orders" });
      return Object.assign(Object.create(Object.getPrototypeOf(real)), real, { databaseId, projectId: project, databaseName: `projects/${project}/databases/${databaseId}` });
    };
    const bucket = (s: any, database: unknown) => new FirestoreExportBucket(s, "exports", { database: database as never, bucketName: "acme-exports", location: "EU", retentionDays: 7 });
    expectInputError((s) => bucket(s, lookAlike(s, "Orders Archive")), "test/exports", "database.databaseId", '"Orders Archive"', "Cloud Storage label value");
    expectInputError((s) => bucket(s, lookAlike(s, "orders", "x".repeat(64))), "database.projectId", "at most 63");
    const json = synthJson(stackWith((s) => bucket(s, FirestoreDatabase.fromExisting(s, "db", { projectId }))));
    expect(resourcesOf(json, "google_storage_bucket")[0][1].labels).toEqual({ "firestore-export-project": projectId, "firestore-export-database": "_default_" });
  });

  test("a string token where a number is required (executableTimeoutMillis) is refused as other typed inputs are", () => {
    const provider = (s: any) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: "ci-pool" }).addBuildkiteProvider("bk", { organizationSlug: "acme" });
    const options = (_: any, timeout: unknown) => ({ executableCommand: "/usr/local/bin/token", executableTimeoutMillis: timeout as never });
    expectInputError((s) => provider(s).credentialConfiguration(options(s, new TerraformVariable(s, "t", { type: "string" }).stringValue)), "executableTimeoutMillis", "must be a finite number", "variable.numberValue");
    expectInputError((s) => provider(s).credentialConfiguration(options(s, "30000")), "executableTimeoutMillis", '"30000"', "must be a finite number");
    stackWith((s) => expect(() => provider(s).credentialConfiguration(options(s, 30000))).not.toThrow());
  });

  test("lone UTF-16 surrogates are refused in text and identifiers (Terraform's JSON reader would write U+FFFD)", () => {
    const lone = "orders\uD800";
    expectInputError((s) => new WorkloadServiceAccount(s, "sa", { projectId, accountId: "deployer", description: `reads ${lone}` }), "test/sa", "description", "lone UTF-16 surrogate");
    expectInputError((s) => new WorkloadServiceAccount(s, "sa", { projectId, accountId: `deploy\uDC00er` }), "accountId", "U+FFFD");
    expect(() => Principal.user(`ann\uD800@acme.example`)).toThrow(/Principal.user: invalid email .*lone UTF-16 surrogate/);
    expectInputError((s) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: "az-pool" }).addEntraIdProvider("entra", { tenantId: "00000000-0000-4000-8000-000000000001", audience: `api://orders${"\uD800"}` }), "test/pool/entra", "audience", "lone UTF-16 surrogate");
    // Control: a whole surrogate pair (an emoji) is one character, and JSON carries it.
    stackWith((s) => expect(() => new WorkloadServiceAccount(s, "sa", { projectId, accountId: "deployer", description: "reads orders \u{1F4E6}" })).not.toThrow());
  });
});

test("a lone surrogate anywhere in a text or identifier input is refused, one rule for all (property)", () => {
  const db = (s: any) => FirestoreDatabase.fromExisting(s, "db", { projectId });
  const pool = (s: any) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: "ci-pool" });
  const fields: Array<[string, (s: any, v: string) => unknown]> = [
    ["poolId", (s, v) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: v })],
    ["description", (s, v) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: "ci-pool", description: v })],
    ["organizationSlug", (s, v) => pool(s).addBuildkiteProvider("bk", { organizationSlug: v })],
    ["pipelineSlugs[0]", (s, v) => pool(s).addBuildkiteProvider("bk", { organizationSlug: "acme", pipelineSlugs: [v] })],
    ["owner", (s, v) => pool(s).addGitHubActionsProvider("gh", { owner: v })],
    ["databaseId", (s, v) => FirestoreDatabase.fromExisting(s, "db", { projectId, databaseId: v })],
    ["principal", (s, v) => db(s).grantRead({ iamMember: `user:${v}@acme.example`, principalName: "p" })],
    ["exclusions[0].methods[0]", (s, v) => new FirestoreAuditLogging(s, "audit", { projectId, destination: storage({}), exclusions: [{ name: "x", description: "noise we do not keep", methods: [v] }] })],
    ["options.description", (s, v) => audit(s, AuditLogDestination.bigQuery({ datasetId: "audit", description: v }))],
  ];
  const lone = fc.constantFrom("\uD800", "\uDBFF", "\uDC00", "\uDFFF");
  fc.assert(
    fc.property(fc.constantFrom(...fields), fc.stringMatching(/^[a-z][a-z0-9-]{3,10}$/), lone, fc.nat(), ([property, build], base, half, at) => {
      const i = at % (base.length + 1);
      expectInputError((s) => build(s, base.slice(0, i) + half + base.slice(i)), property.split("[")[0], "lone UTF-16 surrogate");
    }),
    { numRuns: 120, seed: 23 },
  );
});

describe("crashes and wrong blame", () => {
  test("a principal object without principalName: allowImpersonation, exportBucket.grantRead", () => {
    const sa = (s: any) => new WorkloadServiceAccount(s, "sa", { projectId, accountId: "deployer" });
    expectInputError((s) => sa(s).allowImpersonation({ iamMember: "user:ann@acme.example" } as never), "test/sa", "principal", "string principalName");
    const exports = (s: any) => new FirestoreExportBucket(s, "exports", { database: FirestoreDatabase.fromExisting(s, "db", { projectId }), bucketName: "acme-exports", location: "EU", retentionDays: 7 });
    expectInputError((s) => exports(s).grantRead({ iamMember: "user:ann@acme.example" } as never), "test/exports", "principal", "string principalName");
    stackWith((s) => expect(() => sa(s).allowImpersonation(Principal.user("ann@acme.example"))).not.toThrow());
  });

  test("grantAccess with a prototype-less object or a Symbol names the access level", () => {
    for (const level of [Object.create(null), Symbol("READ")]) {
      expectInputError((s) => FirestoreDatabase.fromExisting(s, "db", { projectId }).grantAccess(Principal.user("ann@acme.example"), level), "test/db", "access level", "must be one of");
    }
    stackWith((s) => expect(() => FirestoreDatabase.fromExisting(s, "db", { projectId }).grantAccess(Principal.user("ann@acme.example"), FirestoreAccessLevel.READ)).not.toThrow());
  });

  test("a token where the library derives a construct id: grant roles", () => {
    expectInputError((s) => FirestoreDatabase.fromExisting(s, "db", { projectId }).grant(Principal.user("ann@acme.example"), new TerraformVariable(s, "role", { type: "string" }).stringValue), "test/db", "role", "written in the code");
  });

  test("a list too long for the 4,096-character attribute condition names the list given", () => {
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${"x".repeat(40)}-${i}`);
    const pool = (s: any) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: "ci-pool" });
    expectInputError((s) => pool(s).addBuildkiteProvider("bk", { organizationSlug: "acme", pipelineSlugs: many(120, "p") }), "test/pool/bk", "pipelineSlugs", "4,096");
    expectInputError((s) => pool(s).addGitHubActionsProvider("gh", { owner: "contoso", events: Array.from({ length: 250 }, () => "workflow_dispatch") }), "test/pool/gh", "events", "4,096");
    stackWith((s) => expect(() => pool(s).addBuildkiteProvider("bk", { organizationSlug: "acme", pipelineSlugs: many(10, "p") })).not.toThrow());
  });
});
