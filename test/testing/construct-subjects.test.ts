import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { AccessDecision, AccessSimulator, FirestoreAccessLevel, FirestoreDatabase, KubernetesPrincipal, Principal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { providerAudience, buildkiteToken } from "../fixtures/tokens";
import { BUILDKITE_ORG_ID, failure } from "./stacks";

const { READ_WRITE } = FirestoreAccessLevel;

/** An API account that reads and writes the orders database, and a reporting account with no Firestore grant (the control). */
function ordersStack(id = "orders-dev", project = "acme-dev") {
  const stack = new TerraformStack(Testing.app(), id);
  new GoogleProvider(stack, "google", { project });
  const database = new FirestoreDatabase(stack, "orders", { projectId: project, databaseId: "orders", locationId: "eur3" });
  const api = new WorkloadServiceAccount(stack, "api", { projectId: project, accountId: "orders-api" });
  const reporting = new WorkloadServiceAccount(stack, "reporting", { projectId: project, accountId: "orders-reporting" });
  database.grantReadWrite(api);
  const pool = new WorkloadIdentityPool(stack, "ci", { projectId: project, poolId: "buildkite" });
  const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme", organizationId: BUILDKITE_ORG_ID });
  const deploy = buildkite.pipeline("orders-deploy", { branch: "main" });
  api.allowImpersonation(deploy);
  return { stack, database, api, reporting, deploy, json: Testing.synth(stack) };
}

const { stack, database, api, reporting, deploy, json } = ordersStack();

describe("a member or database given as the object the test holds, or as its cdktf token, means what the stack declares", () => {
  test("the README's `.not` pattern with sa.iamMember (a token at test time) now fails when the stack grants the write; the ungranted account beside it passes", () => {
    // sa.iamMember is serviceAccount:${TfToken[…]} here: before, no binding matched it and `.not` passed whatever the stack granted.
    expect(api.iamMember).toMatch(/^serviceAccount:\$\{TfToken\[TOKEN\.[0-9]+\]\}$/);
    const message = failure(() => expect(json).not.toAllowFirestoreAccess({ member: api.iamMember, database: database.databaseName, access: READ_WRITE }));
    expect(message).toContain("to be denied, but it is allowed");
    expect(message).toContain("holds roles/datastore.user on project acme-dev if resource.name == \"projects/acme-dev/databases/orders\"");
    expect(json).toAllowFirestoreAccess({ member: api.iamMember, database: database.databaseName, access: READ_WRITE });
    // Control: the account the stack does not grant is denied, through the same token form.
    expect(json).not.toAllowFirestoreAccess({ member: reporting.iamMember, database: database.databaseName, access: READ_WRITE });
  });

  test.each([
    ["Testing.synth output", () => json],
    ["the stack", () => stack],
  ])("constructs as member and database (%s): no circular-JSON crash, the granted account allowed, the other denied", (_, received) => {
    expect(received()).toAllowFirestoreAccess({ member: api, database, access: READ_WRITE });
    expect(received()).not.toAllowFirestoreAccess({ member: reporting, database, access: READ_WRITE });
    expect(failure(() => expect(received()).not.toAllowFirestoreAccess({ member: api, database, access: READ_WRITE }))).toContain("to be denied, but it is allowed");
  });

  test("AccessSimulator.explain takes the constructs and the token strings alike", () => {
    const simulator = AccessSimulator.fromStackJson([json]);
    for (const member of [api, api.iamMember, "serviceAccount:orders-api@acme-dev.iam.gserviceaccount.com"]) {
      expect(simulator.explain({ member, database, access: READ_WRITE }).decision).toBe(AccessDecision.ALLOWED);
    }
    expect(simulator.explain({ member: reporting, database, access: READ_WRITE }).decision).toBe(AccessDecision.DENIED);
    expect(simulator.explain({ member: Principal.group("analysts@acme.example"), groups: [], database, access: READ_WRITE }).decision).toBe(AccessDecision.DENIED);
  });

  test("every principal class is accepted: a Kubernetes service account granted directly is allowed, another one denied; a principal set is refused", () => {
    const s = new TerraformStack(Testing.app(), "gke-dev");
    new GoogleProvider(s, "google", { project: "acme-dev" });
    const db = new FirestoreDatabase(s, "orders", { projectId: "acme-dev", databaseId: "orders", locationId: "eur3" });
    const cluster = { clusterProjectId: "acme-dev", clusterProjectNumber: "123456789012" };
    const worker = KubernetesPrincipal.serviceAccount({ ...cluster, namespace: "orders", serviceAccountName: "worker" });
    db.grantReadWrite(worker);
    const synthesized = Testing.synth(s);
    expect(synthesized).toAllowFirestoreAccess({ member: worker, database: db, access: READ_WRITE });
    expect(synthesized).not.toAllowFirestoreAccess({ member: KubernetesPrincipal.serviceAccount({ ...cluster, namespace: "orders", serviceAccountName: "other" }), database: db, access: READ_WRITE });
    // A principal set is many identities: as a member it would match no subject binding, so a .not test could not fail.
    expect(() => expect(json).not.toAllowFirestoreAccess({ member: deploy, database, access: READ_WRITE })).toThrow(/member principalSet:\/\/.* is a principal set \(many identities\), not one identity/);
  });

  test("a member of another stack is an error naming it, not a silent DENIED; the same account of this stack is answered", () => {
    const other = ordersStack("orders-prod", "acme-prod");
    const otherApi = new WorkloadServiceAccount(other.stack, "batch", { projectId: "acme-prod", accountId: "orders-batch" });
    expect(() => expect(json).not.toAllowFirestoreAccess({ member: otherApi.iamMember, database, access: READ_WRITE })).toThrow(
      /toAllowFirestoreAccess: member serviceAccount:\$\{google_service_account\.batch_[0-9A-F]+\.email\} holds \$\{google_service_account\.batch_[0-9A-F]+\.email\}, which these stacks cannot resolve/,
    );
    expect(() => expect(stack).not.toAllowFirestoreAccess({ member: other.api, database, access: READ_WRITE })).toThrow(/belongs to stack orders-prod, not to the stack received \(orders-dev\)/);
    expect(() => AccessSimulator.fromStackJson([json]).explain({ member: otherApi.iamMember, database, access: READ_WRITE })).toThrow(/AccessSimulator\.explain: member .* cannot resolve/);
    expect(json).toAllowFirestoreAccess({ member: api, database, access: READ_WRITE });
  });

  test("a database or member that holds a value known only after apply is an error naming it", () => {
    const s = new TerraformStack(Testing.app(), "vars");
    const project = new TerraformVariable(s, "project", { type: "string" });
    new GoogleProvider(s, "google", { project: "acme-dev" });
    const sa = new WorkloadServiceAccount(s, "api", { projectId: "acme-dev", accountId: "orders-api" });
    const varDatabase = `projects/${project.stringValue}/databases/orders`;
    expect(() => expect(s).not.toAllowFirestoreAccess({ member: sa, database: varDatabase, access: READ_WRITE })).toThrow(/database projects\/\$\{var\.project\}\/databases\/orders holds \$\{var\.project\}, which these stacks cannot resolve/);
    expect(() => expect(Testing.synth(s)).not.toAllowFirestoreAccess({ member: sa, database: varDatabase, access: READ_WRITE })).toThrow(/holds \$\{var\.project\}, which these stacks cannot resolve/);
    expect(() => AccessSimulator.fromStackJson([Testing.synth(s)]).explain({ member: sa, database: "projects/${var.project}/databases/orders", access: READ_WRITE })).toThrow(
      /database projects\/\$\{var\.project\}\/databases\/orders holds \$\{var\.project\}/,
    );
    // Control: the literal database of the same stack is answered (no grant: denied).
    expect(Testing.synth(s)).not.toAllowFirestoreAccess({ member: sa, database: "projects/acme-dev/databases/orders", access: READ_WRITE });
  });

  test("toAllowFederatedAccess: a FederatedPrincipal of this stack is resolved, one of another stack is an error", () => {
    const token = buildkiteToken("acme", "orders-deploy", "main", providerAudience("buildkite", "buildkite"), { organization_id: BUILDKITE_ORG_ID });
    expect(json).toAllowFederatedAccess({ token, principal: deploy });
    expect(json).toAllowFederatedAccess({ token, principal: deploy.iamMember });
    const elsewhere = new TerraformStack(Testing.app(), "elsewhere");
    const otherPool = new WorkloadIdentityPool(elsewhere, "other-pool", { projectId: "acme-dev", poolId: "buildkite-other" });
    const otherPrincipal = otherPool.addBuildkiteProvider("bk", { organizationSlug: "acme", organizationId: BUILDKITE_ORG_ID }).pipeline("orders-deploy", { branch: "main" });
    expect(() => expect(json).not.toAllowFederatedAccess({ token, principal: otherPrincipal })).toThrow(/toAllowFederatedAccess: principal principalSet:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\.other-pool/);
  });

  test("toGrantFirestoreAccess: a member no binding of this stack can hold is an error, the stack's own is matched", () => {
    const other = ordersStack("orders-prod", "acme-prod");
    const batch = new WorkloadServiceAccount(other.stack, "batch", { projectId: "acme-prod", accountId: "orders-batch" });
    // Built by the same code, the other stack's api has this stack's logical id: passing the stack object catches it.
    expect(() => expect(stack).not.toGrantFirestoreAccess({ member: other.api, database, access: READ_WRITE })).toThrow(/belongs to stack orders-prod, not to the stack received \(orders-dev\)/);
    expect(() => expect(json).not.toGrantFirestoreAccess({ member: batch, database, access: READ_WRITE })).toThrow(/toGrantFirestoreAccess: member .* names \$\{google_service_account\.batch_[0-9A-F]+\.email\}, which this stack does not declare/);
    expect(json).toGrantFirestoreAccess({ member: api, database, access: READ_WRITE });
    expect(json).not.toGrantFirestoreAccess({ member: reporting, database, access: READ_WRITE });
  });
});
