import fc from "fast-check";
import { loadExamplesConfig } from "../../examples/config";
import { AccessDecision, AccessRequest, AccessSimulator, FirestoreAccessLevel } from "../../src";
import { nearMisses } from "../../src/testing";
import { buildkiteToken, entraV2AppToken, githubToken, gkeToken, providerAudience } from "../fixtures/tokens";
import { ENVIRONMENTS, synthExamples } from "./support";

/**
 * The examples' least-privilege promise, proven by evaluating tokens the way Google does
 * (the access simulator over every synthesized stack), not by comparing strings: each
 * legitimate token reaches exactly what the README promises, every near miss is refused.
 */
const stacks = [...synthExamples().values()].map((s) => s.json);
const simulator = AccessSimulator.fromStackJson(stacks);
const config = loadExamplesConfig({});
const TENANT = config.shared.entraTenantId;
const { READ, READ_WRITE, INDEX_ADMIN, IMPORT_EXPORT, EXPORT } = FirestoreAccessLevel;
const database = (env: string) => `projects/acme-firestore-${env}/databases/orders-${env}`;
const decide = (request: AccessRequest) => simulator.explain(request).decision;

describe.each(ENVIRONMENTS)("who gets into the %s database", (env) => {
  const db = database(env);
  const others = ENVIRONMENTS.filter((e) => e !== env).map(database);
  const aud = providerAudience(`buildkite-${env}`, "buildkite");
  // What the agent prints for the example's command, which asks for --claim organization_id,pipeline_id.
  const ids = { organization_id: config.shared.buildkiteOrganizationId, pipeline_id: config.shared.buildkiteDeployPipelineId };
  const deploy = buildkiteToken("acme", "firestore-deploy", "main", aud, ids);

  test("the firestore-deploy pipeline manages indexes and runs exports, and cannot import or write documents", () => {
    const allowed = simulator.explain({ token: deploy, database: db, access: INDEX_ADMIN });
    expect(allowed.decision).toBe(AccessDecision.ALLOWED);
    expect(allowed.chains[0].steps.map((s) => s.kind)).toEqual(["token", "impersonation", "grant"]);
    // EXPORT, not IMPORT_EXPORT: an import overwrites documents, and the pipeline only exports.
    expect(decide({ token: deploy, database: db, access: EXPORT })).toBe(AccessDecision.ALLOWED);
    expect(decide({ token: deploy, database: db, access: IMPORT_EXPORT })).toBe(AccessDecision.DENIED);
    expect(decide({ token: deploy, database: db, permission: "datastore.databases.import" })).toBe(AccessDecision.DENIED);
    expect(decide({ token: deploy, database: db, permission: "datastore.entities.update" })).toBe(AccessDecision.DENIED);
    expect(decide({ token: deploy, database: db, permission: "datastore.entities.get" })).toBe(AccessDecision.DENIED);
    for (const other of others) expect(decide({ token: deploy, database: other, access: INDEX_ADMIN })).toBe(AccessDecision.DENIED);
  });

  test("every near miss of the deploy token is refused (organization and pipeline by slug and id, issuer, audience; prod: branch, build source)", () => {
    const pins = ["organization_slug", "organization_id", "pipeline_slug", "pipeline_id", ...(env === "prod" ? ["build_branch", "build_source"] : [])];
    for (const miss of nearMisses(deploy, pins)) {
      expect({ change: miss.change, decision: decide({ token: miss.token, database: db, access: INDEX_ADMIN }) }).toEqual({ change: miss.change, decision: AccessDecision.DENIED });
    }
    const otherEnvAudience = providerAudience(`buildkite-${env === "dev" ? "prod" : "dev"}`, "buildkite");
    expect(decide({ token: { ...deploy, aud: otherEnvAudience }, database: db, access: INDEX_ADMIN })).toBe(AccessDecision.DENIED);
  });

  test("property: any other organization, pipeline or (prod) branch is refused", () => {
    const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
    fc.assert(
      fc.property(slug, slug, slug, (org, pipeline, branch) => {
        const legitimate = org === "acme" && pipeline === "firestore-deploy" && (env !== "prod" || branch === "main");
        fc.pre(!legitimate);
        const token = buildkiteToken(org, pipeline, env === "prod" ? branch : "main", aud, ids);
        return decide({ token, database: db, access: INDEX_ADMIN }) === AccessDecision.DENIED;
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  test("integration tests reach the database directly in dev only", () => {
    // Its principal names the slug: a token without the optional pipeline_id claim still gets in.
    const tests = buildkiteToken("acme", "integration-tests", "feature-x", aud, { organization_id: ids.organization_id });
    expect(decide({ token: tests, database: db, access: READ_WRITE })).toBe(env === "dev" ? AccessDecision.ALLOWED : AccessDecision.DENIED);
    expect(decide({ token: tests, database: db, access: INDEX_ADMIN })).toBe(AccessDecision.DENIED);
  });

  test("the orders API's deploy workflow on main manages indexes; other ids, workflows, refs and events do not", () => {
    const githubAud = `https:${providerAudience(`github-${env}`, "github-actions")}`;
    const workflow = githubToken(config.shared.ordersApiRepository, "refs/heads/main", githubAud, {
      repository_id: config.shared.ordersApiRepositoryId,
      repository_owner_id: config.shared.githubOwnerId,
    });
    expect(decide({ token: workflow, database: db, access: INDEX_ADMIN })).toBe(AccessDecision.ALLOWED);
    expect(decide({ token: workflow, database: db, permission: "datastore.entities.get" })).toBe(AccessDecision.DENIED);
    for (const miss of nearMisses(workflow, ["repository_id", "repository_owner_id", "workflow_ref", "repository_owner"])) {
      expect({ change: miss.change, decision: decide({ token: miss.token, database: db, access: INDEX_ADMIN }) }).toEqual({ change: miss.change, decision: AccessDecision.DENIED });
    }
    expect(decide({ token: { ...workflow, event_name: "pull_request_target" }, database: db, access: INDEX_ADMIN })).toBe(AccessDecision.DENIED);
    for (const other of others) expect(decide({ token: workflow, database: other, access: INDEX_ADMIN })).toBe(AccessDecision.DENIED);
  });

  test("Airflow workers on GKE read and write; other namespaces, accounts and projects do not", () => {
    const worker = gkeToken(`acme-firestore-${env}`, "europe-west1", "airflow", "airflow", "airflow-worker");
    expect(decide({ token: worker, database: db, access: READ_WRITE })).toBe(AccessDecision.ALLOWED);
    expect(decide({ member: `serviceAccount:acme-firestore-${env}.svc.id.goog[airflow/airflow-worker]`, database: db, access: READ_WRITE })).toBe(AccessDecision.ALLOWED);
    expect(decide({ token: gkeToken(`acme-firestore-${env}`, "europe-west1", "airflow", "default", "airflow-worker"), database: db, access: READ })).toBe(AccessDecision.DENIED);
    expect(decide({ token: gkeToken(`acme-firestore-${env}`, "europe-west1", "airflow", "airflow", "debug-shell"), database: db, access: READ })).toBe(AccessDecision.DENIED);
    expect(decide({ token: gkeToken("someone-else", "europe-west1", "airflow", "airflow", "airflow-worker"), database: db, access: READ })).toBe(AccessDecision.DENIED);
  });

  test("the orders API on Azure: only its managed identity from the example tenant, and the audience is known only after apply", () => {
    const oid = config.environments.find((e) => e.name === env)!.apiManagedIdentityObjectId;
    // allowed_audiences is the federation app's client id, which Entra assigns at apply: the honest answer is unknown.
    const legitimate = simulator.explain({ token: entraV2AppToken(TENANT, "client-id-assigned-at-apply", oid, ["Google.Federate"]), database: db, access: READ_WRITE });
    expect(legitimate.decision).toBe(AccessDecision.UNKNOWN);
    expect(legitimate.chains.map((c) => c.steps.map((s) => s.kind))).toEqual([["token", "impersonation", "grant"]]);
    expect(legitimate.reasons.join("\n")).toContain("allowed_audiences holds references Terraform fills in");
    const otherTenant = "00000000-0000-4000-8000-00000000ffff";
    expect(decide({ token: entraV2AppToken(otherTenant, "x", oid, ["Google.Federate"]), database: db, access: READ })).toBe(AccessDecision.DENIED);
    expect(decide({ token: entraV2AppToken(TENANT, "x", "00000000-0000-4000-8000-0000000000ee", ["Google.Federate"]), database: db, access: READ })).toBe(AccessDecision.DENIED);
    expect(decide({ token: entraV2AppToken(TENANT, "x", oid, ["Google.Federate"], { tid: otherTenant }), database: db, access: READ })).toBe(AccessDecision.DENIED);
  });

  test("the Cloud Run service account reads and writes; the Airflow web server holds no Firestore role", () => {
    expect(decide({ member: `serviceAccount:orders-api@acme-firestore-${env}.iam.gserviceaccount.com`, database: db, access: READ_WRITE })).toBe(AccessDecision.ALLOWED);
    for (const other of others) expect(decide({ member: `serviceAccount:orders-api@acme-firestore-${env}.iam.gserviceaccount.com`, database: other, access: READ })).toBe(AccessDecision.DENIED);
    expect(decide({ member: `serviceAccount:airflow-webserver@acme-firestore-${env}.iam.gserviceaccount.com`, database: db, access: READ })).toBe(AccessDecision.DENIED);
  });
});
