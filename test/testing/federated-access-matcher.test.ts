import { Testing, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { nearMisses } from "../../src/testing";
import { buildkiteToken as documentedBuildkiteToken, githubToken, providerAudience } from "../fixtures/tokens";
import { BUILDKITE, BUILDKITE_ORG_ID, POOL, buildkiteStack, failure } from "./stacks";

// What the agent prints with --claim organization_id, which the provider pins.
const buildkiteToken = (org: string, pipeline: string, branch: string, aud: string) => documentedBuildkiteToken(org, pipeline, branch, aud, { organization_id: BUILDKITE_ORG_ID });

const { stack, deploy, json } = buildkiteStack();
const parsed = JSON.parse(json);
const AUD = providerAudience("buildkite-dev", "buildkite");
const deployToken = buildkiteToken("acme", "firestore-deploy", "main", AUD);
const DEPLOY = `principalSet://iam.googleapis.com/${POOL}/attribute.pipeline_branch/acme/firestore-deploy:main`;

describe("toAllowFederatedAccess", () => {
  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", parsed],
    ["the stack", stack],
  ])("evaluates the token against the providers in %s", (_, received) => {
    expect(received).toAllowFederatedAccess({ token: deployToken, issuer: BUILDKITE, principal: deploy });
    expect(received).toAllowFederatedAccess({ token: buildkiteToken("acme", "integration-tests", "feature-x", AUD) });
    expect(received).not.toAllowFederatedAccess({ token: buildkiteToken("evil", "firestore-deploy", "main", AUD) });
  });

  test("a token of another branch is admitted but is not the deploy principal, and the failure says which members it is", () => {
    const feature = buildkiteToken("acme", "firestore-deploy", "feature-x", AUD);
    expect(json).not.toAllowFederatedAccess({ token: feature, principal: DEPLOY });
    const message = failure(() => expect(json).toAllowFederatedAccess({ token: feature, principal: DEPLOY }));
    expect(message).toContain("attribute.pipeline_branch/acme/firestore-deploy:feature-x");
    expect(message).toContain(`not a member of ${DEPLOY}`);
  });

  test("a refused token fails naming the provider, the step and the condition", () => {
    const message = failure(() => expect(json).toAllowFederatedAccess({ token: buildkiteToken("evil", "firestore-deploy", "main", AUD) }));
    expect(message).toContain(`at attribute_condition: \`assertion.organization_slug == "acme" && assertion.organization_id == "${BUILDKITE_ORG_ID}"\` is false for this token`);
  });

  test("another issuer, or a principal alone, fails or is refused with a reason", () => {
    expect(failure(() => expect(json).toAllowFederatedAccess({ token: { ...deployToken, iss: "https://evil.example" } }))).toContain(
      'no workload identity pool provider trusts issuer "https://evil.example"',
    );
    expect(() => expect(json).toAllowFederatedAccess({ principal: DEPLOY } as never)).toThrow(/give token, the decoded claims/);
  });

  test(".not names the provider and every binding that lets the token in", () => {
    const message = failure(() => expect(json).not.toAllowFederatedAccess({ token: deployToken }));
    expect(message).toContain("google_iam_workload_identity_pool_provider.pool_buildkite_");
    expect(message).toContain("roles/iam.workloadIdentityUser on service account firestore-deployer@acme-dev.iam.gserviceaccount.com");
  });

  test("the issue's never-failing test now fails: a whole-repository binding admits a feature branch", () => {
    const app = Testing.app();
    const s = new TerraformStack(app, "gh-dev");
    new GoogleProvider(s, "google", { project: "acme-dev" });
    const pool = new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "github-dev" });
    const github = pool.addGitHubActionsProvider("github", { owner: "contoso" });
    new WorkloadServiceAccount(s, "deployer", { projectId: "acme-dev", accountId: "deployer" }).allowImpersonation(github.repository("contoso/inventory"));
    const aud = providerAudience("github-dev", "github-actions");
    const feature = githubToken("contoso/inventory", "refs/heads/feature-x", aud);
    // Before: `.not.toAllowFederatedAccess({ principal: github.repository(..., { ref: feature-x }) })` passed by comparing strings.
    expect(() => expect(Testing.synth(s)).not.toAllowFederatedAccess({ token: feature })).toThrow(/Expected Google to refuse the token/);
    for (const miss of nearMisses(githubToken("contoso/inventory", "refs/heads/main", aud), ["repository_owner"])) {
      expect(Testing.synth(s)).not.toAllowFederatedAccess({ token: miss.token });
    }
  });
});
