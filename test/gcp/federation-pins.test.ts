import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformOutput, Testing } from "cdktf";
import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";
import { AccessDecision, AccessSimulator, FirestoreAccessLevel, FirestoreDatabase, KubernetesPrincipal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { buildkiteToken, entraV2AppToken, githubToken, gkeToken, providerAudience } from "../fixtures/tokens";
import { expectInputError, stackWith } from "../support/synth";

/**
 * What each issuer's pins admit, proven by evaluating tokens shaped as the issuers document
 * them with the access simulator: ids beat names, one workflow or environment is not the
 * whole repository, optional claims a token lacks lock nobody else out.
 */
const projectId = "acme-firestore-prod";
const database = `projects/${projectId}/databases/orders-prod`;
const { READ_WRITE, INDEX_ADMIN } = FirestoreAccessLevel;

function simulatorOf(build: Parameters<typeof stackWith>[0]): { simulator: AccessSimulator; json: any } {
  const text = Testing.synth(stackWith(build));
  return { simulator: AccessSimulator.fromStackJson([text]), json: JSON.parse(text) };
}

describe("GitHub Actions: ids, workflows, environments, events", () => {
  const aud = providerAudience("github", "github-actions");
  const main = "refs/heads/main";
  const { simulator, json } = simulatorOf((s) => {
    const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" });
    const github = pool.addGitHubActionsProvider("github", { owner: "acme", ownerId: "65" });
    const orders = FirestoreDatabase.fromExisting(s, "orders", { projectId, databaseId: "orders-prod" });
    const deployer = new WorkloadServiceAccount(s, "deployer", { projectId, accountId: "firestore-deployer" });
    deployer.allowImpersonation(github.workflow("acme/api", ".github/workflows/deploy.yml", { ref: main, repositoryId: "74" }));
    orders.grantIndexAdmin(deployer);
    orders.grantReadWrite(github.environment("acme/api", "prod", { repositoryId: "74" }));
    new TerraformOutput(s, "auth", { value: github.authActionInputs({ serviceAccount: deployer }) });
  });
  const decide = (token: object, access = INDEX_ADMIN) => simulator.explain({ token, database, access }).decision;
  const deploy = githubToken("acme/api", main, aud);

  test("the deploy workflow on main gets in; the same names with other ids do not", () => {
    expect(decide(deploy)).toBe(AccessDecision.ALLOWED);
    // A repository deleted and re-created under the same name has a new id.
    expect(decide({ ...deploy, repository_id: "999" })).toBe(AccessDecision.DENIED);
    // An owner name re-registered by someone else has a new owner id.
    expect(decide({ ...deploy, repository_owner_id: "666" })).toBe(AccessDecision.DENIED);
  });

  test("another workflow, ref or event of the same repository is refused", () => {
    const release = githubToken("acme/api", main, aud, { workflow_ref: `acme/api/.github/workflows/release.yml@${main}`, job_workflow_ref: `acme/api/.github/workflows/release.yml@${main}` });
    expect(decide(release)).toBe(AccessDecision.DENIED);
    const branch = githubToken("acme/api", "refs/heads/feature", aud);
    expect(decide(branch)).toBe(AccessDecision.DENIED);
    // These run the default branch's workflow with the repository's rights for anyone on a public repository.
    for (const event of ["pull_request_target", "issue_comment", "workflow_run", "pull_request_review_comment"]) {
      const explained = simulator.explain({ token: { ...deploy, event_name: event }, database, access: INDEX_ADMIN });
      expect({ event, decision: explained.decision }).toEqual({ event, decision: AccessDecision.DENIED });
      expect(explained.reasons.join("\n")).toMatch(/event_name in \["push", "pull_request"/);
    }
  });

  test("every principal form admits its own token and not its neighbour's", () => {
    const { simulator: forms, json: formsJson } = simulatorOf((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" });
      const gh = pool.addGitHubActionsProvider("github", { owner: "acme", ownerId: "65" });
      const db = (id: string) => FirestoreDatabase.fromExisting(s, id, { projectId, databaseId: id });
      db("by-name").grantRead(gh.repository("acme/api"));
      db("by-id").grantRead(gh.repository("acme/api", { repositoryId: "74" }));
      db("by-id-ref").grantRead(gh.repository("acme/api", { repositoryId: "74", ref: "refs/tags/v1" }));
      db("workflow-any-ref").grantRead(gh.workflow("acme/api", ".github/workflows/deploy.yml"));
      db("workflow-id-any-ref").grantRead(gh.workflow("acme/api", ".github/workflows/deploy.yml", { repositoryId: "74" }));
      db("env-by-name").grantRead(gh.environment("acme/api", "prod"));
      db("reusable").grantRead(gh.reusableWorkflow("acme/deploy-tools", ".github/workflows/deploy.yml", "refs/tags/v2"));
    });
    const reads = (token: object, id: string) => forms.explain({ token, database: `projects/${projectId}/databases/${id}`, access: FirestoreAccessLevel.READ }).decision;
    const feature = githubToken("acme/api", "refs/heads/feature", aud);
    expect(reads(feature, "by-name")).toBe(AccessDecision.ALLOWED);
    expect(reads(githubToken("acme/web", main, aud), "by-name")).toBe(AccessDecision.DENIED);
    expect(reads(feature, "by-id")).toBe(AccessDecision.ALLOWED);
    expect(reads({ ...feature, repository_id: "75" }, "by-id")).toBe(AccessDecision.DENIED);
    expect(reads(githubToken("acme/api", "refs/tags/v1", aud), "by-id-ref")).toBe(AccessDecision.ALLOWED);
    expect(reads(feature, "by-id-ref")).toBe(AccessDecision.DENIED);
    // As documented: without a ref, the file as edited on any branch is admitted.
    expect(reads(feature, "workflow-any-ref")).toBe(AccessDecision.ALLOWED);
    expect(reads({ ...feature, repository_id: "75" }, "workflow-id-any-ref")).toBe(AccessDecision.DENIED);
    expect(reads(githubToken("acme/api", main, aud, { workflow_ref: `acme/api/.github/workflows/ci.yml@${main}` }), "workflow-any-ref")).toBe(AccessDecision.DENIED);
    expect(reads(githubToken("acme/api", main, aud, { environment: "prod" }), "env-by-name")).toBe(AccessDecision.ALLOWED);
    expect(reads(githubToken("acme/web", main, aud, { environment: "prod" }), "env-by-name")).toBe(AccessDecision.DENIED);
    const callsTools = githubToken("acme/web", main, aud, { job_workflow_ref: "acme/deploy-tools/.github/workflows/deploy.yml@refs/tags/v2" });
    expect(reads(callsTools, "reusable")).toBe(AccessDecision.ALLOWED);
    expect(reads({ ...callsTools, job_workflow_ref: "acme/deploy-tools/.github/workflows/deploy.yml@refs/heads/main" }, "reusable")).toBe(AccessDecision.DENIED);
    // A token without job_workflow_ref is still admitted by the provider (and reaches what its repository was granted).
    const { job_workflow_ref: _absent, ...withoutJobWorkflow } = feature;
    expect(reads(withoutJobWorkflow, "by-name")).toBe(AccessDecision.ALLOWED);
    // Every attribute a principal names is one the provider maps.
    const mapped = Object.keys((Object.values(formsJson.resource.google_iam_workload_identity_pool_provider)[0] as any).attribute_mapping);
    const named = Object.values(formsJson.resource.google_project_iam_member).map((g: any) => `attribute.${/\/attribute\.([a-z_]+)\//.exec(g.member)![1]}`);
    expect(named.filter((a) => !mapped.includes(a))).toEqual([]);
  });

  test("the prod environment's jobs read and write; a token without an environment still deploys but cannot", () => {
    const prodJob = githubToken("acme/api", main, aud, { environment: "prod", sub: "repo:acme/api:environment:prod" });
    expect(decide(prodJob, READ_WRITE)).toBe(AccessDecision.ALLOWED);
    expect(decide({ ...prodJob, environment: "staging" }, READ_WRITE)).toBe(AccessDecision.DENIED);
    expect(deploy.environment).toBeUndefined();
    expect(decide(deploy, READ_WRITE)).toBe(AccessDecision.DENIED);
    expect(decide(deploy)).toBe(AccessDecision.ALLOWED);
  });

  test("authActionInputs names the provider and account; the action's default audience is admitted", () => {
    const inputs = JSON.parse(json.output.auth.value);
    expect(inputs).toEqual({
      workload_identity_provider: expect.stringMatching(/^\$\{google_iam_workload_identity_pool_provider\.pool_github_.*\.name\}$/),
      service_account: expect.stringMatching(/^\$\{google_service_account\.deployer_.*\.email\}$/),
    });
    // google-github-actions/auth asks for https://iam.googleapis.com/<workload_identity_provider>.
    expect(decide({ ...deploy, aud: `https:${aud}` })).toBe(AccessDecision.ALLOWED);
  });

  test("GitHub runners write no token file: credentialConfiguration says what to use instead", () => {
    expect(() => {
      stackWith((s) => new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" }).addGitHubActionsProvider("gh", { owner: "acme" }).credentialConfiguration());
    }).toThrow(/test\/pool\/gh: credentialConfiguration needs a token source; .*authActionInputs\(\).*google-github-actions\/auth/);
  });

  test("events narrows the provider; an enterprise gets its own issuer", () => {
    const { simulator: onlyPush } = simulatorOf((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" });
      const github = pool.addGitHubActionsProvider("github", { owner: "acme", enterprise: "acme-inc", events: ["push"] });
      FirestoreDatabase.fromExisting(s, "orders", { projectId, databaseId: "orders-prod" }).grantIndexAdmin(github.repository("acme/api", { ref: main, repositoryId: "74" }));
    });
    const enterprise = { ...deploy, iss: "https://token.actions.githubusercontent.com/acme-inc" };
    const judge = (token: object) => onlyPush.explain({ token, database, access: INDEX_ADMIN }).decision;
    expect(judge(enterprise)).toBe(AccessDecision.ALLOWED);
    expect(judge({ ...enterprise, event_name: "workflow_dispatch" })).toBe(AccessDecision.DENIED);
    expect(judge(deploy)).toBe(AccessDecision.DENIED);
  });

  test("bad pins are refused with the rule", () => {
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" }).addGitHubActionsProvider("gh", { owner: "acme" }).workflow("acme/api", "deploy.yml");
    }, "test/pool/gh", "workflowPath", '"deploy.yml"', ".github/workflows/");
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" }).addGitHubActionsProvider("gh", { owner: "acme" }).repository("acme/api", { repositoryId: "api" });
    }, "repositoryId", '"api"', "numeric GitHub id");
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" }).addGitHubActionsProvider("gh", { owner: "acme", events: [] });
    }, "events", "at least one event");
    // A misspelt option would drop the pin it names.
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" }).addGitHubActionsProvider("gh", { owner: "acme" }).repository("acme/api", { repositoryID: "74" } as never);
    }, "options.repositoryID", "is not an option here; did you mean repositoryId?");
    // Tokens carry the owner as GitHub spells it, and conditions compare exactly.
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" }).addGitHubActionsProvider("gh", { owner: "Acme" }).repository("acme/api");
    }, "repository", "spelt the same way");
  });
});

