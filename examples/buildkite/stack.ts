import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { EnvironmentStack, ExampleStackProps } from "../shared/environment-stack";

/**
 * Buildkite agents deploy Firestore indexes and run exports without a key (export only: an
 * import would overwrite documents, so the deployer cannot run one):
 * the agent's OIDC token is exchanged for a short-lived token of a deployer account
 * that only the firestore-deploy pipeline (by its UUID) may impersonate. The organization is
 * pinned by UUID as well as slug. Prod admits only main, and only builds a push created
 * (build_source webhook), whose branch nobody typed. In dev, integration tests reach the dev
 * database directly, with no service account.
 */
export class BuildkiteStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { env, shared } = props;

    const pool = new WorkloadIdentityPool(this, "pool", {
      projectId: env.projectId,
      poolId: `buildkite-${env.name}`,
      description: `Buildkite agents of ${shared.buildkiteOrganization} working on ${env.name}`,
    });
    // Only these pipelines' tokens are accepted at all; the bindings below narrow it further.
    const pipelines = env.name === "dev" ? ["firestore-deploy", "integration-tests"] : ["firestore-deploy"];
    const buildkite = pool.addBuildkiteProvider("buildkite", {
      organizationSlug: shared.buildkiteOrganization,
      organizationId: shared.buildkiteOrganizationId,
      pipelineSlugs: pipelines,
      buildSources: this.isProd ? ["webhook"] : undefined,
    });
    const database = this.environmentDatabase();

    const deployer = new WorkloadServiceAccount(this, "deployer", {
      projectId: env.projectId,
      accountId: "firestore-deployer",
      description: `Firestore deployments to ${env.name}, impersonated by the firestore-deploy pipeline`,
    });
    deployer.allowImpersonation(buildkite.pipeline("firestore-deploy", { pipelineId: shared.buildkiteDeployPipelineId, branch: this.isProd ? "main" : undefined }));
    database.grantIndexAdmin(deployer);
    database.grantExport(deployer);

    if (env.name === "dev") {
      database.grantReadWrite(buildkite.pipeline("integration-tests"));
      new TerraformOutput(this, "integration_tests_credential_configuration", {
        value: buildkite.credentialConfiguration(),
        description: "external_account JSON for the integration-tests pipeline: direct access as its federated identity, no service account",
      });
    }

    new TerraformOutput(this, "credential_configuration", {
      value: buildkite.credentialConfiguration({ serviceAccount: deployer }),
      description:
        "external_account JSON for the agent (GOOGLE_APPLICATION_CREDENTIALS); holds no secret. Needs GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 and buildkite-agent >= 3.107.0 at /usr/bin/buildkite-agent; it requests the organization_id and pipeline_id claims the provider pins",
    });
    new TerraformOutput(this, "oidc_audience", {
      value: buildkite.tokenAudience,
      description: "audience for `buildkite-agent oidc request-token --audience`",
    });
  }
}
