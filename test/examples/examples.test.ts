import { writeFileSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { loadExamplesConfig } from "../../examples/config";
import { buildExamplesApp } from "../../examples/main";
import { FindingStatus, FirestoreAccessLevel } from "../../src";
import { StackModel } from "../../src/analysis/terraform-json";
import { evaluate } from "../../src/guardrails/engine";
import { auditCoverage } from "../../src/analysis/audit-coverage";
import { databaseCopies } from "../../src/analysis/export-copies";
import { markdown } from "../../src/report/render";
import { ENVIRONMENTS, EXAMPLES, resources, synthExamples } from "./support";

const synthesized = synthExamples();
const stacks = new Map([...synthesized].map(([name, s]) => [name, s.json]));
const parsed = new Map([...stacks].map(([name, json]) => [name, JSON.parse(json)]));
const envOf = (stack: string): string => stack.slice(stack.lastIndexOf("-") + 1);
const config = loadExamplesConfig({});
const database = (env: string): string => `projects/acme-firestore-${env}/databases/orders-${env}`;
const account = (name: string, env: string): string => `serviceAccount:${name}@acme-firestore-${env}.iam.gserviceaccount.com`;
const pool = (poolId: string, env: string): string => `principalSet://iam.googleapis.com/projects/acme-firestore-${env}/locations/global/workloadIdentityPools/${poolId}`;

describe("example stacks", () => {
  test("are the 12 stacks <example>-<env>", () => {
    expect([...stacks.keys()].sort()).toEqual(EXAMPLES.flatMap((e) => ENVIRONMENTS.map((env) => `${e}-${env}`)).sort());
  });

  test("workload stacks deploy after their environment's platform stack", () => {
    for (const [name, { stack }] of synthesized) {
      const expected = name.startsWith("platform-") ? [] : [`platform-${envOf(name)}`];
      expect({ name, dependencies: stack.dependencies.map((d) => d.node.id) }).toEqual({ name, dependencies: expected });
    }
  });

  test.each([...stacks.keys()].sort())("%s matches its snapshot", (name) => {
    expect(stacks.get(name)).toMatchSnapshot();
  });
});

describe.each(ENVIRONMENTS)("Firestore access in %s", (env) => {
  const { READ_WRITE, INDEX_ADMIN, EXPORT } = FirestoreAccessLevel;

  test("each stack grants exactly the access its workloads need, on this environment's database only", () => {
    expect(stacks.get(`platform-${env}`)).toOnlyGrantFirestoreAccess([]);
    expect(stacks.get(`airflow-${env}`)).toOnlyGrantFirestoreAccess([{ member: account("airflow-workers", env), database: database(env), access: READ_WRITE }]);
    expect(stacks.get(`fastapi-${env}`)).toOnlyGrantFirestoreAccess([
      { member: account("orders-api", env), database: database(env), access: READ_WRITE },
      { member: account("orders-api-deployer", env), database: database(env), access: INDEX_ADMIN },
    ]);
    expect(stacks.get(`buildkite-${env}`)).toOnlyGrantFirestoreAccess([
      { member: account("firestore-deployer", env), database: database(env), access: INDEX_ADMIN },
      { member: account("firestore-deployer", env), database: database(env), access: EXPORT },
      ...(env === "dev" ? [{ member: `${pool("buildkite-dev", env)}/attribute.pipeline/acme/integration-tests`, database: database(env), access: READ_WRITE }] : []),
    ]);
  });

  // Who gets in through federation and GKE is proven by evaluating tokens: see who-gets-in.test.ts.

  test.each(EXAMPLES)("%s passes the Firestore guardrails", (example) => {
    expect(synthesized.get(`${example}-${env}`)!.stack).toPassFirestoreGuardrails();
  });
});

describe("security intent", () => {
  test("no stack mentions another environment's project or database", () => {
    for (const [name, json] of stacks) {
      for (const other of ENVIRONMENTS.filter((e) => e !== envOf(name))) {
        expect({ name, other, mentions: json.includes(`acme-firestore-${other}`) || json.includes(`orders-${other}`) }).toEqual({ name, other, mentions: false });
      }
    }
  });

  test("every project-level grant is conditioned on this environment's database or a named secret prefix", () => {
    for (const [name, json] of parsed) {
      const env = envOf(name);
      for (const [address, grant] of resources(json, "google_project_iam_member")) {
        const expression: string = grant.condition?.expression ?? "";
        // Predefined Firestore roles and the stack's own custom roles (the EXPORT role) alike.
        const allowed = grant.role.startsWith("roles/datastore.") || grant.role.startsWith("${google_project_iam_custom_role.")
          ? expression === `resource.name == "projects/acme-firestore-${env}/databases/orders-${env}"`
          : grant.role === "roles/secretmanager.secretAccessor" && expression.includes('/secrets/airflow-connections-")');
        expect({ address, role: grant.role, expression, allowed }).toEqual({ address, role: grant.role, expression, allowed: true });
      }
    }
  });

  test("in prod only the admins group is Airflow Admin", () => {
    const json = parsed.get("airflow-prod");
    const app = resources(json, "azuread_application")[0][1];
    const adminRoleId = app.app_role.find((r: any) => r.value === "Airflow.Admin").id;
    const admins = resources(json, "azuread_app_role_assignment").filter(([, a]) => a.app_role_id === adminRoleId).map(([, a]) => a.principal_object_id);
    expect(admins).toEqual([config.shared.entraAdminsGroupObjectId]);
  });

  test("no keys, no secret values in outputs, the client secret lands only in Secret Manager", () => {
    for (const [name, json] of parsed) {
      expect({ name, keys: resources(json, "google_service_account_key") }).toEqual({ name, keys: [] });
      expect({ name, outputs: JSON.stringify(json.output ?? {}) }).not.toEqual({ name, outputs: expect.stringMatching(/azuread_application_password|secret_data|private_key/) });
      for (const [address, cfg] of Object.entries(json.resource ?? {}).flatMap(([type, byName]: [string, any]) => Object.entries(byName).map(([n, c]) => [`${type}.${n}`, c] as const))) {
        if (address.startsWith("google_secret_manager_secret_version.")) continue;
        expect({ address, usesPassword: JSON.stringify(cfg).includes("azuread_application_password.") && JSON.stringify(cfg).includes(".value}") }).toEqual({ address, usesPassword: false });
      }
    }
  });

  test("every federating project enforces the org policies behind the promises, with the providers' issuers allowed", () => {
    const models = [...stacks].map(([name, json]) => new StackModel(name, JSON.parse(json)));
    const org = evaluate(models, { crossStack: true }).filter((f) => f.ruleId === "FSI-ORG-001");
    expect(org.filter((f) => f.status !== FindingStatus.NOT_APPLICABLE).map((f) => `${f.stack} ${f.status}`).sort()).toEqual(
      ENVIRONMENTS.flatMap((env) => [`buildkite-${env} compliant`, `fastapi-${env} compliant`]).sort(),
    );
  });

  test("the report lists each environment's export bucket as a copy of its database, and what each project logs", () => {
    const models = [...stacks].map(([name, json]) => new StackModel(name, JSON.parse(json)));
    const copies = databaseCopies(models);
    expect(copies.map((c) => [c.location, c.database, c.readers.length])).toEqual(
      [...ENVIRONMENTS].sort().map((env) => [`gs://acme-firestore-exports-${env}`, database(env), 0]),
    );
    const coverage = auditCoverage(models);
    for (const c of coverage) {
      expect({ project: c.project, services: c.services.map((s) => `${s.service} ${s.logTypes.join(",")}`) }).toEqual({
        project: c.project,
        services: ["datastore.googleapis.com ADMIN_READ,DATA_READ,DATA_WRITE", "iam.googleapis.com ADMIN_READ", "sts.googleapis.com ADMIN_READ"],
      });
      expect(c.exports.map((e) => e.services)).toEqual([["firestore.googleapis.com", "datastore.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com"]]);
    }
    const md = markdown([], coverage, copies);
    expect(md).toContain("## Copies of the data");
    expect(md).toContain("## Audit coverage");
  });

  test("stateful resources are protected from destroy", () => {
    for (const env of ENVIRONMENTS) {
      const json = parsed.get(`platform-${env}`);
      for (const type of ["google_firestore_database", "google_storage_bucket"]) {
        for (const [address, cfg] of resources(json, type)) expect({ address, lifecycle: cfg.lifecycle }).toEqual({ address, lifecycle: { prevent_destroy: true } });
      }
      // The audit bucket and the export bucket: both locked in prod only.
      const buckets = resources(json, "google_storage_bucket");
      expect(buckets).toHaveLength(2);
      for (const [, bucket] of buckets) expect(bucket.retention_policy.is_locked).toBe(env === "prod");
    }
  });
});

describe("examples configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "examples-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (value: unknown): string => {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };

  test("a JSON file named by EXAMPLES_CONFIG overrides placeholders per environment", () => {
    const config = loadExamplesConfig({ EXAMPLES_CONFIG: write({ environments: { prod: { projectId: "real-prod-1234" } } }) });
    expect(config.environments.map((e) => e.projectId)).toEqual(["acme-firestore-dev", "acme-firestore-staging", "real-prod-1234"]);
  });

  test("a bad value fails synth with the construct path and the rule", () => {
    const config = loadExamplesConfig({ EXAMPLES_CONFIG: write({ environments: { staging: { projectId: "Bad_Project" } } }) });
    expect(() => buildExamplesApp(new App({ outdir: dir }), config)).toThrow(/platform-staging\/.*"Bad_Project"/);
  });

  test("unknown environments, misspelt keys and unreadable files are refused", () => {
    expect(() => loadExamplesConfig({ EXAMPLES_CONFIG: write({ environments: { qa: {} } }) })).toThrow(/unknown environment\(s\) qa; expected dev, staging, prod/);
    expect(() => loadExamplesConfig({ EXAMPLES_CONFIG: write({ shared: { tenantId: "x" }, environments: { prod: { projectID: "p" } } }) })).toThrow(
      /unknown key\(s\) shared\.tenantId, environments\.prod\.projectID;/,
    );
    expect(() => loadExamplesConfig({ EXAMPLES_CONFIG: join(dir, "missing.json") })).toThrow(/cannot read a JSON object/);
  });
});
