import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { EntraMemberType, FastApiEntraApi, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { EnvironmentStack, ExampleStackProps } from "../shared/environment-stack";

/**
 * The orders API (FastAPI): on Cloud Run it runs as a keyless service account with
 * read/write on this environment's database; callers present Entra ID v2 tokens carrying
 * the API's app roles. The same API on Azure, running as a managed identity, reaches
 * Firestore by federation: that one identity (by object id) may impersonate the runtime
 * account, nothing else in the tenant can.
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
    this.environmentDatabase().grantReadWrite(runtime);

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
          // The API's own managed identity on Azure needs a role to obtain a token for this API.
          members: [env.apiManagedIdentityObjectId],
        },
      ],
    });

    const pool = new WorkloadIdentityPool(this, "azure", {
      projectId: env.projectId,
      poolId: `azure-${env.name}`,
      description: `Azure workloads of tenant ${shared.entraTenantId} (${env.name})`,
    });
    const entra = pool.addEntraIdProvider("entra", { application: api.application });
    runtime.allowImpersonation(entra.objectId(env.apiManagedIdentityObjectId));

    api.settings.overrideLogicalId("token_validation");
    new TerraformOutput(this, "runtime_service_account", { value: runtime.email, description: "Cloud Run: deploy orders-api with --service-account set to this" });
    new TerraformOutput(this, "azure_credential_configuration", {
      value: entra.credentialConfiguration({ serviceAccount: runtime }),
      description: "external_account JSON for the API on Azure (token from the managed identity endpoint); holds no secret",
    });
  }
}
