import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AccessReport, IamDriftKind, IamDriftReport } from "../../src";
import { main } from "../../src/cli/main";
import { FIXTURES, allStates, synthExamplesOut } from "./support";

/**
 * Drift: the live IAM policies of the example projects (test/fixtures/deployed/policies,
 * written by generate.ts from what the states say was applied) compared with the code.
 */
const outdir = synthExamplesOut();
const POLICIES = join(FIXTURES, "policies");
const read = (...parts: string[]) => readFileSync(join(POLICIES, ...parts), "utf8");
const states = allStates("raw");
const DEPLOYER = "serviceAccounts/firestore-deployer@acme-firestore-dev.iam.gserviceaccount.com";

/** Every live policy of the three environments, keyed as drift keys them. */
function livePolicies(): { [resource: string]: string } {
  const out: { [resource: string]: string } = {};
  for (const env of ["dev", "staging", "prod"]) {
    for (const file of readdirSync(join(POLICIES, env))) {
      const name = file.replace(/\.json$/, "");
      const resource = name === "project" ? `projects/acme-firestore-${env}` : name.startsWith("sa-") ? `serviceAccounts/${name.slice(3)}@acme-firestore-${env}.iam.gserviceaccount.com` : `buckets/${name.slice(7)}`;
      out[resource] = read(env, file);
    }
  }
  return out;
}

const drift = (policies: { [resource: string]: string }, extra: object = {}) => IamDriftReport.fromSynthOutput(outdir, { policies, states, ...extra });

test("live policies equal to what the examples declare: no drift, and the summary says what was not judged", () => {
  const report = drift(livePolicies());
  expect(report.findings).toEqual([]);
  expect(report.resources).toHaveLength(21);
  expect(report.summary).toContain("No drift in 21 live policies");
  // Another team's roles/monitoring.viewer in each project: not a finding, counted.
  expect(report.summary).toContain("are not findings (the project has other owners): 3 such member binding(s)");
  expect(report.summary).toContain("15 binding(s) of Google's service agents and bucket convenience members");
});

