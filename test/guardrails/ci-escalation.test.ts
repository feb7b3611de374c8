import { noCiEscalationToProd } from "../../src/guardrails/rules/no-ci-escalation-to-prod";
import { C, N, NA, model, verdicts, violations } from "./support";

/*
 * FSI-IAM-005: escalation paths from CI identities to prod databases. The methods follow
 * Google's pages cited in src/analysis/escalations.ts (Cloud Run service identity:
 * https://cloud.google.com/run/docs/configuring/services/service-identity).
 */
const WORKFLOW = "principalSet://iam.googleapis.com/projects/acme-PROJECT/locations/global/workloadIdentityPools/github/attribute.workflow_ref/acme/orders-api/.github/workflows/deploy.yml@refs/heads/main";

function ciStack(env: "prod" | "dev", options: { actAs?: boolean; issuer?: string } = {}) {
  const project = `acme-${env}`;
  const member = WORKFLOW.replace("PROJECT", env);
  const runtime = `runtime@${project}.iam.gserviceaccount.com`;
  return model(
    {
      google_iam_workload_identity_pool_provider: {
        gh: { project, workload_identity_pool_id: "github", workload_identity_pool_provider_id: "actions", attribute_condition: 'assertion.repository_owner == "acme"', oidc: { issuer_uri: options.issuer ?? "https://token.actions.githubusercontent.com" } },
      },
      google_firestore_database: { db: { project, name: "orders", location_id: "eur3", type: "FIRESTORE_NATIVE" } },
      google_project_iam_member: {
        db: { project, role: "roles/datastore.user", member: `serviceAccount:${runtime}`, condition: { title: "db", expression: `resource.name == "projects/${project}/databases/orders"` } },
        deploy: { project, role: "roles/run.developer", member },
      },
      google_service_account_iam_member: options.actAs === false ? {} : { actas: { service_account_id: `projects/${project}/serviceAccounts/${runtime}`, role: "roles/iam.serviceAccountUser", member } },
    },
    {},
    `orders-${env}`,
  );
}

describe("FSI-IAM-005 no escalation path from CI to a prod database", () => {
  test("the trial's deploy workflow (run.developer + actAs on the runtime account) is flagged on its deploy binding, with the path", () => {
    expect(verdicts(noCiEscalationToProd, ciStack("prod"))).toEqual({ "google_project_iam_member.deploy": N, "google_service_account_iam_member.actas": C });
    expect(violations(noCiEscalationToProd, ciStack("prod"))).toEqual([
      "google_project_iam_member.deploy: " +
        `${WORKFLOW.replace("PROJECT", "prod")} can read documents, write and delete documents in projects/acme-prod/databases/orders: ` +
        "it deploys Cloud Run code as runtime@acme-prod.iam.gserviceaccount.com (orders-prod: google_project_iam_member.deploy, orders-prod: google_service_account_iam_member.actas)",
    ]);
  });

  test("controls: without actAs, in dev, or from a pool of another issuer, nothing is flagged", () => {
    expect(verdicts(noCiEscalationToProd, ciStack("prod", { actAs: false }))).toEqual({ "google_project_iam_member.deploy": C });
    expect(verdicts(noCiEscalationToProd, ciStack("dev"))).toEqual({ "stack:orders-dev": NA });
    expect(verdicts(noCiEscalationToProd, ciStack("prod", { issuer: "https://sts.windows.net/tenant/" }))).toEqual({ "stack:orders-prod": NA });
  });

  test("what the CI identity may already do directly is not an escalation", () => {
    const stack = ciStack("prod");
    const member = WORKFLOW.replace("PROJECT", "prod");
    const direct = { project: "acme-prod", role: "roles/datastore.user", member, condition: { title: "db", expression: 'resource.name == "projects/acme-prod/databases/orders"' } };
    const withDirect = model({ ...stack.json.resource, google_project_iam_member: { ...stack.json.resource.google_project_iam_member, direct } }, {}, "orders-prod");
    expect(violations(noCiEscalationToProd, withDirect)).toEqual([]);
  });

  test("an account the CI identity becomes, in another stack, counts: a Buildkite deployer with project IAM admin", () => {
    const pipeline = "principalSet://iam.googleapis.com/projects/acme-ci/locations/global/workloadIdentityPools/buildkite/attribute.pipeline_slug/deploy";
    const deployer = "deployer@acme-ci.iam.gserviceaccount.com";
    const ci = model(
      {
        google_iam_workload_identity_pool_provider: { bk: { project: "acme-ci", workload_identity_pool_id: "buildkite", workload_identity_pool_provider_id: "bk", attribute_condition: 'assertion.organization_slug == "acme"', oidc: { issuer_uri: "https://agent.buildkite.com" } } },
        google_service_account_iam_member: { imp: { service_account_id: `projects/acme-ci/serviceAccounts/${deployer}`, role: "roles/iam.workloadIdentityUser", member: pipeline } },
      },
      {},
      "ci-shared",
    );
    const prod = model(
      {
        google_firestore_database: { db: { project: "acme-prod", name: "orders", location_id: "eur3", type: "FIRESTORE_NATIVE" } },
        google_project_iam_member: { iam: { project: "acme-prod", role: "roles/resourcemanager.projectIamAdmin", member: `serviceAccount:${deployer}` } },
      },
      {},
      "platform-prod",
    );
    expect(verdicts(noCiEscalationToProd, ci, prod)).toEqual({ "google_service_account_iam_member.imp": C, "google_project_iam_member.iam": N });
    expect(violations(noCiEscalationToProd, ci, prod)[0]).toContain(`it grants itself any role on project acme-prod (platform-prod: google_project_iam_member.iam)`);
  });
});
