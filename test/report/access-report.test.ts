import * as path from "path";
import { AccessPath, AccessReport } from "../../src";
import { chainsOf } from "../../src/report/access-chains";
import { StackModel } from "../../src/analysis/terraform-json";

const SYNTH_OUTPUT = path.join(__dirname, "..", "fixtures", "synth-output");

describe("AccessReport", () => {
  const report = AccessReport.fromSynthOutput(SYNTH_OUTPUT);

  test("lists every chain of the fixture, with references resolved into readable names, and nothing else", () => {
    expect(report.environments).toEqual(["dev", "prod"]);
    expect(report.chains.map(({ permissions: _p, canDo: _c, ...chain }) => chain)).toEqual([
      {
        environment: "dev", stack: "app-dev", identity: "group:analysts@acme.example", issuer: "", accessPath: AccessPath.DIRECT,
        serviceAccount: "", project: "acme-dev", database: "projects/acme-dev/databases/*", role: "roles/datastore.viewer",
      },
      {
        environment: "dev", stack: "app-dev", identity: "attribute.pipeline = acme/firestore-deploy", issuer: "Buildkite (pool buildkite-dev)",
        accessPath: AccessPath.FEDERATION_IMPERSONATION, serviceAccount: "firestore-deployer@acme-dev.iam.gserviceaccount.com",
        project: "acme-dev", database: "projects/acme-dev/databases/app", role: "roles/datastore.indexAdmin",
      },
      {
        environment: "dev", stack: "app-dev", identity: "attribute.pipeline = acme/integration-tests", issuer: "Buildkite (pool buildkite-dev)",
        accessPath: AccessPath.FEDERATION, serviceAccount: "", project: "acme-dev", database: "projects/acme-dev/databases/app", role: "roles/datastore.user",
      },
      {
        environment: "dev", stack: "app-dev", identity: "k8s api/fastapi", issuer: "GKE (acme-dev.svc.id.goog)", accessPath: AccessPath.GKE,
        serviceAccount: "fastapi@acme-dev.iam.gserviceaccount.com", project: "acme-dev", database: "projects/acme-dev/databases/app", role: "roles/datastore.user",
      },
      {
        environment: "prod", stack: "app-prod", identity: "attribute.repository = acme/api", issuer: "GitHub Actions (pool github-prod)",
        accessPath: AccessPath.FEDERATION_IMPERSONATION, serviceAccount: "fastapi@acme-prod.iam.gserviceaccount.com",
        project: "acme-prod", database: "projects/acme-prod/databases/app", role: "roles/datastore.user",
      },
    ]);
  });

  test("Markdown: a table and a Mermaid diagram per environment", () => {
    const md = report.toMarkdown();
    expect(md).toContain("## dev\n\n| External identity | Issuer | How it gets in | Service account | Firestore database | Role | What it can do | Stack |");
    expect(md).toContain("| k8s api/fastapi | GKE (acme-dev.svc.id.goog) | GKE Workload Identity | fastapi@acme-dev.iam.gserviceaccount.com | acme-dev/app | roles/datastore.user | read documents, write and delete documents | app-dev |");
    expect(md).toContain(
      [
        "```mermaid",
        "flowchart LR",
        '  n1("GitHub Actions (pool github-prod): attribute.repository = acme/api")',
        '  n2[("acme-prod/app")]',
        '  n3["fastapi@acme-prod.iam.gserviceaccount.com"]',
        '  n1 -->|"federation + impersonation"| n3',
        '  n3 -->|"roles/datastore.user"| n2',
        "```",
      ].join("\n"),
    );
    expect(AccessReport.fromSynthOutput(SYNTH_OUTPUT).toMarkdown()).toBe(md);
    expect(JSON.parse(report.toJson()).chains).toHaveLength(5);
  });

  test("impersonation by a Google identity, a project-wide impersonation grant, and a service account nobody impersonates", () => {
    const stack = new StackModel("solo-staging", {
      resource: {
        google_service_account: { etl: { account_id: "etl", project: "p" }, job: { account_id: "job", project: "p" } },
        google_service_account_iam_member: {
          a: { service_account_id: "projects/p/serviceAccounts/etl@p.iam.gserviceaccount.com", role: "roles/iam.serviceAccountTokenCreator", member: "user:ana@acme.example" },
        },
        google_project_iam_member: {
          broad: { project: "p", role: "roles/iam.workloadIdentityUser", member: "group:ops@acme.example" },
          g1: { project: "p", role: "roles/datastore.user", member: "serviceAccount:${google_service_account.etl.email}", condition: { expression: 'resource.name == "projects/p/databases/etl"' } },
          g2: { project: "p", role: "roles/datastore.viewer", member: "serviceAccount:other@q.iam.gserviceaccount.com", condition: { expression: 'resource.name == "projects/p/databases/etl"' } },
        },
      },
    });
    expect(chainsOf("staging", [stack]).map((c) => `${c.identity} | ${c.accessPath} | ${c.serviceAccount} | ${c.role}`)).toEqual([
      "group:ops@acme.example | impersonation | etl@p.iam.gserviceaccount.com | roles/datastore.user",
      "user:ana@acme.example | impersonation | etl@p.iam.gserviceaccount.com | roles/datastore.user",
      "serviceAccount:other@q.iam.gserviceaccount.com | direct | other@q.iam.gserviceaccount.com | roles/datastore.viewer",
    ]);
  });

  test("custom Firestore roles are listed by name, and a database condition with an alternative counts as the whole project", () => {
    const stack = new StackModel("solo-dev", {
      resource: {
        google_project_iam_custom_role: { reader: { project: "acme-dev", role_id: "ordersReader", title: "r", permissions: ["datastore.entities.get"] } },
        google_project_iam_member: {
          custom: { project: "acme-dev", role: "${google_project_iam_custom_role.reader.name}", member: "group:bi@acme.example", condition: { title: "t", expression: 'resource.name == "projects/acme-dev/databases/app"' } },
          escape: { project: "acme-dev", role: "roles/datastore.user", member: "group:ops@acme.example", condition: { title: "t", expression: 'resource.name == "projects/acme-dev/databases/app" || true' } },
        },
      },
    });
    expect(chainsOf("dev", [stack]).map((c) => `${c.identity} | ${c.database} | ${c.role}`)).toEqual([
      "group:ops@acme.example | projects/acme-dev/databases/* | roles/datastore.user",
      "group:bi@acme.example | projects/acme-dev/databases/app | projects/acme-dev/roles/ordersReader",
    ]);
  });

  test("Kubernetes service accounts holding roles themselves (GKE's principal:// forms) are GKE chains without a service account", () => {
    const pool = "iam.googleapis.com/projects/${data.google_project.p.number}/locations/global/workloadIdentityPools/acme-dev.svc.id.goog";
    const stack = new StackModel("gke-dev", {
      data: { google_project: { p: { project_id: "acme-dev" } } },
      resource: {
        google_project_iam_member: {
          ksa: { project: "acme-dev", role: "roles/datastore.user", member: `principal://${pool}/subject/ns/airflow/sa/worker`, condition: { title: "t", expression: 'resource.name == "projects/acme-dev/databases/app"' } },
          ns: { project: "acme-dev", role: "roles/datastore.viewer", member: `principalSet://${pool}/namespace/reports`, condition: { title: "t", expression: 'resource.name == "projects/acme-dev/databases/app"' } },
        },
      },
    });
    expect(chainsOf("dev", [stack]).map((c) => `${c.identity} | ${c.issuer} | ${c.accessPath} | ${c.serviceAccount || "-"} | ${c.role}`)).toEqual([
      "k8s airflow/worker | GKE (acme-dev.svc.id.goog) | GKE Workload Identity | - | roles/datastore.user",
      "namespace = reports | GKE (acme-dev.svc.id.goog) | GKE Workload Identity | - | roles/datastore.viewer",
    ]);
  });
});
