import { measure } from "./measure";

/**
 * N environments x M principals. Per environment: a pool with a Buildkite provider; per
 * principal: a service account, a database-conditioned Firestore grant and an
 * impersonation binding for one pipeline. `raw` declares the same resources with the
 * provider classes directly, so the library's overhead is the difference.
 */
const [mode, nArg, mArg] = process.argv.slice(2);
const N = Number(nArg);
const M = Number(mArg);

function library(outdir: string): void {
  const { App, TerraformStack } = require("cdktf");
  const { GoogleProvider } = require("@cdktf/provider-google/lib/provider");
  const { FirestoreDatabase, WorkloadIdentityPool, WorkloadServiceAccount } = require("../../src");
  const app = new App({ outdir });
  for (let e = 0; e < N; e++) {
    const stack = new TerraformStack(app, `env-${e}`);
    new GoogleProvider(stack, "google", {});
    const projectId = `bench-project-${e}`;
    const pool = new WorkloadIdentityPool(stack, "pool", { projectId, poolId: `pool-${e}` });
    const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme" });
    const database = FirestoreDatabase.fromExisting(stack, "database", { projectId, databaseId: `db-${e}` });
    for (let m = 0; m < M; m++) {
      const sa = new WorkloadServiceAccount(stack, `sa-${m}`, { projectId, accountId: `workload-${m}` });
      database.grantReadWrite(sa);
      sa.allowImpersonation(buildkite.pipeline(`pipeline-${m}`));
    }
  }
  app.synth();
}

function raw(outdir: string): void {
  const { App, TerraformStack } = require("cdktf");
  const { GoogleProvider } = require("@cdktf/provider-google/lib/provider");
  const { IamWorkloadIdentityPool } = require("@cdktf/provider-google/lib/iam-workload-identity-pool");
  const { IamWorkloadIdentityPoolProvider } = require("@cdktf/provider-google/lib/iam-workload-identity-pool-provider");
  const { ServiceAccount } = require("@cdktf/provider-google/lib/service-account");
  const { ServiceAccountIamMember } = require("@cdktf/provider-google/lib/service-account-iam-member");
  const { ProjectIamMember } = require("@cdktf/provider-google/lib/project-iam-member");
  const app = new App({ outdir });
  for (let e = 0; e < N; e++) {
    const stack = new TerraformStack(app, `env-${e}`);
    new GoogleProvider(stack, "google", {});
    const project = `bench-project-${e}`;
    const pool = new IamWorkloadIdentityPool(stack, "pool", { project, workloadIdentityPoolId: `pool-${e}`, lifecycle: { preventDestroy: true } });
    new IamWorkloadIdentityPoolProvider(stack, "buildkite", {
      project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "buildkite",
      attributeMapping: { "google.subject": "assertion.sub", "attribute.pipeline": "assertion.pipeline_slug" },
      attributeCondition: 'assertion.organization_slug == "acme"',
      oidc: { issuerUri: "https://agent.buildkite.com" },
    });
    for (let m = 0; m < M; m++) {
      const sa = new ServiceAccount(stack, `sa-${m}`, { project, accountId: `workload-${m}` });
      new ProjectIamMember(stack, `grant-${m}`, {
        project,
        role: "roles/datastore.user",
        member: `serviceAccount:${sa.email}`,
        condition: { title: "db", expression: `resource.name == "projects/${project}/databases/db-${e}"` },
      });
      new ServiceAccountIamMember(stack, `impersonation-${m}`, {
        serviceAccountId: sa.name,
        role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/${pool.name}/attribute.pipeline/acme/pipeline-${m}`,
      });
    }
  }
  app.synth();
}

measure(`${mode} N=${N} M=${M}`, (outdir) => {
  (mode === "library" ? library : raw)(outdir);
});
