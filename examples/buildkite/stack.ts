import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { EnvironmentConfig } from "../config";
import { useStateBackend } from "../shared/backend";

/** Buildkite agents deploy Firestore changes without a service-account key. */
export class BuildkiteStack extends TerraformStack {
  constructor(scope: Construct, id: string, env: EnvironmentConfig) {
    super(scope, id);
    useStateBackend(this, id);
    new GoogleProvider(this, "google", { project: env.projectId });

    const pool = new WorkloadIdentityPool(this, "pool", {
      projectId: env.projectId,
      poolId: `buildkite-${env.name}`,
      description: `Buildkite agents of ${env.buildkiteOrganization} deploying to ${env.name}`,
    });
    const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: env.buildkiteOrganization });

    const deployer = new WorkloadServiceAccount(this, "deployer", {
      projectId: env.projectId,
      accountId: "firestore-deployer",
      description: "Impersonated by the firestore-deploy pipeline",
    });
    const deployPipeline = buildkite.pipeline("firestore-deploy", env.name === "prod" ? { branch: "main" } : {});
    deployer.allowImpersonation(deployPipeline);

    new TerraformOutput(this, "credential_configuration", {
      value: buildkite.credentialConfiguration({ serviceAccount: deployer }),
      description: "external_account JSON for the agent (GOOGLE_APPLICATION_CREDENTIALS); holds no secret",
    });
    new TerraformOutput(this, "oidc_audience", {
      value: buildkite.tokenAudience,
      description: "audience for `buildkite-agent oidc request-token --audience`",
    });
  }
}
