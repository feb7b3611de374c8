/**
 * The generated scale app, declared twice: through this library's constructs and with
 * the raw provider classes. Both must synthesize the same Terraform (run.ts checks it
 * with `equivalence.ts` before timing anything), so the time difference is the
 * library's overhead and nothing else.
 *
 * Per environment: a workload identity pool with a Buildkite provider; per principal: a
 * service account, a database-conditioned Firestore grant (roles/datastore.user) and an
 * impersonation binding for one Buildkite pipeline (a federated principal).
 */

/** Library constructs, loaded from the package entry point as a user would (`../../src`). */
export function libraryApp(outdir: string, N: number, M: number, options: { guardrails?: boolean; reports?: boolean } = {}): any {
  const { App, TerraformStack } = require("cdktf");
  const { GoogleProvider } = require("@cdktf/provider-google/lib/provider");
  const { FirestoreDatabase, FirestoreGuardrails, WorkloadIdentityPool, WorkloadServiceAccount } = require("../../src");
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
  if (options.guardrails) {
    // The cross-stack rule FSI-LOG-001 still runs over every stack; this app declares no audit logging.
    for (const stack of app.node.children) FirestoreGuardrails.suppress(stack, "FSI-LOG-001", "audit logging is out of this benchmark's scope");
    FirestoreGuardrails.applyTo(app, { reports: options.reports ?? true });
  }
  return app;
}

/** The same resources and arguments, written with the provider classes directly (deep imports). */
export function rawApp(outdir: string, N: number, M: number): any {
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
    const poolId = `pool-${e}`;
    const databaseName = `projects/${project}/databases/db-${e}`;
    const pool = new IamWorkloadIdentityPool(stack, "pool", {
      project,
      workloadIdentityPoolId: poolId,
      displayName: poolId,
      lifecycle: { preventDestroy: true },
    });
    new IamWorkloadIdentityPoolProvider(stack, "buildkite", {
      project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "buildkite",
      displayName: "buildkite",
      attributeMapping: {
        "attribute.build_branch": "assertion.build_branch",
        "attribute.organization_slug": "assertion.organization_slug",
        "attribute.pipeline": 'assertion.organization_slug + "/" + assertion.pipeline_slug',
        "attribute.pipeline_branch": 'assertion.organization_slug + "/" + assertion.pipeline_slug + ":" + assertion.build_branch',
        "attribute.pipeline_id": 'has(assertion.pipeline_id) ? assertion.pipeline_id : "none"',
        "attribute.pipeline_id_branch": 'has(assertion.pipeline_id) ? assertion.pipeline_id + ":" + assertion.build_branch : "none"',
        "google.subject": '"organization:" + assertion.organization_slug + ":pipeline:" + assertion.pipeline_slug',
      },
      attributeCondition: 'assertion.organization_slug == "acme"',
      oidc: { issuerUri: "https://agent.buildkite.com" },
    });
    for (let m = 0; m < M; m++) {
      const accountId = `workload-${m}`;
      const sa = new ServiceAccount(stack, `sa-${m}`, { project, accountId, displayName: accountId });
      new ProjectIamMember(stack, `grant-${m}`, {
        project,
        role: "roles/datastore.user",
        member: `serviceAccount:${sa.email}`,
        condition: {
          title: `Firestore database db-${e}`,
          description: `Limits roles/datastore.user to ${databaseName}`,
          expression: `resource.name == "${databaseName}"`,
        },
      });
      new ServiceAccountIamMember(stack, `impersonation-${m}`, {
        serviceAccountId: sa.name,
        role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/${pool.name}/attribute.pipeline/acme/pipeline-${m}`,
      });
    }
  }
  return app;
}
