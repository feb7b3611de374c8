import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { EntraAppRegistration, EntraMemberType, FastApiEntraApi, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { EnvironmentStack, ExampleStackProps } from "../shared/environment-stack";

/**
 * The orders API (FastAPI): on Cloud Run it runs as a keyless service account with
 * read/write on this environment's database; callers present Entra ID v2 tokens carrying
 * the API's app roles. The same API on Azure, running as a managed identity, reaches
 * Firestore by federation: that one identity (by object id) may impersonate the runtime
 * account, nothing else in the tenant can. Google trusts tokens for a dedicated audience
 * that only the managed identity may obtain, never tokens for the API itself, which every
 * caller of the API holds. The API's own repository deploys its Firestore indexes from
 * GitHub Actions: only its deploy workflow, as the file is on main, pinned by the owner's and
 * the repository's ids, may act as the deployer.
 */
export class FastApiStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { env, shared } = props;
    this.useEntraTenant();

    const runtime = new WorkloadServiceAccount(this, "runtime", {
      projectId: env.projectId,
      accountId: "orders-api",
      description: `Cloud Run service orders-api (${env.name})`,
    });
    const database = this.environmentDatabase();
    database.grantReadWrite(runtime);

    const api = new FastApiEntraApi(this, "api", {
      tenantId: shared.entraTenantId,
      displayName: `Orders API (${env.name})`,
      appRoles: [
        {
          value: "Orders.Read",
          displayName: "Read orders",
          description: "Read orders and their status.",
          allowedMemberTypes: [EntraMemberType.USER, EntraMemberType.APPLICATION],
          members: [shared.entraEngineersGroupObjectId],
        },
        {
          value: "Orders.Write",
          displayName: "Write orders",
          description: "Create and update orders.",
          allowedMemberTypes: [EntraMemberType.APPLICATION],
        },
      ],
    });

    // Role assignment is required, so no one but the assigned managed identity gets a token for this audience.
    const googleAudience = new EntraAppRegistration(this, "google-audience", {
      tenantId: shared.entraTenantId,
      displayName: `Google Cloud federation: orders-api (${env.name})`,
      appRoles: [
        {
          value: "Google.Federate",
          displayName: "Federate to Google Cloud",
          description: "Exchange this token for the orders-api service account.",
          allowedMemberTypes: [EntraMemberType.APPLICATION],
          members: [env.apiManagedIdentityObjectId],
        },
      ],
    });

    const pool = new WorkloadIdentityPool(this, "azure", {
      projectId: env.projectId,
      poolId: `azure-${env.name}`,
      description: `Azure workloads of tenant ${shared.entraTenantId} (${env.name})`,
    });
    const entra = pool.addEntraIdProvider("entra", { application: googleAudience });
    runtime.allowImpersonation(entra.objectId(env.apiManagedIdentityObjectId));

    const github = new WorkloadIdentityPool(this, "github", {
      projectId: env.projectId,
      poolId: `github-${env.name}`,
      description: `GitHub Actions of ${shared.githubOwner} deploying to ${env.name}`,
    });
    const actions = github.addGitHubActionsProvider("actions", { owner: shared.githubOwner, ownerId: shared.githubOwnerId });
    const deployer = new WorkloadServiceAccount(this, "deployer", {
      projectId: env.projectId,
      accountId: "orders-api-deployer",
      description: `Deploys the orders API's Firestore indexes to ${env.name} from GitHub Actions`,
    });
    deployer.allowImpersonation(
      actions.workflow(shared.ordersApiRepository, ".github/workflows/deploy.yml", { ref: "refs/heads/main", repositoryId: shared.ordersApiRepositoryId }),
    );
    database.grantIndexAdmin(deployer);

    api.settings.overrideLogicalId("token_validation");
    new TerraformOutput(this, "runtime_service_account", { value: runtime.email, description: "Cloud Run: deploy orders-api with --service-account set to this" });
    new TerraformOutput(this, "azure_token_script", {
      value: entra.appServiceTokenScript(),
      description: "App Service: ship as /home/site/wwwroot/google-token.sh; prints the managed identity's token in Google's executable format",
    });
    new TerraformOutput(this, "azure_credential_configuration", {
      value: entra.appServiceCredentialConfiguration("/home/site/wwwroot/google-token.sh", { serviceAccount: runtime }),
      description: "external_account JSON for the API on App Service (runs azure_token_script); holds no secret. Set GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1",
    });
    new TerraformOutput(this, "github_auth", {
      value: actions.authActionInputs({ serviceAccount: deployer }),
      description: "inputs of the google-github-actions/auth step in .github/workflows/deploy.yml (job needs permissions id-token: write)",
    });
  }
}
