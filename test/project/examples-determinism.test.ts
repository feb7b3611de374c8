import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { loadExamplesConfig } from "../../examples/config";
import { buildExamplesApp } from "../../examples/main";
import { AccessReport, FindingStatus, FirestoreGuardrails } from "../../src";
import { main } from "../../src/cli/main";

function synthToDir(): { dir: string; files: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "examples-"));
  buildExamplesApp(new App({ outdir: dir, skipValidation: false })).synth();
  const files = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, readFileSync(join(dir, rel), "utf8"));
    }
  };
  walk("");
  return { dir, files };
}

// Two synths of the examples, shared by every test of this file: each costs seconds.
const PIPELINE_ID = loadExamplesConfig({}).shared.buildkiteDeployPipelineId;
const first = synthToDir();
const second = synthToDir();
afterAll(() => [first.dir, second.dir].forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("examples app output", () => {
  test("two synths are byte-identical", () => {
    expect([...second.files.keys()].sort()).toEqual([...first.files.keys()].sort());
    for (const [name, content] of first.files) expect(second.files.get(name)).toBe(content);
  });

  test("contains no absolute path, key or secret material", () => {
    for (const [name, content] of first.files) {
      expect({ name, hasTmpDir: content.includes(first.dir) || content.includes(process.cwd()) }).toEqual({ name, hasTmpDir: false });
      expect(content).not.toMatch(/"\/(home|root|tmp|Users|work)\//);
      // The guardrail report names the rule against keys; only Terraform input must be free of them.
      if (name.endsWith("cdk.tf.json")) expect(content).not.toMatch(/google_service_account_key|PRIVATE KEY|private_key/);
    }
  });

  test("passes every guardrail, cross-stack rules included, with no suppression", () => {
    const findings = FirestoreGuardrails.checkSynthOutput(first.dir);
    expect(findings.filter((f) => f.status === FindingStatus.NON_COMPLIANT || f.status === FindingStatus.SUPPRESSED)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === "FSI-LOG-001" && f.status === FindingStatus.COMPLIANT).length).toBeGreaterThan(0);
  });

  test("the access report shows every identity reaching only its own environment's database", () => {
    const report = AccessReport.fromSynthOutput(first.dir);
    expect(report.environments).toEqual(["dev", "staging", "prod"]);
    for (const chain of report.chains) {
      expect({ stack: chain.stack, database: chain.database }).toEqual({ stack: chain.stack, database: `projects/acme-firestore-${chain.environment}/databases/orders-${chain.environment}` });
    }
    const prodDeploys = report.chains.filter((c) => c.environment === "prod" && c.stack === "buildkite-prod").map((c) => c.identity);
    expect(new Set(prodDeploys)).toEqual(new Set([`attribute.pipeline_id_branch = ${PIPELINE_ID}:main`]));
  });

  test("the access report lists exactly the chains the example code declares", () => {
    const rows = AccessReport.fromSynthOutput(first.dir).chains.map((c) => `${c.environment} ${c.stack}: ${c.identity} -> ${c.accessPath} -> ${c.serviceAccount || "-"} -> ${c.role}`);
    const perEnv = (env: string): string[] => {
      const sa = (name: string) => `${name}@acme-firestore-${env}.iam.gserviceaccount.com`;
      const deploy = env === "prod" ? `attribute.pipeline_id_branch = ${PIPELINE_ID}:main` : `attribute.pipeline_id = ${PIPELINE_ID}`;
      const oid = `00000000-0000-4000-8000-0000000000${{ dev: "d1", staging: "d2", prod: "d3" }[env]}`;
      return [
        `${env} buildkite-${env}: ${deploy} -> federation + impersonation -> ${sa("firestore-deployer")} -> projects/acme-firestore-${env}/roles/firestoreExport_buildkite_${env}`,
        `${env} buildkite-${env}: ${deploy} -> federation + impersonation -> ${sa("firestore-deployer")} -> roles/datastore.indexAdmin`,
        ...(env === "dev" ? [`dev buildkite-dev: attribute.pipeline = acme/integration-tests -> federation -> - -> roles/datastore.user`] : []),
        `${env} airflow-${env}: k8s airflow/airflow-triggerer -> GKE Workload Identity -> ${sa("airflow-workers")} -> roles/datastore.user`,
        `${env} airflow-${env}: k8s airflow/airflow-worker -> GKE Workload Identity -> ${sa("airflow-workers")} -> roles/datastore.user`,
        `${env} fastapi-${env}: attribute.oid = ${oid} -> federation + impersonation -> ${sa("orders-api")} -> roles/datastore.user`,
        `${env} fastapi-${env}: attribute.repository_id_workflow_ref = 74:acme/orders-api/.github/workflows/deploy.yml@refs/heads/main -> federation + impersonation -> ${sa("orders-api-deployer")} -> roles/datastore.indexAdmin`,
      ];
    };
    expect(rows.sort()).toEqual(["dev", "staging", "prod"].flatMap(perEnv).sort());
  });

  test("the README's report excerpt is the real prod table", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const excerpt = readme.slice(readme.indexOf("<!-- ACCESS:prod -->"), readme.indexOf("<!-- /ACCESS:prod -->")).split("\n").filter((l) => l.startsWith("|"));
    const markdown = AccessReport.fromSynthOutput(first.dir).toMarkdown();
    const prod = markdown.slice(markdown.indexOf("## prod"));
    // The prod section ends where the next one (the audit coverage) begins.
    const prodTable = prod.slice(0, prod.indexOf("\n## ", 1) < 0 ? undefined : prod.indexOf("\n## ", 1)).split("\n").filter((l) => l.startsWith("|"));
    expect(excerpt).toEqual(prodTable);
  });
});

describe("the README's explain examples", () => {
  const synth = first;
  const token = (branch: string) => ({
    iss: "https://agent.buildkite.com",
    aud: "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/buildkite-prod/providers/buildkite",
    sub: `organization:acme:pipeline:firestore-deploy:ref:refs/heads/${branch}:commit:9f31820:step:deploy`,
    organization_slug: "acme",
    organization_id: "0184990a-477b-4fa8-9968-496074483c77",
    pipeline_slug: "firestore-deploy",
    pipeline_id: "0184990a-4782-42b5-afc1-16715b10b110",
    build_branch: branch,
    build_source: "webhook",
  });
  test.each([
    ["allowed", "main", 0],
    ["denied", "feature-x", 1],
  ])("%s is the real output of explain", (name, branch, code) => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const block = readme.slice(readme.indexOf(`<!-- EXPLAIN:${name} -->`), readme.indexOf(`<!-- /EXPLAIN:${name} -->`));
    const shown = block.slice(block.indexOf("```\n") + 4, block.lastIndexOf("\n```"));
    const tokenFile = join(synth.dir, `${name}-token.json`);
    writeFileSync(tokenFile, JSON.stringify(token(branch)));
    let out = "";
    const exit = main(["explain", synth.dir, "--token", tokenFile, "--database", "projects/acme-firestore-prod/databases/orders-prod", "--access", "INDEX_ADMIN"], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    expect(exit).toBe(code);
    expect(out.trimEnd()).toBe(shown);
  });
});
