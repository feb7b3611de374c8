import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { main, runCli } from "../../src/cli/main";
import { PROJECT_NUMBER as PROD_NUMBER, SINCE, UNTIL, asBigQueryRows, asJsonLines, prodExport } from "../fixtures/audit-logs";
import { prodStackJson, removeTemporaryDirs, temporaryDir, writeSynthOutput } from "./support";

let synth: string;
let stacks: Map<string, string>;
let logs: string;
let rows: string;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, logs);
  return { code, out, err };
}

beforeAll(() => {
  stacks = prodStackJson();
  synth = writeSynthOutput(stacks);
  logs = temporaryDir("usage-cli-");
  // The names a Cloud Storage sink writes: one file per hour, one entry per line (gzip'd here by hand).
  const entries = prodExport();
  fs.writeFileSync(path.join(logs, "00:00:00_00:59:59_S0.json.gz"), zlib.gzipSync(asJsonLines(entries.slice(0, 100))));
  fs.writeFileSync(path.join(logs, "01:00:00_01:59:59_S0.json"), asJsonLines(entries.slice(100)));
  rows = path.join(logs, "bq.json");
  fs.writeFileSync(rows, asBigQueryRows(entries));
});
afterAll(removeTemporaryDirs);

describe("cdktf-firestore-identity usage", () => {
  test("streams the sink's files and exits 1 on unused grants and unexpected callers", async () => {
    const { code, out, err } = await run("usage", synth, "--logs", "00:00:00_00:59:59_S0.json.gz", "01:00:00_01:59:59_S0.json", "--since", SINCE, "--until", UNTIL);
    expect(err).toBe("");
    expect(code).toBe(1);
    expect(out).toContain("prod  projects/acme-firestore-prod/databases/orders-prod");
    expect(out).toContain("UNUSED         projects/acme-firestore-prod/roles/firestoreExport_buildkite_prod");
    expect(out).toContain("Unexpected callers:\n  prod  projects/acme-firestore-prod/databases/orders-prod  legacy-exporter@");
  });

  test("--project-number and --state reach the simulator: the project's own number changes nothing, a state for no stack exits 2 naming the file", async () => {
    const args = ["usage", synth, "--logs", "bq.json", "--since", SINCE, "--until", UNTIL, "--format", "json"];
    const plain = await run(...args);
    const numbered = await run(...args, "--project-number", `acme-firestore-prod=${PROD_NUMBER}`);
    expect(numbered.err).toBe("");
    expect(numbered.out).toBe(plain.out);
    const wrong = await run(...args, "--state", "no-such-stack=bq.json");
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("bq.json");
    expect(wrong.err).toContain("no stack named no-such-stack");
  });

  test("--format json and markdown give the same report as the API; BigQuery rows give the same JSON", async () => {
    const lines = await run("usage", synth, "--logs", "00:00:00_00:59:59_S0.json.gz", "01:00:00_01:59:59_S0.json", "--since", SINCE, "--until", UNTIL, "--format", "json");
    const bq = await run("usage", synth, "--logs", "bq.json", "--since", SINCE, "--until", UNTIL, "--format", "json");
    expect(bq.out).toBe(lines.out);
    expect(JSON.parse(lines.out).grants).toHaveLength(5);
    const md = await run("usage", synth, "--logs", "bq.json", "--since", SINCE, "--until", UNTIL, "--format", "markdown");
    expect(md.out).toMatch(/^# Firestore access: granted vs used/);
  });

  test("exits 0 when every grant is used as narrowly as granted and nobody unexpected called", async () => {
    // Only the Buildkite deployer's index work, and only its index grant declared: nothing to take away.
    const buildkite = JSON.parse(stacks.get("buildkite-prod")!);
    for (const name of Object.keys(buildkite.resource.google_project_iam_member)) if (name.includes("firestoreExport")) delete buildkite.resource.google_project_iam_member[name];
    const only = writeSynthOutput(new Map([["platform-prod", stacks.get("platform-prod")!], ["buildkite-prod", JSON.stringify(buildkite)]]));
    const entries = prodExport().filter((e) => !JSON.stringify(e).includes("legacy-exporter") && !JSON.stringify(e).includes("airflow") && !JSON.stringify(e).includes("github"));
    fs.writeFileSync(path.join(logs, "clean.json"), asJsonLines(entries));
    const { code, out } = await run("usage", only, "--logs", "clean.json", "--since", SINCE, "--until", UNTIL);
    expect(out).toContain("USED           roles/datastore.indexAdmin");
    expect(out).toContain("Unexpected callers: none");
    expect(code).toBe(0);
  });

  test("--emit-sql prints the query; --aggregates reads its result", async () => {
    const sql = await run("usage", synth, "--emit-sql", "--dataset", "acme-audit.firestore_audit", "--since", SINCE, "--until", UNTIL);
    expect(sql.code).toBe(0);
    expect(sql.out).toContain("FROM `acme-audit.firestore_audit.cloudaudit_googleapis_com_*`");
    fs.writeFileSync(path.join(logs, "aggregates.json"), "[]");
    const empty = await run("usage", synth, "--aggregates", "aggregates.json", "--since", SINCE, "--until", UNTIL);
    expect(empty.out).toContain("no entries at all in the window");
    expect(empty.code).toBe(1);
    // The synchronous entry point runs the modes that read no log files.
    let out = "";
    expect(main(["usage", synth, "--emit-sql", "--dataset", "acme-audit.firestore_audit", "--since", SINCE, "--until", UNTIL], { stdout: (t) => (out += t), stderr: () => undefined })).toBe(0);
    expect(out).toBe(sql.out);
  });

  test.each([
    [["--logs", "bq.json", "--until", UNTIL], /--since and --until are required/],
    [["--logs", "bq.json", "--since", "last week", "--until", UNTIL], /invalid since "last week"/],
    [["--logs", "missing.json", "--since", SINCE, "--until", UNTIL], /--logs missing.json: no such file/],
    [["--since", SINCE, "--until", UNTIL], /give exactly one of --logs FILE…, --emit-sql --dataset PROJECT.DATASET, or --aggregates FILE/],
    [["--emit-sql", "--since", SINCE, "--until", UNTIL], /--dataset PROJECT_ID.DATASET_ID is required/],
    [["--logs", "bq.json", "--since", SINCE, "--until", UNTIL, "--format", "sarif"], /--format must be text, markdown or json, not sarif/],
  ])("bad input %j exits 2", async (args, message) => {
    const { code, err } = await run("usage", synth, ...(args as string[]));
    expect(code).toBe(2);
    expect(err).toMatch(message as RegExp);
  });

  test("a file of another shape exits 2 naming it", async () => {
    fs.writeFileSync(path.join(logs, "gcloud.yaml"), "---\ninsertId: x\n");
    const { code, err } = await run("usage", synth, "--logs", "gcloud.yaml", "--since", SINCE, "--until", UNTIL);
    expect(code).toBe(2);
    expect(err).toMatch(/gcloud\.yaml looks like YAML or CSV .* re-run with --format=json/);
  });

  test("report --logs gives the access report a 'Used in the window' column", async () => {
    const { code, out } = await run("report", synth, "--logs", "bq.json", "--since", SINCE, "--until", UNTIL);
    expect(code).toBe(0);
    expect(out).toContain("| External identity | Issuer | How it gets in | Service account | Firestore database | Role | What it can do | Stack | Used in the window |");
    expect(out).toMatch(/\| roles\/datastore\.indexAdmin \| [^\n]* \| buildkite-prod \| used: datastore\.schemas\.create \(30\), datastore\.schemas\.list \(30\) \|/);
    expect(out).toMatch(/\| roles\/datastore\.user \| [^\n]* \| airflow-prod \| used: datastore\.entities\.get \(120\), datastore\.entities\.list \(120\); READ would do \|/);
    expect(out).toMatch(/\| projects\/acme-firestore-prod\/roles\/firestoreExport_buildkite_prod \| [^\n]* \| buildkite-prod \| unused \|/);
    // Without logs, the report is as before: no such column.
    const plain = await run("report", synth);
    expect(plain.code).toBe(0);
    expect(plain.out).not.toContain("Used in the window");
  });
});
