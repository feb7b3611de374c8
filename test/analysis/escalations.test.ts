import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { TerraformStack, Testing } from "cdktf";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { AccessDecision, AccessSimulator, AccessStepKind, EscalationMethod, FirestoreAccessLevel, FirestoreDatabase, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { main } from "../../src/cli/main";
import { githubToken, providerAudience } from "../fixtures/tokens";
import { stackWith } from "../support/synth";

/*
 * Escalation paths (src/analysis/escalations.ts), each method checked against Google's page
 * cited there: Cloud Run https://cloud.google.com/run/docs/configuring/services/service-identity ,
 * Cloud Functions https://cloud.google.com/functions/docs/reference/iam/roles , Cloud Build
 * https://cloud.google.com/build/docs/securing-builds/configure-user-specified-service-accounts ,
 * Compute Engine https://cloud.google.com/compute/docs/access/create-enable-service-accounts-for-instances ,
 * GKE https://cloud.google.com/kubernetes-engine/docs/how-to/iam , service account policy
 * https://cloud.google.com/iam/reference/rest/v1/projects.serviceAccounts/setIamPolicy , keys
 * https://cloud.google.com/iam/docs/keys-create-delete , cross-project attachment
 * https://cloud.google.com/iam/docs/attach-service-accounts .
 */

const PROJECT = "acme-prod";
const DATABASE = `projects/${PROJECT}/databases/orders`;
const REPO = "acme/orders-api";

/** The new-user trial: a GitHub deploy workflow with roles/run.developer on the project and Service Account User on the Cloud Run runtime account. */
function trialStack(withActAs: boolean): TerraformStack {
  return stackWith((s) => {
    const db = new FirestoreDatabase(s, "db", { projectId: PROJECT, databaseId: "orders", locationId: "eur3" });
    const runtime = new WorkloadServiceAccount(s, "runtime", { projectId: PROJECT, accountId: "orders-runtime" });
    db.grantReadWrite(runtime);
    const pool = new WorkloadIdentityPool(s, "github", { projectId: PROJECT, poolId: "github-prod" });
    const actions = pool.addGitHubActionsProvider("actions", { owner: "acme" });
    const deploy = actions.workflow(REPO, ".github/workflows/deploy.yml", { ref: "refs/heads/main" });
    new ProjectIamMember(s, "deploy-run", { project: PROJECT, role: "roles/run.developer", member: deploy.iamMember });
    if (withActAs) new ServiceAccountIamMember(s, "deploy-act-as", { serviceAccountId: runtime.resource.name, role: "roles/iam.serviceAccountUser", member: deploy.iamMember });
  });
}

const token = githubToken(REPO, "refs/heads/main", `https:${providerAudience("github-prod", "github-actions")}`);
const request = { token, database: DATABASE, access: FirestoreAccessLevel.READ_WRITE };

describe("the new-user trial: a deploy workflow that may actAs the Cloud Run runtime account", () => {
  const stack = trialStack(true);
  // toTerraform() keeps the `//` metadata (stack name, construct paths) that Testing.synth strips.
  const simulator = AccessSimulator.fromStackJson([JSON.stringify(stack.toTerraform())]);

  test("explain stays DENIED directly, and the escalation shows the path with addresses", () => {
    const answer = simulator.explain(request);
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    expect(answer.escalations).toHaveLength(1);
    const [e] = answer.escalations;
    expect(e.methods).toEqual([EscalationMethod.CLOUD_RUN]);
    expect(e.summary).toBe(`deploys Cloud Run code as orders-runtime@${PROJECT}.iam.gserviceaccount.com`);
    expect(e.permissions.sort()).toEqual(["datastore.entities.create", "datastore.entities.delete", "datastore.entities.get", "datastore.entities.list", "datastore.entities.update"]);
    expect(e.steps.map((x) => x.kind)).toEqual([AccessStepKind.TOKEN, AccessStepKind.ESCALATION, AccessStepKind.ESCALATION, AccessStepKind.GRANT]);
    expect(e.steps.map((x) => x.address)).toEqual([undefined, "google_project_iam_member.deploy-run", "google_service_account_iam_member.deploy-act-as", expect.stringMatching(/^google_project_iam_member\.db_/)]);
    expect(e.steps[1]).toMatchObject({ stack: "test", constructPath: "test/deploy-run", description: expect.stringContaining("holds run.services.create on project acme-prod (roles/run.developer)") });
    expect(e.steps[2].description).toContain("holds iam.serviceAccounts.actAs on service account orders-runtime@acme-prod.iam.gserviceaccount.com (roles/iam.serviceAccountUser)");
  });

  test("the matcher counts the escalation as access, and says which; { includeEscalations: false } judges direct access", () => {
    let message = "";
    try {
      expect(stack).not.toAllowFirestoreAccess(request);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("allowed through an escalation");
    expect(message).toContain("deploys Cloud Run code as orders-runtime@acme-prod.iam.gserviceaccount.com");
    expect(message).toContain("[test: google_project_iam_member.deploy-run]");
    expect(message).toContain("[test: google_service_account_iam_member.deploy-act-as]");
    expect(stack).toAllowFirestoreAccess(request);
    expect(stack).not.toAllowFirestoreAccess(request, { includeEscalations: false });
    expect(simulator.explain(request, { includeEscalations: false })).toMatchObject({ escalations: [], decisionWithEscalations: AccessDecision.DENIED });
  });

  test("control: without the actAs binding there is no escalation", () => {
    const control = trialStack(false);
    const answer = AccessSimulator.fromStackJson([Testing.synth(control)]).explain(request);
    expect(answer).toMatchObject({ decision: AccessDecision.DENIED, escalations: [], decisionWithEscalations: AccessDecision.DENIED });
    expect(control).not.toAllowFirestoreAccess(request);
  });
});

const ME = "user:dev@acme.example";
const RUNTIME = `runtime@${PROJECT}.iam.gserviceaccount.com`;
const OTHER = `other@acme-tools.iam.gserviceaccount.com`;
const dbGrant = (email: string) => ({ project: PROJECT, role: "roles/datastore.user", member: `serviceAccount:${email}`, condition: { title: "db", expression: `resource.name == "${DATABASE}"` } });
const onProject = (role: string, member = ME, project = PROJECT) => ({ project, role, member });
const onAccount = (email: string, role: string, member = ME) => ({ service_account_id: `projects/${email.split("@")[1].split(".")[0]}/serviceAccounts/${email}`, role, member });
// roles/cloudfunctions.developer also holds run.services.create (2nd gen functions are Cloud Run services): a custom role isolates the method.
const functionsOnly = { google_project_iam_custom_role: { f: { project: PROJECT, role_id: "functionsDeployer", title: "f", permissions: ["cloudfunctions.functions.create"] } } };
const sim = (resources: object) => AccessSimulator.fromStackJson([JSON.stringify({ resource: { ...functionsOnly, ...resources } })]);
const ask = (s: AccessSimulator, member = ME, permission = "datastore.entities.update") => s.explain({ member, groups: [], database: DATABASE, permission });

describe("each documented method, with its control", () => {
  test.each([
    ["Cloud Functions", `projects/${PROJECT}/roles/functionsDeployer`, EscalationMethod.CLOUD_FUNCTIONS],
    ["Cloud Build, with a user-specified account", "roles/cloudbuild.builds.editor", EscalationMethod.CLOUD_BUILD],
    ["Compute Engine", "roles/compute.instanceAdmin.v1", EscalationMethod.COMPUTE_ENGINE],
  ])("%s: the deploy role plus actAs on the account reaches its grant; either alone does not", (_name, role, method) => {
    const both = ask(sim({ google_project_iam_member: { deploy: onProject(role), db: dbGrant(RUNTIME) }, google_service_account_iam_member: { actas: onAccount(RUNTIME, "roles/iam.serviceAccountUser") } }));
    expect(both.decision).toBe(AccessDecision.DENIED);
    expect(both.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    expect(both.escalations.map((e) => e.methods)).toContainEqual([method]);
    const deployOnly = ask(sim({ google_project_iam_member: { deploy: onProject(role), db: dbGrant(RUNTIME) } }));
    expect(deployOnly.escalations).toEqual([]);
    const actAsOnly = ask(sim({ google_project_iam_member: { db: dbGrant(RUNTIME) }, google_service_account_iam_member: { actas: onAccount(RUNTIME, "roles/iam.serviceAccountUser") } }));
    expect(actAsOnly.escalations).toEqual([]);
  });

  test("an account of another project: unknown, unless iam.disableCrossProjectServiceAccountUsage says", () => {
    const base = { google_project_iam_member: { deploy: onProject("roles/run.developer"), db: dbGrant(OTHER) }, google_service_account_iam_member: { actas: onAccount(OTHER, "roles/iam.serviceAccountUser") } };
    const unknown = ask(sim(base));
    expect(unknown.decisionWithEscalations).toBe(AccessDecision.UNKNOWN);
    expect(unknown.escalations[0].unknowns.join()).toContain("iam.disableCrossProjectServiceAccountUsage");
    const policy = (enforce: boolean) => ({ google_org_policy_policy: { x: { name: "projects/acme-tools/policies/iam.disableCrossProjectServiceAccountUsage", parent: "projects/acme-tools", spec: { rules: [{ enforce: enforce ? "TRUE" : "FALSE" }] } } } });
    expect(ask(sim({ ...base, ...policy(true) })).escalations).toEqual([]);
    expect(ask(sim({ ...base, ...policy(false) })).decisionWithEscalations).toBe(AccessDecision.ALLOWED);
  });

  test("a definite way to an account wins over an undecided one (deploying in the account's own project)", () => {
    const answer = ask(
      sim({
        google_project_iam_member: { deploy: onProject("roles/run.developer"), tools: onProject("roles/run.developer", ME, "acme-tools"), db: dbGrant(OTHER) },
        google_service_account_iam_member: { actas: onAccount(OTHER, "roles/iam.serviceAccountUser") },
      }),
    );
    expect(answer.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    expect(answer.escalations[0].steps[0]).toMatchObject({ address: "google_project_iam_member.tools" });
  });

  test("a matcher never passes on an undecided escalation: it fails both ways with the reason", () => {
    const json = JSON.stringify({ resource: { google_project_iam_member: { deploy: onProject("roles/run.developer"), db: dbGrant(OTHER) }, google_service_account_iam_member: { actas: onAccount(OTHER, "roles/iam.serviceAccountUser") } } });
    const req = { member: ME, groups: [], database: DATABASE, permission: "datastore.entities.update" };
    expect(() => expect(json).not.toAllowFirestoreAccess(req)).toThrow(/cannot decide[\s\S]*iam.disableCrossProjectServiceAccountUsage/);
    expect(() => expect(json).toAllowFirestoreAccess(req)).toThrow(/cannot decide/);
    expect(json).not.toAllowFirestoreAccess(req, { includeEscalations: false });
  });

  test("setIamPolicy on the account, or key creation, becomes it; iam.disableServiceAccountKeyCreation stops the key", () => {
    const policy = ask(sim({ google_project_iam_member: { db: dbGrant(RUNTIME) }, google_service_account_iam_member: { admin: onAccount(RUNTIME, "roles/iam.serviceAccountAdmin") } }));
    expect(policy.escalations.map((e) => e.methods)).toEqual([[EscalationMethod.SERVICE_ACCOUNT_IAM_POLICY]]);
    expect(policy.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    const keys = { google_project_iam_member: { db: dbGrant(RUNTIME) }, google_service_account_iam_member: { keys: onAccount(RUNTIME, "roles/iam.serviceAccountKeyAdmin") } };
    expect(ask(sim(keys)).escalations.map((e) => e.methods)).toEqual([[EscalationMethod.SERVICE_ACCOUNT_KEY]]);
    const blocked = { google_org_policy_policy: { k: { name: `projects/${PROJECT}/policies/iam.disableServiceAccountKeyCreation`, parent: `projects/${PROJECT}`, spec: { rules: [{ enforce: "TRUE" }] } } } };
    expect(ask(sim({ ...keys, ...blocked })).escalations).toEqual([]);
  });

  test("setIamPolicy on the database's project grants itself anything there; on another project only its accounts", () => {
    const own = ask(sim({ google_project_iam_member: { admin: onProject("roles/resourcemanager.projectIamAdmin") } }), ME, "datastore.entities.delete");
    expect(own.decision).toBe(AccessDecision.DENIED);
    expect(own.escalations).toHaveLength(1);
    expect(own.escalations[0]).toMatchObject({ decision: AccessDecision.ALLOWED, methods: [EscalationMethod.PROJECT_IAM_POLICY], permissions: ["datastore.entities.delete"] });
    expect(own.escalations[0].steps[0]).toMatchObject({ kind: AccessStepKind.ESCALATION, address: "google_project_iam_member.admin" });
    const elsewhere = sim({
      google_project_iam_member: { admin: onProject("roles/resourcemanager.projectIamAdmin", ME, "acme-tools"), db: dbGrant(OTHER) },
      google_service_account: { other: { project: "acme-tools", account_id: "other" } },
    });
    const viaAccount = ask(elsewhere);
    expect(viaAccount.escalations.map((e) => e.summary)).toEqual([`grants itself impersonation of ${OTHER} on project acme-tools`]);
    expect(ask(sim({ google_project_iam_member: { admin: onProject("roles/resourcemanager.projectIamAdmin", ME, "acme-tools") } })).escalations).toEqual([]);
  });

  test("folder-level setIamPolicy may reach the project: unknown, with the reason", () => {
    const answer = ask(sim({ google_folder_iam_member: { admin: { folder: "folders/42", role: "roles/resourcemanager.folderIamAdmin", member: ME } } }));
    expect(answer.decisionWithEscalations).toBe(AccessDecision.UNKNOWN);
    expect(answer.escalations[0].unknowns.join()).toContain("whether project acme-prod sits under folder folders/42");
  });

  test("GKE: pods.create in the project runs as any Kubernetes service account there, and through Workload Identity as its account", () => {
    const ksa = `serviceAccount:${PROJECT}.svc.id.goog[orders/api]`;
    const resources = (podRole: string) => ({
      google_project_iam_member: { pods: onProject(podRole), db: dbGrant(RUNTIME) },
      google_service_account_iam_member: { wi: onAccount(RUNTIME, "roles/iam.workloadIdentityUser", ksa) },
    });
    const answer = ask(sim(resources("roles/container.developer")));
    expect(answer.escalations.map((e) => e.methods)).toEqual([[EscalationMethod.GKE_WORKLOAD_IDENTITY]]);
    expect(answer.escalations[0].steps.map((s) => s.kind)).toEqual([AccessStepKind.ESCALATION, AccessStepKind.IMPERSONATION, AccessStepKind.GRANT]);
    expect(ask(sim(resources("roles/container.viewer"))).escalations).toEqual([]);
  });

  test("followed to any depth: a deploy as one account whose key-admin role reaches another", () => {
    const answer = ask(
      sim({
        google_project_iam_member: { deploy: onProject("roles/run.developer"), db: dbGrant(OTHER) },
        google_service_account_iam_member: { actas: onAccount(RUNTIME, "roles/iam.serviceAccountUser"), keys: onAccount(OTHER, "roles/iam.serviceAccountKeyAdmin", `serviceAccount:${RUNTIME}`) },
      }),
    );
    expect(answer.escalations.map((e) => e.methods)).toEqual([[EscalationMethod.CLOUD_RUN, EscalationMethod.SERVICE_ACCOUNT_KEY]]);
    expect(answer.escalations[0].summary).toBe(`deploys Cloud Run code as ${RUNTIME}, then creates a key for ${OTHER} and signs in with it`);
  });

  test("nothing is searched when the direct answer allows", () => {
    const answer = ask(sim({ google_project_iam_member: { admin: onProject("roles/resourcemanager.projectIamAdmin"), db: dbGrant("x@acme-prod.iam.gserviceaccount.com"), me: { ...dbGrant("x"), member: ME } } }));
    expect(answer).toMatchObject({ decision: AccessDecision.ALLOWED, escalations: [], decisionWithEscalations: AccessDecision.ALLOWED });
  });
});

describe("the explain CLI prints escalations beside the direct answer", () => {
  const dir = mkdtempSync(join(tmpdir(), "escalations-"));
  const file = join(dir, "cdk.tf.json");
  writeFileSync(file, JSON.stringify(trialStack(true).toTerraform()));
  const tokenFile = join(dir, "token.json");
  writeFileSync(tokenFile, JSON.stringify(token));
  const run = (...argv: string[]) => {
    let out = "";
    const code = main(["explain", file, "--token", tokenFile, "--database", DATABASE, "--permission", "datastore.entities.update", ...argv], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { code, out };
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("text: the direct answer first, then each escalation with its bindings; the exit code counts it", () => {
    const { code, out } = run();
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe(`DENIED: datastore.entities.update on ${DATABASE}`);
    expect(out).toContain("ALLOWED THROUGH ESCALATION:");
    expect(out).toContain("  deploys Cloud Run code as orders-runtime@acme-prod.iam.gserviceaccount.com");
    expect(out).toContain("  ! holds run.services.create on project acme-prod (roles/run.developer): deploys Cloud Run code in project acme-prod\n      test: google_project_iam_member.deploy-run");
    expect(out).toContain("      test: google_service_account_iam_member.deploy-act-as");
  });

  test("json carries escalations and decisionWithEscalations; --no-escalations judges direct access", () => {
    const json = JSON.parse(run("--format", "json").out);
    expect(json.decision).toBe("denied");
    expect(json.decisionWithEscalations).toBe("allowed");
    expect(json.escalations[0].steps.map((s: { address?: string }) => s.address)).toContain("google_service_account_iam_member.deploy-act-as");
    const direct = run("--no-escalations");
    expect(direct.code).toBe(1);
    expect(direct.out).not.toContain("ESCALATION");
  });
});
