import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../src/cli/main";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const INSECURE = path.join(FIXTURES, "insecure", "cdk.tf.json");
const SYNTH_OUTPUT = path.join(FIXTURES, "synth-output");

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe("cdktf-firestore-identity check", () => {
  test("finds the basic role, the unconditioned provider and the missing database condition in a hand-written cdk.tf.json", () => {
    const { code, out } = run("check", INSECURE);
    expect(code).toBe(1);
    expect(out).toContain("ERROR      FSI-IAM-001   insecure-dev: insecure-dev/legacy-owner (google_project_iam_member.legacy_owner_0C1D2E3F)");
    expect(out).toContain("ERROR      FSI-WIF-001   insecure-dev: insecure-dev/pool/buildkite/Resource");
    expect(out).toContain("ERROR      FSI-WIF-002   insecure-dev: insecure-dev/pool/buildkite/Resource");
    expect(out).toContain("ERROR      FSI-FS-001    insecure-dev: insecure-dev/database/deployer-user");
    expect(out).toContain("WARNING    FSI-WIF-004   insecure-dev: insecure-dev/pool/buildkite/Resource");
    // The pool's project declares none of the org policies that back federation.
    expect(out).toContain("WARNING    FSI-ORG-001   insecure-dev: insecure-dev/pool/buildkite/Resource");
    // Nothing logs the exchange in the pool's project or the impersonation of the deployer (FSI-LOG-005).
    expect(out).toContain("WARNING    FSI-LOG-005   insecure-dev: insecure-dev/pool/buildkite/Resource");
    expect(out).toContain("5 error(s), 4 warning(s), 0 suppressed");
  });

  test("--format json lists violations with rule ids and construct paths", () => {
    const { code, out } = run("check", INSECURE, "--format", "json");
    expect(code).toBe(1);
    const parsed = JSON.parse(out);
    expect(parsed.findings.map((f: any) => `${f.ruleId} ${f.constructPath}`)).toEqual([
      "FSI-FS-001 insecure-dev/database/deployer-user",
      "FSI-IAM-001 insecure-dev/legacy-owner",
      "FSI-LOG-001 insecure-dev/database/deployer-user",
      "FSI-LOG-005 insecure-dev/deployer/impersonation",
      "FSI-LOG-005 insecure-dev/pool/buildkite/Resource",
      "FSI-ORG-001 insecure-dev/pool/buildkite/Resource",
      "FSI-WIF-001 insecure-dev/pool/buildkite/Resource",
      "FSI-WIF-002 insecure-dev/pool/buildkite/Resource",
      "FSI-WIF-004 insecure-dev/pool/buildkite/Resource",
    ]);
  });

  test("--format sarif is SARIF 2.1.0 with rules, levels, file and construct path; suppressions carry their reason", () => {
    const { code, out } = run("check", SYNTH_OUTPUT, "--format=sarif", "--no-report");
    expect(code).toBe(1);
    const run0 = JSON.parse(out).runs[0];
    expect(JSON.parse(out).version).toBe("2.1.0");
    expect(run0.tool.driver.rules.map((r: any) => r.id)).toContain("FSI-LOG-001");
    // The fixture's projects log Firestore but not the federation step: FSI-LOG-005 warns (checked in the rule's tests).
    expect(run0.results.filter((r: any) => r.ruleId !== "FSI-LOG-005")).toEqual([
      expect.objectContaining({
        ruleId: "FSI-FS-001",
        suppressions: [{ kind: "inSource", justification: "dev only: analysts browse every dev database" }],
        // Relative to where the command runs (the repository root in CI), as code scanning resolves it.
        locations: [{ physicalLocation: { artifactLocation: { uri: "test/fixtures/synth-output/stacks/app-dev/cdk.tf.json" } }, logicalLocations: [{ fullyQualifiedName: "app-dev/analysts", kind: "resource" }] }],
      }),
      expect.objectContaining({ ruleId: "FSI-ORG-001", level: "warning" }),
      expect.objectContaining({ ruleId: "FSI-LOG-001", level: "error" }),
      expect.objectContaining({ ruleId: "FSI-ORG-001", level: "warning" }),
    ]);
  });

  test("reads every stack of cdktf.out: audit logging in the platform stack covers dev, prod has none; writes a deterministic report file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guardrails-"));
    fs.cpSync(SYNTH_OUTPUT, dir, { recursive: true });
    const { code, out } = run("check", dir);
    expect(code).toBe(1);
    expect(out).toContain("ERROR      FSI-LOG-001   app-prod: app-prod/database/api-user");
    expect(out).not.toMatch(/ERROR .* app-dev:/);
    expect(out).toContain("SUPPRESSED FSI-FS-001    app-dev: app-dev/analysts");
    const first = fs.readFileSync(path.join(dir, "guardrails-report.json"), "utf8");
    run("check", dir);
    expect(fs.readFileSync(path.join(dir, "guardrails-report.json"), "utf8")).toBe(first);
    // Both app stacks federate without the org policies (FSI-ORG-001 warns once for each) and without
    // logging the federation step (FSI-LOG-005: exchanges and impersonation, per project and stack).
    expect(JSON.parse(first).summary).toEqual({ errors: 1, warnings: 6, suppressed: 1, compliant: expect.any(Number) });
  });

  test("usage errors exit 2", () => {
    expect(run().code).toBe(2);
    expect(run("lint").err).toContain("unknown command lint");
    expect(run("check", SYNTH_OUTPUT, "--format", "xml").err).toContain("--format must be text, json or sarif");
    expect(run("check", path.join(FIXTURES, "nowhere")).code).toBe(2);
    expect(run("check", FIXTURES).err).toContain("no manifest.json");
  });
});

describe("cdktf-firestore-identity report", () => {
  test("--format json and --out", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-"));
    const out = path.join(dir, "access.json");
    expect(run("report", SYNTH_OUTPUT, "--format", "json", "--out", out).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).chains).toHaveLength(5);
    expect(run("report", SYNTH_OUTPUT).out).toContain("```mermaid");
  });
});