describe("Buildkite: organization and pipeline ids, build sources, requested claims", () => {
  const ORG_ID = "0184990a-477b-4fa8-9968-496074483c77";
  const PIPELINE_ID = "0184990a-4782-42b5-afc1-16715b10b110";
  const aud = providerAudience("buildkite-prod", "buildkite");
  const { simulator, json } = simulatorOf((s) => {
    const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "buildkite-prod" });
    const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme", organizationId: ORG_ID, buildSources: ["webhook"] });
    const orders = FirestoreDatabase.fromExisting(s, "orders", { projectId, databaseId: "orders-prod" });
    orders.grantIndexAdmin(buildkite.pipeline("firestore-deploy", { branch: "main", pipelineId: PIPELINE_ID }));
    orders.grantReadWrite(buildkite.pipeline("smoke-tests"));
    new TerraformOutput(s, "credential_configuration", { value: buildkite.credentialConfiguration() });
  });
  const withIds = { organization_id: ORG_ID, pipeline_id: PIPELINE_ID };
  const deploy = buildkiteToken("acme", "firestore-deploy", "main", aud, withIds);
  const decide = (token: object, access = INDEX_ADMIN) => simulator.explain({ token, database, access }).decision;

  test("the pipeline's token gets in; the same slugs with other ids do not", () => {
    expect(decide(deploy)).toBe(AccessDecision.ALLOWED);
    expect(decide({ ...deploy, organization_id: "0184990a-0000-4000-8000-000000000000" })).toBe(AccessDecision.DENIED);
    expect(decide({ ...deploy, pipeline_id: "0184990a-0000-4000-8000-000000000001" })).toBe(AccessDecision.DENIED);
  });

  test("only builds the source host's webhook created are admitted; a fork's pull request from its own main is one of them", () => {
    for (const source of ["ui", "api", "trigger_job", "schedule"]) expect(decide({ ...deploy, build_source: source })).toBe(AccessDecision.DENIED);
    // As documented: unless fork builds are off or their branches prefixed ("some-user:main"), this gets in.
    expect(decide({ ...deploy, build_commit: "forked0000000000000000000000000000000000" })).toBe(AccessDecision.ALLOWED);
    expect(decide({ ...deploy, build_branch: "some-user:main" })).toBe(AccessDecision.DENIED);
  });

  test("UUIDs must be written as Buildkite writes them; a timeout applies to the agent command", () => {
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "buildkite-prod" }).addBuildkiteProvider("bk", { organizationSlug: "acme", organizationId: ORG_ID.toUpperCase() });
    }, "organizationId", "lower case");
    stackWith((s) => {
      const bk = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "buildkite-prod" }).addBuildkiteProvider("bk", { organizationSlug: "acme" });
      expect(JSON.parse(bk.credentialConfiguration({ executableTimeoutMillis: 60000 })).credential_source.executable.timeout_millis).toBe(60000);
      expect(() => bk.credentialConfiguration({ credentialSourceFile: "/run/token", executableTimeoutMillis: 60000 })).toThrow(/executableTimeoutMillis applies only to a token source that runs a command, not to file/);
    });
  });

  test("a token without the optional pipeline_id still reaches what its slug was granted", () => {
    const smoke = buildkiteToken("acme", "smoke-tests", "feature-x", aud, { organization_id: ORG_ID });
    expect(decide(smoke, READ_WRITE)).toBe(AccessDecision.ALLOWED);
    expect(decide(smoke)).toBe(AccessDecision.DENIED);
  });

  test("the agent command asks for exactly the claims the pins read, and its token gets in", () => {
    const command: string = JSON.parse(json.output.credential_configuration.value).credential_source.executable.command;
    expect(command).toMatch(/^\/usr\/bin\/buildkite-agent oidc request-token --audience \S+ --claim organization_id,pipeline_id --format gcp$/);
    // The token the agent prints for this command: default claims plus the requested ones.
    const requested = command.split(" ")[command.split(" ").indexOf("--claim") + 1].split(",");
    const issued = buildkiteToken("acme", "firestore-deploy", "main", aud, Object.fromEntries(requested.map((c) => [c, withIds[c as keyof typeof withIds]])));
    expect(decide(issued)).toBe(AccessDecision.ALLOWED);
    // Without --claim, the token lacks organization_id and the condition refuses it.
    expect(decide(buildkiteToken("acme", "firestore-deploy", "main", aud))).toBe(AccessDecision.DENIED);
  });
});

