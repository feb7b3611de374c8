import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { Fn, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AccessDecision, AccessSimulator, AuditLogDestination, FirestoreAuditLogging, FirestoreDatabase, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { celSyntaxError } from "../../src/core/cel";
import { buildkiteToken, entraV2AppToken, githubToken, providerAudience } from "../fixtures/tokens";

/**
 * Values passed as tokens land inside CEL. What Terraform substitutes must stay one string
 * literal: proven by filling in hostile variable values the way Terraform does and evaluating
 * the tokens with the access simulator.
 */
const HOSTILE = 'acme" || true || "';

/** Fills `${var.X}` (also inside `${jsonencode(...)}`) with values, as `terraform plan` does. */
function fillIn(json: string, vars: Record<string, string>): string {
  const value = (name: string) => {
    if (!(name in vars)) throw new Error(`no value for var.${name}`);
    return vars[name];
  };
  const template = (text: string) => text.replace(/\$\{var\.([a-z_]+)\}/g, (_, n) => value(n));
  const filled = JSON.parse(json, (_, v) =>
    typeof v === "string"
      ? template(v.replace(/\$\{jsonencode\(var\.([a-z_]+)\)\}/g, (_, n) => JSON.stringify(value(n))).replace(/\$\{jsonencode\("((?:[^"\\]|\\.)*)"\)\}/g, (_, t) => JSON.stringify(template(t))))
      : v,
  );
  return JSON.stringify(filled);
}

function stackWith(build: (stack: TerraformStack, vars: (name: string) => string) => void): string {
  const stack = new TerraformStack(Testing.app(), "inj-dev");
  new GoogleProvider(stack, "google", { project: "acme-dev" });
  build(stack, (name) => new TerraformVariable(stack, name, { type: "string" }).stringValue);
  return Testing.synth(stack);
}

const DB = "projects/acme-dev/databases/orders";

test("a Buildkite organization and pipelines given as variables cannot widen the condition", () => {
  const json = stackWith((stack, v) => {
    const pool = new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
    const buildkite = pool.addBuildkiteProvider("bk", { organizationSlug: v("org"), pipelineSlugs: [v("pipeline")] });
    FirestoreDatabase.fromExisting(stack, "db", { projectId: "acme-dev", databaseId: "orders" }).grantRead(buildkite.pipeline("deploy"));
  });
  expect(json).toContain("${jsonencode(var.org)}");
  const filled = AccessSimulator.fromStackJson([fillIn(json, { org: HOSTILE, pipeline: `deploy" ] || true || [ "` })]);
  const aud = providerAudience("ci-pool", "buildkite");
  const evil = filled.explain({ token: buildkiteToken("evil", "deploy", "main", aud), database: DB, permission: "datastore.entities.get" });
  expect(evil.decision).toBe(AccessDecision.DENIED);
  expect(evil.reasons.join()).toContain("at attribute_condition");
  // The honest values still work once Terraform fills them in.
  const honest = AccessSimulator.fromStackJson([fillIn(json, { org: "acme", pipeline: "deploy" })]);
  expect(honest.explain({ token: buildkiteToken("acme", "deploy", "main", aud), database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
});

test("a GitHub owner and owner id, and an Entra tenant, given as variables stay one string each", () => {
  const json = stackWith((stack, v) => {
    const pool = new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
    const github = pool.addGitHubActionsProvider("gh", { owner: v("owner"), ownerId: v("owner_id") });
    const entra = pool.addEntraIdProvider("entra", { tenantId: v("tenant"), audience: "api://orders" });
    const db = FirestoreDatabase.fromExisting(stack, "db", { projectId: "acme-dev", databaseId: "orders" });
    db.grantRead(github.repository("contoso/app"));
    db.grantRead(entra.objectId("00000000-0000-4000-8000-0000000000aa"));
  });
  const filled = AccessSimulator.fromStackJson([fillIn(json, { owner: HOSTILE, owner_id: '65" || true || "', tenant: '00000000-0000-4000-8000-000000000001" || true || "' })]);
  const evilRepo = githubToken("evil/app", "refs/heads/main", providerAudience("ci-pool", "github-actions"), { repository: "contoso/app", repository_owner_id: "666" });
  expect(filled.explain({ token: evilRepo, database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  const otherTenant = "00000000-0000-4000-8000-0000000000ff";
  const evilEntra = entraV2AppToken(otherTenant, "api://orders", "00000000-0000-4000-8000-0000000000aa", [], { iss: "https://login.microsoftonline.com/x/v2.0" });
  expect(filled.explain({ token: evilEntra, database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
});

test("Buildkite organization id and build sources, and GitHub events, given as variables stay one string each", () => {
  const json = stackWith((stack, v) => {
    const pool = new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
    const buildkite = pool.addBuildkiteProvider("bk", { organizationSlug: "acme", organizationId: v("org_id"), buildSources: [v("source")] });
    const github = pool.addGitHubActionsProvider("gh", { owner: "contoso", events: [v("event")] });
    const db = FirestoreDatabase.fromExisting(stack, "db", { projectId: "acme-dev", databaseId: "orders" });
    db.grantRead(buildkite.pipeline("deploy"));
    db.grantRead(github.repository("contoso/app"));
  });
  const filled = AccessSimulator.fromStackJson([fillIn(json, { org_id: '0184990a-0000-4000-8000-000000000000" || true || "', source: 'webhook" ] || true || [ "', event: 'push" ] || true || [ "' })]);
  const read = (token: object) => filled.explain({ token, database: DB, permission: "datastore.entities.get" }).decision;
  const bk = buildkiteToken("acme", "deploy", "main", providerAudience("ci-pool", "buildkite"), { organization_id: "0184990a-0000-4000-8000-0000000000ee", build_source: "ui" });
  expect(read(bk)).toBe(AccessDecision.DENIED);
  expect(read(githubToken("contoso/app", "refs/heads/main", providerAudience("ci-pool", "github-actions"), { event_name: "pull_request_target" }))).toBe(AccessDecision.DENIED);
});

test("a database of fromExisting named by variables is still exactly one database", () => {
  const json = stackWith((stack, v) => {
    const db = FirestoreDatabase.fromExisting(stack, "db", { projectId: v("project"), databaseId: v("database") });
    db.grantRead(new WorkloadServiceAccount(stack, "sa", { projectId: "acme-dev", accountId: "reader-sa" }));
  });
  const member = "serviceAccount:reader-sa@acme-dev.iam.gserviceaccount.com";
  const filled = AccessSimulator.fromStackJson([fillIn(json, { project: "acme-dev", database: 'orders" || true || "' })]);
  expect(filled.explain({ member, groups: [], database: "projects/acme-dev/databases/other", permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  expect(filled.explain({ member, groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  const honest = AccessSimulator.fromStackJson([fillIn(json, { project: "acme-dev", database: "orders" })]);
  expect(honest.explain({ member, groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
});

test("the log bucket writer's condition quotes a bucket id given as a variable", () => {
  const json = stackWith((stack, v) => {
    new FirestoreAuditLogging(stack, "audit", {
      projectId: "acme-dev",
      destination: AuditLogDestination.logBucket({ projectId: "acme-logs", bucketId: v("bucket"), retentionDays: 30 }),
    });
  });
  expect(JSON.stringify(JSON.parse(json))).toContain("resource.name.endsWith(${jsonencode(");
  const grants = Object.values(JSON.parse(fillIn(json, { bucket: 'x") || true || ("' })).resource.google_project_iam_member) as Array<{ condition: { expression: string } }>;
  expect(grants).toHaveLength(1);
  const expression = grants[0].condition.expression;
  expect(celSyntaxError(expression)).toBeUndefined();
  expect(expression).toBe('resource.name.endsWith("locations/global/buckets/x\\") || true || (\\"")');
});

test("user CEL may hold a value Terraform fills in only quoted by jsonencode(); a typed token marker is refused", () => {
  const provider = (condition: (stack: TerraformStack, v: (name: string) => string) => string) =>
    stackWith((stack, v) => {
      new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "oidc-pool" }).addOidcProvider("o", {
        providerId: "idp-oidc",
        issuerUri: "https://idp.example.com",
        attributeMapping: { "google.subject": "assertion.sub" },
        attributeCondition: condition(stack, v),
      });
    });
  expect(() => provider((_, v) => `assertion.org == "${v("org")}"`)).toThrow(/inj-dev\/pool\/o: invalid attributeCondition .*must be quoted with Fn\.jsonencode\(value\)/);
  expect(provider((_, v) => `assertion.org == ${Fn.jsonencode(v("org"))}`)).toContain("assertion.org == ${jsonencode(var.org)}");
  // jsonencode() writes "...": inside CEL quotes of their own, a ' in the value would still end the literal.
  expect(() => provider((_, v) => `assertion.org == '${Fn.jsonencode(v("org"))}'`)).toThrow(/must be quoted with Fn\.jsonencode\(value\)/);
  expect(() => provider(() => "${TfToken[TOKEN.999999]}")).toThrow(/invalid attributeCondition "\$\{TfToken\[TOKEN\.999999\]\}": holds a cdktf token marker that no token of this app has/);
});
