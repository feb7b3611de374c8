import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { main } from "../../src/cli/main";
import { FirestoreAuditLogging, FirestoreDatabase, FirestoreGuardrails, AuditLogDestination, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { buildkiteToken, providerAudience } from "../fixtures/tokens";

/**
 * CDK Terrain (`cdktn`, the continuation of CDK for Terraform under a new name, FACTS.md
 * "CDK Terrain"). cdktn 0.24 peers constructs >=10.6.0 <10.8.0 and this project builds on
 * 10.4, so it never enters the project's dependencies: it is installed once into an
 * isolated folder under node_modules/.cache (about 5 s of download after a clone; later runs
 * reuse it, and `npm ci` starts it afresh in CI). Without the registry the tests are skipped
 * and the reason is printed.
 */
const CDKTN = "0.24.0";
const CONSTRUCTS_FOR_CDKTN = "10.6.0";
const repo = path.join(__dirname, "..", "..");
const home = path.join(repo, "node_modules", ".cache", "cdktf-firestore-identity", `cdktn-${CDKTN}`);

function installCdktn(): string | undefined {
  const installed = path.join(home, "node_modules", "cdktn", "package.json");
  try {
    if (JSON.parse(fs.readFileSync(installed, "utf8")).version === CDKTN) return undefined;
  } catch {
    // not cached yet
  }
  try {
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "package.json"), JSON.stringify({ name: "cdktn-probe", private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", `cdktn@${CDKTN}`, `constructs@${CONSTRUCTS_FOR_CDKTN}`], {
      cwd: home,
      stdio: "pipe",
      timeout: 180_000,
      encoding: "utf8",
    });
    return undefined;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return (err.stderr?.trim().split("\n").pop() ?? err.message).slice(0, 300);
  }
}

const notInstalled = installCdktn();
if (notInstalled !== undefined) {
  // Loud: shown in jest's output with the test names that were skipped.
  console.warn(`SKIPPED the CDK Terrain tests: cdktn ${CDKTN} could not be installed into ${home}: ${notInstalled}`);
}
const withCdktn = notInstalled === undefined ? test : test.skip;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdktn = (): typeof import("cdktf") => require(path.join(home, "node_modules", "cdktn"));

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "cdk-terrain-"));
}

/** Every kind of entry point: a construct, a database reference, audit logging, the guardrails. */
function declareEverything(app: App, stack: TerraformStack): void {
  new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
  new WorkloadServiceAccount(stack, "deployer", { projectId: "acme-dev", accountId: "deployer" });
  FirestoreDatabase.fromExisting(stack, "orders", { projectId: "acme-dev", databaseId: "orders" });
  new FirestoreAuditLogging(stack, "audit", { projectId: "acme-dev", destination: AuditLogDestination.logBucket({ bucketId: "firestore-audit", retentionDays: 400 }) });
  FirestoreGuardrails.applyTo(app);
}

describe("a CDK Terrain (cdktn) App", () => {
  withCdktn("is refused at once by every construct and by FirestoreGuardrails.applyTo, naming what is supported and the CLI to use instead", () => {
    const { App: TerrainApp, TerraformStack: TerrainStack } = cdktn();
    const outdir = tempDir();
    try {
      const attempts: Array<[string, (app: App, stack: TerraformStack) => void]> = [
        ["WorkloadIdentityPool", (_a, s) => new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "ci-pool" })],
        ["WorkloadServiceAccount", (_a, s) => new WorkloadServiceAccount(s, "deployer", { projectId: "acme-dev", accountId: "deployer" })],
        ["ExistingFirestoreDatabase", (_a, s) => FirestoreDatabase.fromExisting(s, "orders", { projectId: "acme-dev", databaseId: "orders" })],
        ["FirestoreGuardrails.applyTo", (a) => FirestoreGuardrails.applyTo(a)],
      ];
      for (const [what, declare] of attempts) {
        const app = new TerrainApp({ outdir });
        const stack = new TerrainStack(app, "terrain-dev");
        expect(() => declare(app, stack)).toThrow(
          new RegExp(`${what.replace(".", "\\.")} needs an App of cdktf 0\\.21\\.0 \\(CDK for Terraform\\), but this tree's App is cdktn\\.App ${CDKTN.replace(/\./g, "\\.")}\\..*npx cdktf-firestore-identity check cdktf\\.out`),
        );
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("control: the same declarations under a cdktf App are accepted", () => {
    const outdir = tempDir();
    try {
      const app = new App({ outdir });
      expect(() => declareEverything(app, new TerraformStack(app, "cdktf-dev"))).not.toThrow();
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  withCdktn("writes a cdk.tf.json that check, report and explain judge: raw resources, this library's rules", () => {
    const outdir = tempDir();
    try {
      execFileSync(process.execPath, [path.join(__dirname, "..", "fixtures", "cdk-terrain", "app.js"), outdir], {
        env: { ...process.env, NODE_PATH: path.join(home, "node_modules") },
        stdio: "pipe",
      });
      const written = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "terrain-dev", "cdk.tf.json"), "utf8"));
      expect(written["//"].metadata.version).toBe(CDKTN);

      const run = (...argv: string[]): { code: number; out: string } => {
        let out = "";
        const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
        return { code, out };
      };

      const check = run("check", outdir, "--no-report");
      expect(check.code).toBe(1);
      expect(check.out).toContain("ERROR      FSI-IAM-001   terrain-dev: terrain-dev/owner (google_project_iam_member.owner)");
      expect(check.out).toContain("ERROR      FSI-WIF-001   terrain-dev: terrain-dev/buildkite (google_iam_workload_identity_pool_provider.buildkite)");
      // The grant carries a database condition: no FSI-FS-001 for it (the rules judge, they do not just flag everything).
      expect(check.out).not.toContain("FSI-FS-001");

      const report = run("report", outdir);
      expect(report.code).toBe(0);
      expect(report.out).toContain("| attribute.pipeline_slug = deploy | Buildkite (pool ci-pool) | federation | - | acme-dev/orders | roles/datastore.user |");

      // A Buildkite token for the pipeline (claims as Buildkite documents them, see fixtures/tokens.ts).
      const tokenFile = path.join(outdir, "token.json");
      fs.writeFileSync(tokenFile, JSON.stringify(buildkiteToken("acme", "deploy", "main", providerAudience("ci-pool", "buildkite", "123456789"))));
      const allowed = run("explain", outdir, "--token", tokenFile, "--database", "projects/acme-dev/databases/orders", "--access", "READ");
      expect(allowed.out).toMatch(/^ALLOWED: /);
      expect(allowed.code).toBe(0);
      const denied = run("explain", outdir, "--token", tokenFile, "--database", "projects/acme-dev/databases/payments", "--access", "READ");
      expect(denied.out).toMatch(/^DENIED: /);
      expect(denied.code).toBe(1);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
