import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { basename, join } from "path";
import { AccessDecision, AccessReport, AccessSimulator, FindingStatus, FirestoreGuardrails } from "../../src";
import { failures } from "../../src/guardrails/engine";
import { main } from "../../src/cli/main";
import { TerraformStateShape, readTerraformState } from "../../src/deployed/terraform-state";
import { fixtureFiles } from "../fixtures/deployed/generate";
import { FIXTURES, PROJECT_NUMBERS, exampleQuestions, fixtureState, stateValue, synthExamplesOut } from "./support";

const outdir = synthExamplesOut();
const PENDING = join(FIXTURES, "pending");
const pending = (file: string) => readFileSync(join(PENDING, file), "utf8");
const ask = { member: "user:ann@acme.example", groups: [], access: "READ" as never };

describe("a plan whose condition apply will compute (after_unknown)", () => {
  // The grant's condition names a database whose name ends in a random suffix (random_id.suffix.hex).
  const database = "projects/acme-orders-dev/databases/orders-9f1c";

  test("keeps the answer unknown, as before the plan, naming the reference", () => {
    for (const options of [undefined, { states: { "orders-dev": pending("plan.json") } }]) {
      const answer = AccessSimulator.fromSynthOutput(PENDING, options).explain({ ...ask, database });
      expect(answer.decision).toBe(AccessDecision.UNKNOWN);
      expect(answer.reasons.join("\n")).toContain("random_id.suffix.hex");
    }
  });

  test("control: the state after apply knows the suffix, so the right database is allowed and another denied", () => {
    const simulator = AccessSimulator.fromSynthOutput(PENDING, { states: { "orders-dev": pending("state.json") } });
    expect(simulator.explain({ ...ask, database }).decision).toBe(AccessDecision.ALLOWED);
    expect(simulator.explain({ ...ask, database: "projects/acme-orders-dev/databases/orders-0000" }).decision).toBe(AccessDecision.DENIED);
  });

  test("the reader sees the plan's unknowns and takes data sources from the prior state", () => {
    const plan = readTerraformState(pending("plan.json"), "plan.json");
    expect(plan.shape).toBe(TerraformStateShape.SHOW_PLAN);
    expect(plan.isUnknown("random_id.suffix", "hex")).toBe(true);
    expect(plan.valueOf("random_id.suffix", "hex")).toBeUndefined();
    expect(plan.valueOf("random_id.suffix", "byte_length")).toBe(2);
    const airflow = readTerraformState(fixtureState("plan", "airflow-dev"), "airflow-dev plan");
    expect(airflow.valueOf("data.google_project.project", "number")).toBe(PROJECT_NUMBERS["acme-firestore-dev"]);
    expect(readTerraformState(fixtureState("raw", "airflow-dev"), "raw").shape).toBe(TerraformStateShape.RAW_STATE);
    expect(readTerraformState(fixtureState("show", "airflow-dev"), "show").shape).toBe(TerraformStateShape.SHOW_STATE);
  });
});