describe("GKE: Kubernetes service accounts as principals", () => {
  const token = (namespace: string, account: string) => gkeToken(projectId, "europe-west1", "airflow", namespace, account);
  const { simulator, json } = simulatorOf((s) => {
    const project = new DataGoogleProject(s, "project", { projectId });
    const orders = FirestoreDatabase.fromExisting(s, "orders", { projectId, databaseId: "orders-prod" });
    const gke = { clusterProjectId: projectId, clusterProjectNumber: project.number };
    orders.grantReadWrite(KubernetesPrincipal.serviceAccount({ ...gke, namespace: "airflow", serviceAccountName: "worker" }));
    orders.grantRead(KubernetesPrincipal.namespace({ ...gke, namespace: "reports" }));
  });
  const decide = (token: object, access = READ_WRITE) => simulator.explain({ token, database, access }).decision;

  test("the granted service account reads and writes; another account or namespace does not", () => {
    expect(JSON.stringify(json)).toContain("/workloadIdentityPools/acme-firestore-prod.svc.id.goog/subject/ns/airflow/sa/worker");
    expect(decide(token("airflow", "worker"))).toBe(AccessDecision.ALLOWED);
    expect(decide(token("airflow", "scheduler"))).toBe(AccessDecision.DENIED);
    expect(decide(token("default", "worker"))).toBe(AccessDecision.DENIED);
  });

  test("a namespace principal set admits every account of that namespace, read only", () => {
    expect(decide(token("reports", "nightly"), FirestoreAccessLevel.READ)).toBe(AccessDecision.ALLOWED);
    expect(decide(token("reports", "nightly"))).toBe(AccessDecision.DENIED);
  });

  test("a project number written by hand cannot be matched to the project before apply", () => {
    const { simulator: literal } = simulatorOf((s) => {
      FirestoreDatabase.fromExisting(s, "orders", { projectId, databaseId: "orders-prod" }).grantReadWrite(
        KubernetesPrincipal.serviceAccount({ clusterProjectId: projectId, clusterProjectNumber: "123456789012", namespace: "airflow", serviceAccountName: "worker" }),
      );
    });
    const explained = literal.explain({ token: token("airflow", "worker"), database, access: READ_WRITE });
    expect(explained.decision).toBe(AccessDecision.UNKNOWN);
    expect(explained.reasons.join("\n")).toMatch(/project 123456789012 on one side and acme-firestore-prod/);
  });

  test("a project id where the number belongs is refused", () => {
    expectInputError(() => KubernetesPrincipal.serviceAccount({ clusterProjectId: projectId, clusterProjectNumber: projectId, namespace: "airflow", serviceAccountName: "worker" }), "clusterProjectNumber", "project's numeric id");
  });
});

