import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AuditLogDestination, FirestoreAuditLogging, FirestoreDatabase, Principal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";

/** Inputs of the wrong type, as JavaScript callers and other jsii languages pass them. */
const stack = () => {
  const s = new TerraformStack(Testing.app(), "careless");
  new GoogleProvider(s, "google", { project: "acme-dev" });
  return s;
};
const pool = (s: TerraformStack) => new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
const loose = (v: unknown) => v as never;

test.each([
  ["providerId as a number", () => pool(stack()).addBuildkiteProvider("bk", { organizationSlug: "acme", providerId: loose(12345) }), /careless\/pool\/bk: invalid providerId 12345: must be a string/],
  ["a principal without iamMember", () => new WorkloadServiceAccount(stack(), "sa", { projectId: "acme-dev", accountId: "runner-sa" }).allowImpersonation(loose({})), /careless\/sa: invalid principal \{\}: must be a principal/],
  ["a BigInt pool id", () => new WorkloadIdentityPool(stack(), "pool", { projectId: "acme-dev", poolId: loose(10n) }), /careless\/pool: invalid poolId 10n: must be a string/],
  ["audiences as one string", () => pool(stack()).addBuildkiteProvider("bk", { organizationSlug: "acme", allowedAudiences: loose("sts") }), /invalid allowedAudiences "sts": must be an array of strings/],
  ['pointInTimeRecovery "false"', () => new FirestoreDatabase(stack(), "db", { projectId: "acme-dev", locationId: "eur3", pointInTimeRecovery: loose("false") }), /invalid pointInTimeRecovery "false": must be true or false/],
  ['preventDestroy "false"', () => new WorkloadIdentityPool(stack(), "pool", { projectId: "acme-dev", poolId: "ci-pool", preventDestroy: loose("false") }), /invalid preventDestroy "false": must be true or false/],
  ["a numeric GitHub owner id", () => pool(stack()).addGitHubActionsProvider("gh", { owner: "contoso", ownerId: loose(65) }), /invalid ownerId 65: must be a string/],
  ['Entra tokenVersion "1"', () => pool(stack()).addEntraIdProvider("entra", { tenantId: "00000000-0000-4000-8000-000000000001", audience: "api://x", tokenVersion: loose("1") }), /invalid tokenVersion "1": must be a finite number/],
  [
    "a retention Terraform fills in, which the library would multiply",
    () => {
      const s = stack();
      const days = new TerraformVariable(s, "days", { type: "number" }).numberValue;
      new FirestoreAuditLogging(s, "audit", { projectId: "acme-dev", destination: AuditLogDestination.storage({ bucketName: "acme-audit-x", location: "EU", retentionDays: days }) });
    },
    /invalid options.retentionDays .*: must be a whole number written in the code/,
  ],
  ["a principal whose member is public", () => FirestoreDatabase.fromExisting(stack(), "db", { projectId: "acme-dev" }).grantRead(loose({ iamMember: "allUsers" })), /invalid principal .*never allUsers or allAuthenticatedUsers/],
  ["a principal whose member Terraform would evaluate", () => new WorkloadServiceAccount(stack(), "sa", { projectId: "acme-dev", accountId: "runner-sa" }).allowImpersonation(loose({ iamMember: 'user:${file("/etc/passwd")}' })), /invalid principal/],
  ["a custom role look-alike naming roles/owner", () => FirestoreDatabase.fromExisting(stack(), "db", { projectId: "acme-dev" }).grantCustomRole(Principal.user("a@acme.example"), loose({ projectId: "acme-dev", roleId: "x", roleName: "roles/owner" })), /invalid role .*must be a FirestoreCustomRole/],
  ["a storage class GCS does not have", () => new FirestoreAuditLogging(stack(), "audit", { projectId: "acme-dev", destination: AuditLogDestination.storage({ bucketName: "acme-audit-x", location: "EU", retentionDays: 30, storageClass: "FAST" }) }), /invalid destination\.storageClass "FAST": must be one of STANDARD/],
  ["a branch that Terraform would evaluate", () => pool(stack()).addBuildkiteProvider("bk", { organizationSlug: "acme" }).pipeline("deploy", { branch: "a${b}" }), /invalid branch "a\$\{b\}": must not contain \$\{ or %\{/],
])("%s is refused with the construct path, the property, the value and the rule", (_, build, message) => {
  expect(build).toThrow(message);
});

test("text Terraform would evaluate is escaped in descriptions, and stays the user's text after Terraform", () => {
  const s = stack();
  new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "ci-pool", description: 'x ${file("/etc/passwd")} and %{if true}y%{endif}' });
  const [pool] = Object.values(JSON.parse(Testing.synth(s)).resource.google_iam_workload_identity_pool as Record<string, { description: string }>);
  const description = pool.description;
  expect(description).toBe('x $${file("/etc/passwd")} and %%{if true}y%%{endif}');
  // What Terraform does with the escapes: the user's text, evaluated as nothing.
  expect(description.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{")).toBe('x ${file("/etc/passwd")} and %{if true}y%{endif}');
});

test("a long bad value is quoted in part", () => {
  expect(() => new WorkloadIdentityPool(stack(), "pool", { projectId: "acme-dev", poolId: "x".repeat(5000) })).toThrow(/invalid poolId "x{199}\.\.\. \(5002 characters\): must be 4-32/);
});

test("a BigQuery or log bucket description is escaped like every description", () => {
  const s = stack();
  new FirestoreAuditLogging(s, "audit", { projectId: "acme-dev", destination: AuditLogDestination.bigQuery({ datasetId: "audit", description: "see ${file(\"x\")}" }) });
  const [dataset] = Object.values(JSON.parse(Testing.synth(s)).resource.google_bigquery_dataset as Record<string, { description: string }>);
  expect(dataset.description).toBe('see $${file("x")}');
});