describe("each change made by hand gives exactly its finding", () => {
  const dev = (file: string) => ({ "projects/acme-firestore-dev": read("drifted", file) });

  test("an extra roles/datastore.owner member", () => {
    expect(drift(dev("extra-datastore-owner.json")).findings).toEqual([
      {
        kind: IamDriftKind.EXTRA_MEMBER,
        resource: "projects/acme-firestore-dev",
        role: "roles/datastore.owner",
        member: "user:mallory@acme.example.com",
        condition: undefined,
        message: expect.stringMatching(/^user:mallory@acme\.example\.com holds roles\/datastore\.owner on projects\/acme-firestore-dev, which no declared resource grants: it reaches Firestore data \(read documents, write and delete documents/),
      },
    ]);
  });

  test("an extra roles/iam.serviceAccountTokenCreator on the deployer account", () => {
    expect(drift({ [DEPLOYER]: read("drifted", "extra-token-creator.json") }).findings).toEqual([
      {
        kind: IamDriftKind.EXTRA_MEMBER,
        resource: DEPLOYER,
        role: "roles/iam.serviceAccountTokenCreator",
        member: "user:contractor@acme.example.com",
        condition: undefined,
        message: expect.stringContaining("acts as service accounts (iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation"),
      },
    ]);
  });

  test("a removed database condition", () => {
    expect(drift(dev("removed-condition.json")).findings).toEqual([
      {
        kind: IamDriftKind.CONDITION_CHANGED,
        resource: "projects/acme-firestore-dev",
        role: "roles/datastore.user",
        member: "serviceAccount:orders-api@acme-firestore-dev.iam.gserviceaccount.com",
        condition: undefined,
        declaredAddress: "google_project_iam_member.database_user-sa-orders-api-d112fa33_137A895F",
        declaredStack: "fastapi-dev",
        message: expect.stringContaining("with no condition; fastapi-dev: google_project_iam_member.database_user-sa-orders-api-d112fa33_137A895F declares `resource.name == \"projects/acme-firestore-dev/databases/orders-dev\"` (without a condition the role reaches every database of the project)"),
      },
    ]);
  });

  test("a data-access exemption added by hand", () => {
    expect(drift(dev("exemption-added.json")).findings).toEqual([
      {
        kind: IamDriftKind.AUDIT_CONFIG_CHANGED,
        resource: "projects/acme-firestore-dev",
        role: "datastore.googleapis.com",
        member: "user:batch-export@acme.example.com",
        declaredAddress: "google_project_iam_audit_config.audit_AuditConfig_193C5091",
        declaredStack: "platform-dev",
        message: expect.stringContaining("exempts user:batch-export@acme.example.com from DATA_READ logs of datastore.googleapis.com"),
      },
    ]);
  });

  test("a version-1 policy, whose _withcond_ roles hide their conditions, is refused with the command that fetches version 3", () => {
    expect(() => drift(dev("version-1.json"))).toThrow(
      /a version-1 read of projects\/acme-firestore-dev: projects\/acme-firestore-dev\/roles\/firestoreExport_buildkite_dev_withcond_[0-9a-f]+, .* hide their conditions .* gcloud projects get-iam-policy acme-firestore-dev --format=json/,
    );
  });

  test("a removed binding and a log type turned off (control for MISSING_BINDING and the other audit finding)", () => {
    const policy = JSON.parse(read("dev", "project.json"));
    policy.bindings = policy.bindings.filter((b: any) => b.role !== "projects/acme-firestore-dev/roles/firestoreExport_buildkite_dev");
    policy.auditConfigs = policy.auditConfigs.filter((a: any) => a.service !== "sts.googleapis.com");
    const findings = drift({ "projects/acme-firestore-dev": JSON.stringify(policy) }).findings;
    expect(findings.map((f) => [f.kind, f.role, f.member, f.declaredStack])).toEqual([
      [IamDriftKind.AUDIT_CONFIG_CHANGED, "sts.googleapis.com", "", "platform-dev"],
      [IamDriftKind.MISSING_BINDING, "projects/acme-firestore-dev/roles/firestoreExport_buildkite_dev", "serviceAccount:firestore-deployer@acme-firestore-dev.iam.gserviceaccount.com", "buildkite-dev"],
    ]);
  });
});

describe("roles are judged by their permissions, whatever their name", () => {
  const dir = mkdtempSync(join(tmpdir(), "fsi-drift-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stack = join(dir, "cdk.tf.json");
  writeFileSync(
    stack,
    JSON.stringify({
      provider: { google: [{ project: "acme-app" }] },
      resource: { google_project_iam_custom_role: { reader: { project: "acme-app", role_id: "ordersReader", title: "Orders reader", permissions: ["datastore.entities.get", "datastore.entities.list"] } } },
    }),
  );
  const live = (role: string) => JSON.stringify({ bindings: [{ role, members: ["user:eve@acme.example.com"] }], etag: "BwYx", version: 1 });
  const judge = (role: string) => IamDriftReport.fromSynthOutput(stack, { policies: { "projects/acme-app": live(role) } });

  test("a custom role that reads documents is an extra member; a predefined role that reaches nothing guarded is not (control)", () => {
    expect(judge("projects/acme-app/roles/ordersReader").findings.map((f) => [f.kind, f.message.split(": it ")[1]])).toEqual([[IamDriftKind.EXTRA_MEMBER, "reaches Firestore data (read documents)"]]);
    const control = judge("roles/monitoring.viewer");
    expect(control.findings).toEqual([]);
    expect(control.summary).toContain("1 such member binding(s)");
  });

  test("a custom role declared nowhere is reported with its permissions unknown, never passed", () => {
    expect(judge("projects/acme-app/roles/somethingElse").findings[0].message).toContain("a custom role not declared in these stacks, so what it reaches is unknown");
  });
});

test("a Cloud Asset Inventory export names projects by number and accounts by unique id: the states map them", () => {
  const assets = read("assets.jsonl");
  expect(IamDriftReport.fromSynthOutput(outdir, { assets, states }).findings).toEqual([]);
  expect(() => IamDriftReport.fromSynthOutput(outdir, { assets })).toThrow(/names project number 482913057416; give the states \(--state\) or --project-number PROJECT=482913057416/);
  // One asset per line or a JSON array: the same assets.
  const array = `[${assets.trim().split("\n").join(",")}]`;
  expect(IamDriftReport.fromSynthOutput(outdir, { assets: array, states }).resources).toHaveLength(21);
});

describe("CLI: drift cdktf.out --policy RESOURCE=FILE [--assets FILE] [--state STACK=FILE] [--format text|json|sarif]", () => {
  const run = (...argv: string[]) => {
    let out = "";
    const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) }, FIXTURES);
    return { code, out };
  };
  const stateArgs = Object.keys(states).flatMap((s) => ["--state", `${s}=raw/${s}.json`]);
  const project = (file: string) => ["--policy", `projects/acme-firestore-dev=${file}`];

  test("exit 0 without drift, 1 with, 2 on input it cannot judge honestly", () => {
    expect(run("drift", outdir, ...stateArgs, ...project("policies/dev/project.json")).code).toBe(0);
    const drifted = run("drift", outdir, ...stateArgs, ...project("policies/drifted/extra-datastore-owner.json"));
    expect(drifted.code).toBe(1);
    expect(drifted.out).toMatch(/^EXTRA_MEMBER +projects\/acme-firestore-dev {2}roles\/datastore\.owner {2}user:mallory@acme\.example\.com/);
    const v1 = run("drift", outdir, ...stateArgs, ...project("policies/drifted/version-1.json"));
    expect(v1.code).toBe(2);
    expect(v1.out).toContain("policies/drifted/version-1.json: a version-1 read of projects/acme-firestore-dev");
    expect(run("drift", outdir, ...project("policies/dev/project.json")).out).toContain("give the states (--state) or --project-number PROJECT=482913057416");
    expect(run("drift", outdir, "--assets", "policies/assets.jsonl", ...stateArgs).code).toBe(0);
    expect(run("drift", outdir).out).toContain("give at least one --policy RESOURCE=FILE or --assets FILE");
    expect(run("drift", outdir, ...project("raw/platform-dev.json")).out).toContain("raw/platform-dev.json: not an IAM policy");
    expect(run("drift", outdir, "--policy", "folders/1=policies/dev/project.json").out).toContain("folders/1 is not projects/PROJECT, serviceAccounts/EMAIL or buckets/NAME");
  });

  test("json and sarif name the declared address and its stack file", () => {
    const json = JSON.parse(run("drift", outdir, ...stateArgs, ...project("policies/drifted/removed-condition.json"), "--format", "json").out);
    expect(json.findings[0]).toMatchObject({ kind: "CONDITION_CHANGED", declaredStack: "fastapi-dev" });
    const sarif = JSON.parse(run("drift", outdir, ...stateArgs, ...project("policies/drifted/removed-condition.json"), "--format", "sarif").out);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: "CONDITION_CHANGED", level: "error" });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/stacks\/fastapi-dev\/cdk\.tf\.json$/);
  });
});

