import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AccessReport, AccessSimulator, FirestoreDatabase, WorkloadIdentityPool } from "../../src";
import { githubToken } from "../fixtures/tokens";

/**
 * The construct id of a provider (`addGitHubActionsProvider("github", …)`) is not the id
 * Google knows it by (`github-actions`, the default providerId), and the audience every
 * token needs names the latter. The access report says which audience each provider takes.
 */
function synthesized(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "audiences-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "ci-dev");
  new GoogleProvider(stack, "google", {});
  const pool = new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
  const github = pool.addGitHubActionsProvider("github", { owner: "acme", ownerId: "65" });
  const database = FirestoreDatabase.fromExisting(stack, "orders", { projectId: "acme-dev", databaseId: "orders" });
  database.grantRead(github.repository("acme/orders", { repositoryId: "74" }));
  app.synth();
  return outdir;
}

test("the report names each provider's audience by its provider id (github-actions), not its construct id (github), and a token with that audience gets in", () => {
  const outdir = synthesized();
  try {
    const md = AccessReport.fromSynthOutput(outdir).toMarkdown();
    const audience = "//iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/ci-pool/providers/github-actions";
    expect(md).toContain("## Token audiences");
    expect(md).toContain(`| ci-dev | ci-pool/github-actions (google_iam_workload_identity_pool_provider.pool_github_`);
    expect(md).toContain(`| https://token.actions.githubusercontent.com | \`${audience}\` |`);

    // The audience the report prints is the one Google (the simulator) admits; the construct id's is not.
    const simulator = AccessSimulator.fromSynthOutput(outdir);
    const ask = (aud: string): string =>
      simulator.explain({ token: githubToken("acme/orders", "refs/heads/main", aud, { repository_owner_id: "65", repository_id: "74" }), database: "projects/acme-dev/databases/orders", access: "READ" as any }).decision;
    expect(ask(audience.replace("PROJECT_NUMBER", "123456789012"))).toBe("allowed");
    expect(ask(audience.replace("PROJECT_NUMBER", "123456789012").replace("github-actions", "github"))).toBe("denied");
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test("a stack without providers gets no audiences section", () => {
  const stack = new TerraformStack(Testing.app(), "plain-dev");
  new GoogleProvider(stack, "google", {});
  FirestoreDatabase.fromExisting(stack, "orders", { projectId: "acme-dev", databaseId: "orders" });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "audiences-")), "cdk.tf.json");
  fs.writeFileSync(file, Testing.synth(stack));
  expect(AccessReport.fromSynthOutput(file).toMarkdown()).not.toContain("Token audiences");
});
