import { BUILDKITE, POOL, PROJECT, TESTS_PIPELINE, buildkiteStack, failure } from "./stacks";

const { stack, deploy, tests, json } = buildkiteStack();
const parsed = JSON.parse(json);
const ORG = 'assertion.organization_slug == "acme"';
const DEPLOY = `principalSet://iam.googleapis.com/${POOL}/attribute.pipeline_branch/acme/firestore-deploy:main`;

describe("toAllowFederatedAccess", () => {
  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", parsed],
    ["the stack", stack],
  ])("follows issuer, condition and binding in %s: impersonation and direct grants", (_, received) => {
    expect(received).toAllowFederatedAccess({ issuer: BUILDKITE, conditionContains: ORG, principal: deploy });
    expect(received).toAllowFederatedAccess({ issuer: BUILDKITE, principal: DEPLOY });
    expect(received).toAllowFederatedAccess({ issuer: BUILDKITE, conditionContains: ORG, principal: tests });
    // The project number Google puts in pool names, as a principal copied from the console has it.
    expect(received).toAllowFederatedAccess({ issuer: BUILDKITE, principal: TESTS_PIPELINE.replace(`projects/${PROJECT}/`, "projects/123456789012/") });
  });

  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", parsed],
  ])("in %s, an unknown issuer fails listing the providers there are", (_, received) => {
    expect(failure(() => expect(received).toAllowFederatedAccess({ issuer: "https://token.actions.githubusercontent.com", principal: deploy }))).toMatch(
      new RegExp(
        [
          "^expect\\(received\\)\\.toAllowFederatedAccess\\(expected\\)\\n\\n",
          `Expected ${DEPLOY.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} through issuer https://token\\.actions\\.githubusercontent\\.com to be allowed in and bound to a role, but:\\n`,
          "  no google_iam_workload_identity_pool_provider has issuer_uri https://token\\.actions\\.githubusercontent\\.com; providers in the stack:\\n",
          "    google_iam_workload_identity_pool_provider\\.pool_buildkite_\\w+: issuer https://agent\\.buildkite\\.com, pool buildkite-dev$",
        ].join(""),
      ),
    );
  });

  test("a condition without the text fails quoting the condition", () => {
    expect(failure(() => expect(json).toAllowFederatedAccess({ issuer: BUILDKITE, conditionContains: 'assertion.build_branch == "main"', principal: deploy }))).toMatch(
      /provider google_iam_workload_identity_pool_provider\.pool_buildkite_\w+ has attribute_condition `assertion\.organization_slug == "acme"`, which does not contain `assertion\.build_branch == "main"`/,
    );
  });

  test("a principal of another pool, or one bound to nothing, fails naming the pool and the members that are bound", () => {
    const other = "principalSet://iam.googleapis.com/projects/acme-dev/locations/global/workloadIdentityPools/github-dev/attribute.repository/acme/api";
    expect(failure(() => expect(parsed).toAllowFederatedAccess({ issuer: BUILDKITE, principal: other }))).toMatch(
      /provider google_iam_workload_identity_pool_provider\.pool_buildkite_\w+ trusts https:\/\/agent\.buildkite\.com but belongs to pool buildkite-dev, not to the principal's pool github-dev/,
    );
    const unbound = `principalSet://iam.googleapis.com/${POOL}/attribute.pipeline/acme/firestore-deploy`;
    const message = failure(() => expect(parsed).toAllowFederatedAccess({ issuer: BUILDKITE, principal: unbound }));
    expect(message).toContain(
      `  ${unbound} is bound to nothing: no roles/iam.workloadIdentityUser or roles/iam.serviceAccountTokenCreator on a service account and no project IAM grant names it\n` +
        `  members of pool buildkite-dev that are bound:\n    ${TESTS_PIPELINE}\n    ${DEPLOY}`,
    );
    expect(message).not.toContain("provider");
  });

  test(".not names the provider and every binding that lets the principal in", () => {
    expect(failure(() => expect(json).not.toAllowFederatedAccess({ issuer: BUILDKITE, principal: deploy }))).toMatch(
      new RegExp(
        [
          "^expect\\(received\\)\\.not\\.toAllowFederatedAccess\\(expected\\)\\n\\n",
          "Expected \\S+ through issuer https://agent\\.buildkite\\.com not to be allowed, but:\\n",
          "  provider google_iam_workload_identity_pool_provider\\.pool_buildkite_\\w+ admits it with attribute_condition `assertion\\.organization_slug == \"acme\"`\\n",
          "  it impersonates firestore-deployer@acme-dev\\.iam\\.gserviceaccount\\.com \\(roles/iam\\.workloadIdentityUser, google_service_account_iam_member\\.\\S+\\)$",
        ].join(""),
      ),
    );
    expect(failure(() => expect(json).not.toAllowFederatedAccess({ issuer: BUILDKITE, principal: tests }))).toMatch(
      /  it holds roles\/datastore\.user in project acme-dev if resource\.name == "projects\/acme-dev\/databases\/orders" \(google_project_iam_member\.db_user-\S+\)$/,
    );
  });

  test("resolves references in hand-written JSON the way the access report does", () => {
    const handWritten = {
      resource: {
        google_iam_workload_identity_pool: { pool: { project: "p", workload_identity_pool_id: "ci" } },
        google_iam_workload_identity_pool_provider: {
          gh: {
            project: "p",
            workload_identity_pool_id: "${google_iam_workload_identity_pool.pool.workload_identity_pool_id}",
            attribute_condition: 'assertion.repository_owner == "acme"',
            oidc: [{ issuer_uri: "https://token.actions.githubusercontent.com" }],
          },
        },
        google_service_account: { api: { project: "p", account_id: "api" } },
        google_service_account_iam_member: {
          wi: {
            service_account_id: "${google_service_account.api.name}",
            role: "roles/iam.workloadIdentityUser",
            member: "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.pool.name}/attribute.repository/acme/api",
          },
        },
      },
    };
    const principal = "principalSet://iam.googleapis.com/projects/p/locations/global/workloadIdentityPools/ci/attribute.repository/acme/api";
    expect(handWritten).toAllowFederatedAccess({ issuer: "https://token.actions.githubusercontent.com", conditionContains: "repository_owner", principal });
    expect(failure(() => expect(handWritten).not.toAllowFederatedAccess({ issuer: "https://token.actions.githubusercontent.com", principal }))).toContain(
      "it impersonates api@p.iam.gserviceaccount.com (roles/iam.workloadIdentityUser, google_service_account_iam_member.wi)",
    );
  });

  test("a stack without providers says so", () => {
    expect(failure(() => expect({ resource: {} }).toAllowFederatedAccess({ issuer: BUILDKITE, principal: DEPLOY }))).toContain(
      "  the stack declares no google_iam_workload_identity_pool_provider\n" + `  ${DEPLOY} is bound to nothing`,
    );
  });

  test("a principal that is no federated member is an error", () => {
    expect(() => expect(json).toAllowFederatedAccess({ issuer: BUILDKITE, principal: "serviceAccount:x@acme-dev.iam.gserviceaccount.com" })).toThrow(
      "toAllowFederatedAccess: principal must be a principal:// or principalSet:// member of a pool, got serviceAccount:x@acme-dev.iam.gserviceaccount.com",
    );
  });
});