describe("the access report gains a Deployed section when states or policies are given", () => {
  test("what the live policy adds, in the report's words, per environment", () => {
    const report = AccessReport.fromSynthOutput(outdir, { states, policies: { "projects/acme-firestore-dev": read("drifted", "extra-datastore-owner.json"), "projects/acme-firestore-prod": read("prod", "project.json") } });
    const md = report.toMarkdown();
    expect(md).toContain("## Deployed");
    expect(md).toMatch(/### dev\n\nStates read: platform-dev, airflow-dev, buildkite-dev, fastapi-dev|### dev\n\nStates read: [a-z-, ]+\./);
    expect(md).toContain("- user:mallory@acme.example.com can read documents, write and delete documents");
    expect(md).toContain("in projects/acme-firestore-dev/databases/* (roles/datastore.owner; live, not declared)");
    expect(report.deployed.find((e) => e.environment === "prod")).toMatchObject({ adds: [], removes: [], changes: [], policies: ["projects/acme-firestore-prod"] });
    expect(md).toContain("The live policies give exactly the declared access.");
    expect(AccessReport.fromSynthOutput(outdir).toMarkdown()).not.toContain("## Deployed");
  });

  test("report CLI takes --policy and --assets too", () => {
    let out = "";
    const code = main(["report", outdir, "--format", "json", "--assets", "policies/assets.jsonl", ...Object.keys(states).flatMap((s) => ["--state", `${s}=raw/${s}.json`])], { stdout: (t) => (out += t), stderr: (t) => (out += t) }, FIXTURES);
    expect(code).toBe(0);
    expect(JSON.parse(out).deployed.map((e: any) => [e.environment, e.policies.length, e.adds.length])).toEqual([
      ["dev", 7, 0],
      ["staging", 7, 0],
      ["prod", 7, 0],
    ]);
  });
});