describe("Azure App Service: the token script, run against a stand-in identity endpoint", () => {
  const TENANT = "11111111-2222-3333-4444-555555555555";
  const AUDIENCE = "6e74172b-be56-4843-9ff4-e66a39bb12e3";
  const MANAGED_IDENTITY = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  let script = "";
  let configuration: any;
  const { simulator } = simulatorOf((s) => {
    const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "azure" });
    const entra = pool.addEntraIdProvider("entra", { tenantId: TENANT, audience: AUDIENCE });
    FirestoreDatabase.fromExisting(s, "orders", { projectId, databaseId: "orders-prod" }).grantReadWrite(entra.objectId(MANAGED_IDENTITY));
    script = entra.appServiceTokenScript();
    configuration = JSON.parse(entra.appServiceCredentialConfiguration("/home/site/wwwroot/google-token.sh"));
  });

  test("the configuration runs the script with /bin/sh", () => {
    expect(configuration.credential_source).toEqual({ executable: { command: "/bin/sh /home/site/wwwroot/google-token.sh", timeout_millis: 30000 } });
  });

  // App Service's endpoint answers {access_token, expires_on (epoch seconds, a string), ...}.
  async function runScript(status: number): Promise<{ exit: number; out: any; request: { url?: string; header?: string | string[] } }> {
    const claims = entraV2AppToken(TENANT, AUDIENCE, MANAGED_IDENTITY, []);
    const jwt = [{ alg: "none" }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString("base64url")).join(".") + ".";
    const request: { url?: string; header?: string | string[] } = {};
    const server = createServer((req, res) => {
      request.url = req.url;
      request.header = req.headers["x-identity-header"];
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 200 ? JSON.stringify({ access_token: jwt, expires_on: "1586984735", resource: AUDIENCE, token_type: "Bearer" }) : "{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const dir = mkdtempSync(join(tmpdir(), "fsi-azure-"));
    try {
      writeFileSync(join(dir, "token.sh"), script);
      const port = (server.address() as { port: number }).port;
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: "rotated-secret" };
      const run = await new Promise<{ exit: number; stdout: string }>((resolve) => {
        execFile("/bin/sh", [join(dir, "token.sh")], { env }, (error, stdout) => resolve({ exit: error ? Number(error.code) : 0, stdout }));
      });
      return { exit: run.exit, out: JSON.parse(run.stdout), request };
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const haveCurl = (() => {
    try {
      execFileSync("curl", ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  if (!haveCurl) console.warn("SKIPPED: the Azure token script tests need curl, which this machine lacks");
  const withCurl = haveCurl ? test : test.skip;

  withCurl("prints Google's executable response, and the token in it gets in", async () => {
    const { exit, out, request } = await runScript(200);
    expect(exit).toBe(0);
    expect(request).toEqual({ url: `/msi/token?api-version=2019-08-01&resource=${AUDIENCE}`, header: "rotated-secret" });
    expect(out).toEqual({ version: 1, success: true, token_type: "urn:ietf:params:oauth:token-type:jwt", id_token: expect.any(String), expiration_time: 1586984735 });
    const claims = JSON.parse(Buffer.from(out.id_token.split(".")[1], "base64url").toString());
    expect(simulator.explain({ token: claims, database, access: READ_WRITE }).decision).toBe(AccessDecision.ALLOWED);
    expect(simulator.explain({ token: { ...claims, oid: "ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee" }, database, access: READ_WRITE }).decision).toBe(AccessDecision.DENIED);
  });

  withCurl("a refused request prints Google's error response and fails", async () => {
    const { exit, out } = await runScript(403);
    expect(exit).not.toBe(0);
    expect(out).toEqual({ version: 1, success: false, code: "401", message: expect.stringMatching(/refused/) });
  });
});