describe("what does not fit is refused, naming the state and what is wrong", () => {
  const load = (states: { [stack: string]: string }) => () => AccessSimulator.fromSynthOutput(outdir, { states });

  test("a stack that does not exist", () => {
    expect(load({ "platform-qa": fixtureState("raw", "platform-dev") })).toThrow(/states\["platform-qa"\]: no stack named platform-qa; the synthesized stacks are airflow-dev, /);
  });

  test("a text that is none of the three shapes", () => {
    expect(load({ "platform-dev": '{"bindings": []}' })).toThrow(/states\["platform-dev"\]: none of Terraform's shapes: expected a raw state/);
    expect(load({ "platform-dev": "not json" })).toThrow(/states\["platform-dev"\]: not JSON/);
    expect(load({ "platform-dev": '{"version": 3, "resources": []}' })).toThrow(/raw state version 3; this reader knows version 4/);
    expect(load({ "platform-dev": '{"format_version": "2.0", "values": {}}' })).toThrow(/format_version 2.0 is a major version/);
  });

  test("a state whose resources the stack does not declare (another stack's)", () => {
    expect(load({ "fastapi-dev": fixtureState("show", "buildkite-dev") })).toThrow(
      /states\["fastapi-dev"\]: terraform show -json of a state holds 7 of 8 resource\(s\) that stack fastapi-dev does not declare \(google_iam_workload_identity_pool\.pool_056F3F7E, /,
    );
  });

  test("project numbers that contradict each other", () => {
    expect(() => AccessSimulator.fromSynthOutput(outdir, { states: { "buildkite-dev": fixtureState("raw", "buildkite-dev") }, projectNumbers: { "acme-firestore-dev": "1" } })).toThrow(
      /project acme-firestore-dev has number 482913057416, but projectNumbers\["acme-firestore-dev"\] says 1/,
    );
  });
});

describe("the report and the guardrails take the same options", () => {
  const states = { "platform-dev": fixtureState("raw", "platform-dev"), "fastapi-dev": fixtureState("plan", "fastapi-dev") };

  test("the access report reads them: the chains are the ones the configuration promised, and a state that does not fit is refused", () => {
    const withStates = AccessReport.fromSynthOutput(outdir, { states });
    expect(withStates.chains).toEqual(AccessReport.fromSynthOutput(outdir).chains);
    expect(withStates.deployed).toEqual([{ environment: "dev", stacksWithState: ["fastapi-dev", "platform-dev"], policies: [], adds: [], removes: [], changes: [] }]);
    expect(withStates.toMarkdown()).toContain("### dev\n\nStates read: fastapi-dev, platform-dev. Names above are what apply made.\n\nNo live policy given for this environment.");
    expect(() => AccessReport.fromSynthOutput(outdir, { states: { "platform-dev": fixtureState("raw", "airflow-dev") } })).toThrow(/states\["platform-dev"\]: raw state \(version 4\) holds/);
  });

  test("the guardrails read the states too (and still pass the examples)", () => {
    const findings = FirestoreGuardrails.checkSynthOutput(outdir, { states });
    expect(findings.length).toBeGreaterThan(0);
    expect(failures(findings)).toEqual([]);
    // The sink's writer is granted on its bucket, matched by the identity the state holds.
    const writer = findings.find((f) => f.ruleId === "FSI-LOG-002" && f.stack === "platform-dev");
    expect(writer?.status).toBe(FindingStatus.COMPLIANT);
    expect(() => FirestoreGuardrails.checkSynthOutput(outdir, { states: { nope: "{}" } })).toThrow(/no stack named nope/);
  });
});

describe("CLI: --state STACK=FILE and --project-number PROJECT=NUMBER on explain, report and check", () => {
  const run = (...argv: string[]) => {
    let out = "";
    const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) }, FIXTURES);
    return { code, out };
  };
  const entra = exampleQuestions().find((q) => q.label === "entra api dev -> dev READ")!;
  const claims = join(outdir, "entra-token.json");
  writeFileSync(claims, JSON.stringify(entra.request.token));
  const explain = ["explain", outdir, "--token", claims, "--database", entra.request.database!, "--access", "READ"];

  test("explain decides with the state what it could not without (exit 3 -> 0)", () => {
    expect(run(...explain).code).toBe(3);
    const decided = run(...explain, "--state", "fastapi-dev=show/fastapi-dev.json");
    expect(decided.out).toContain("ALLOWED");
    expect(decided.code).toBe(0);
  });

  test("report and check take the options", () => {
    const report = run("report", outdir, "--format", "json", "--state", "platform-prod=raw/platform-prod.json", "--project-number", "acme-firestore-dev=482913057416");
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out).chains.length).toBeGreaterThan(0);
    expect(run("report", outdir, "--state", "platform-prod=raw/airflow-prod.json").code).toBe(2);
    expect(run("check", outdir, "--no-report", "--state", "platform-prod=plan/platform-prod.json").code).toBe(0);
  });

  test("bad input exits 2 naming the file and what is wrong", () => {
    const wrong = run(...explain, "--state", "fastapi-dev=show/buildkite-dev.json");
    expect(wrong.code).toBe(2);
    expect(wrong.out).toContain("show/buildkite-dev.json: terraform show -json of a state holds 7 of 8 resource(s) that stack fastapi-dev does not declare");
    const missing = run(...explain, "--state", "fastapi-qa=show/fastapi-dev.json");
    expect(missing.code).toBe(2);
    expect(missing.out).toContain("show/fastapi-dev.json: no stack named fastapi-qa");
    const notState = run("check", outdir, "--state", "platform-dev=pending/manifest.json");
    expect(notState.code).toBe(2);
    expect(notState.out).toContain("pending/manifest.json: none of Terraform's shapes");
    expect(run(...explain, "--state", "fastapi-dev").out).toContain("--state fastapi-dev: expected STACK=FILE");
    expect(run(...explain, "--state", "fastapi-dev=nope.json").out).toContain("--state fastapi-dev=nope.json: cannot read it (ENOENT)");
    expect(run(...explain, "--project-number", "acme-firestore-dev=acme").out).toContain("a project number is digits");
  });
});

test("the fixtures hold what apply fills in: client ids, unique ids, writer identities, project numbers", () => {
  expect(stateValue("fastapi-prod", "azuread_application.google-audience_Application_D923FDF0", "client_id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(stateValue("fastapi-prod", "google_service_account.runtime_39B65B9F", "unique_id")).toMatch(/^[0-9]{21}$/);
  expect(stateValue("platform-staging", "google_logging_project_sink.audit_Sink_7F10F487", "writer_identity")).toBe(
    `serviceAccount:service-${PROJECT_NUMBERS["acme-firestore-staging"]}@gcp-sa-logging.iam.gserviceaccount.com`,
  );
  const raw = JSON.parse(fixtureState("raw", "airflow-prod"));
  expect(raw).toMatchObject({ version: 4, terraform_version: expect.any(String), serial: expect.any(Number), lineage: expect.any(String) });
  expect(raw.resources.find((r: any) => r.mode === "data").instances[0].attributes.number).toBe(PROJECT_NUMBERS["acme-firestore-prod"]);
});

test("the fixture files are what test/fixtures/deployed/generate.ts writes (regenerate them after changing the examples)", () => {
  const files = fixtureFiles();
  expect(files.size).toBe(36 + 21 + 5 + 1);
  for (const [file, text] of files) expect({ file, same: readFileSync(join(FIXTURES, file), "utf8") === text }).toEqual({ file, same: true });
});

test("a state of a stack that calls a Terraform module holds the module's resources under module.NAME: they belong to the stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "fsi-module-"));
  try {
    const stack = join(dir, "cdk.tf.json");
    writeFileSync(stack, JSON.stringify({ provider: { google: [{ project: "p" }] }, module: { network: { source: "terraform-google-modules/network/google" } }, resource: {} }));
    const state = (address: string) =>
      JSON.stringify({ format_version: "1.0", terraform_version: "1.9.8", values: { root_module: { child_modules: [{ address: "module.network", resources: [{ address, mode: "managed", type: "google_compute_network", name: "network", values: {} }] }] } } });
    expect(() => AccessSimulator.fromSynthOutput(stack, { states: { [basename(dir)]: state("module.network.google_compute_network.network") } })).not.toThrow();
    expect(() => AccessSimulator.fromSynthOutput(stack, { states: { [basename(dir)]: state("module.other.google_compute_network.network") } })).toThrow(/does not declare \(module\.other\.google_compute_network\.network\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
