import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { AccessReport, EscalationMethod } from "../../src";

/*
 * The access report lists escalation paths beside the chains (methods and sources in
 * src/analysis/escalations.ts; Cloud Run: https://cloud.google.com/run/docs/configuring/services/service-identity).
 */
const WORKFLOW = "principalSet://iam.googleapis.com/projects/acme-prod/locations/global/workloadIdentityPools/github-prod/attribute.repository/acme/api";
const RUNTIME = "runtime@acme-prod.iam.gserviceaccount.com";

function reportOf(resource: object): AccessReport {
  const dir = mkdtempSync(join(tmpdir(), "report-"));
  try {
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, JSON.stringify({ "//": { metadata: { stackName: "orders-prod" } }, resource }));
    return AccessReport.fromSynthOutput(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = {
  google_iam_workload_identity_pool_provider: {
    gh: { project: "acme-prod", workload_identity_pool_id: "github-prod", workload_identity_pool_provider_id: "gh", attribute_condition: 'assertion.repository_owner == "acme"', oidc: { issuer_uri: "https://token.actions.githubusercontent.com" } },
  },
  google_project_iam_member: {
    db: { project: "acme-prod", role: "roles/datastore.user", member: `serviceAccount:${RUNTIME}`, condition: { title: "db", expression: 'resource.name == "projects/acme-prod/databases/orders"' } },
    deploy: { project: "acme-prod", role: "roles/run.developer", member: WORKFLOW },
    iam: { project: "acme-prod", role: "roles/resourcemanager.projectIamAdmin", member: "user:admin@acme.example" },
  },
};

describe("the access report shows escalation paths", () => {
  test("a deploy workflow that may actAs the runtime account, and a project IAM admin, with the bindings that let them", () => {
    const report = reportOf({ ...base, google_service_account_iam_member: { actas: { service_account_id: `projects/acme-prod/serviceAccounts/${RUNTIME}`, role: "roles/iam.serviceAccountUser", member: WORKFLOW } } });
    expect(report.escalations).toEqual([
      expect.objectContaining({ identity: "user:admin@acme.example", method: EscalationMethod.PROJECT_IAM_POLICY, serviceAccount: "", database: "projects/acme-prod/databases/*", role: "any role (it grants itself)" }),
      {
        environment: "prod", identity: "attribute.repository = acme/api", issuer: "GitHub Actions (pool github-prod)", method: EscalationMethod.CLOUD_RUN,
        how: `deploys Cloud Run code as ${RUNTIME}`, bindings: ["orders-prod: google_project_iam_member.deploy", "orders-prod: google_service_account_iam_member.actas"],
        serviceAccount: RUNTIME, database: "projects/acme-prod/databases/orders", role: "roles/datastore.user", canDo: "read documents, write and delete documents", decided: true,
      },
      expect.objectContaining({ identity: "user:admin@acme.example", method: EscalationMethod.PROJECT_IAM_POLICY, serviceAccount: RUNTIME, database: "projects/acme-prod/databases/orders" }),
    ]);
    const md = report.toMarkdown();
    expect(md).toContain("## Escalation paths");
    expect(md).toContain(
      `| prod | attribute.repository = acme/api | GitHub Actions (pool github-prod) | deploys Cloud Run code as ${RUNTIME} | orders-prod: google_project_iam_member.deploy, orders-prod: google_service_account_iam_member.actas | ${RUNTIME} | acme-prod/orders | roles/datastore.user | read documents, write and delete documents |`,
    );
    expect(JSON.parse(report.toJson()).escalations).toHaveLength(3);
  });

  test("control: without the actAs binding the workflow has no row, and a report without escalations has no section", () => {
    const report = reportOf({ ...base, google_project_iam_member: { db: base.google_project_iam_member.db, deploy: base.google_project_iam_member.deploy } });
    expect(report.escalations).toEqual([]);
    expect(report.toMarkdown()).not.toContain("## Escalation paths");
  });
});
