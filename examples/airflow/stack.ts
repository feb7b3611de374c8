import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { Fn, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AirflowEntraLogin, WorkloadServiceAccount } from "../../src";
import { EnvironmentStack, ExampleStackProps } from "../shared/environment-stack";

const NAMESPACE = "airflow";
/** Airflow's Secret Manager backend looks connections up as `<prefix>-<conn_id>`. */
const CONNECTIONS_PREFIX = "airflow-connections";
const SECRETS_BACKEND = "airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend";

/**
 * Airflow on GKE: workers and triggerers run as a keyless service account (GKE Workload
 * Identity) with read/write on this environment's database and read access to the
 * `airflow-connections-*` secrets only; the web UI signs users in with Entra ID and maps
 * their app roles to Admin/Op/User/Viewer. In prod only the admins group is Admin.
 */
export class AirflowStack extends EnvironmentStack {
  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const { env, shared } = props;
    this.useEntraTenant();
    this.useTimeProvider();

    const workers = new WorkloadServiceAccount(this, "workers", {
      projectId: env.projectId,
      accountId: "airflow-workers",
      description: `Airflow workers and triggerers on GKE (${env.name}): run DAG tasks against Firestore`,
    });
    const workerPods = ["airflow-worker", "airflow-triggerer"];
    for (const serviceAccountName of workerPods) workers.allowKubernetesWorkload({ namespace: NAMESPACE, serviceAccountName });
    this.environmentDatabase().grantReadWrite(workers);

    // Secret Manager names secrets by project number in IAM conditions, not by project id.
    const project = new DataGoogleProject(this, "project", { projectId: env.projectId });
    new ProjectIamMember(this, "workers-read-connections", {
      project: env.projectId,
      role: "roles/secretmanager.secretAccessor",
      member: workers.iamMember,
      condition: {
        title: "airflow connections only",
        description: `Secrets named ${CONNECTIONS_PREFIX}-*`,
        // jsonencode() quotes what Terraform fills in, so the value stays one CEL string (guardrail FSI-CEL-002).
        expression: `resource.name.startsWith(${Fn.jsonencode(`projects/${project.number}/secrets/${CONNECTIONS_PREFIX}-`)})`,
      },
    });

    // The API server (web UI) is the only reader of the Entra client secret.
    const webserver = new WorkloadServiceAccount(this, "webserver", {
      projectId: env.projectId,
      accountId: "airflow-webserver",
      description: `Airflow API server on GKE (${env.name}): reads the Entra ID client secret`,
    });
    webserver.allowKubernetesWorkload({ namespace: NAMESPACE, serviceAccountName: "airflow-api-server" });

    const everyEngineer = [shared.entraEngineersGroupObjectId];
    const login = new AirflowEntraLogin(this, "login", {
      tenantId: shared.entraTenantId,
      displayName: `Airflow (${env.name})`,
      baseUrl: `https://${env.airflowHost}`,
      admins: this.isProd ? [shared.entraAdminsGroupObjectId] : [shared.entraAdminsGroupObjectId, ...everyEngineer],
      ops: [shared.entraOperatorsGroupObjectId],
      users: this.isProd ? everyEngineer : [],
      viewers: [shared.entraViewersGroupObjectId],
      extraRedirectUris: env.name === "dev" ? ["http://localhost:8080/auth/oauth-authorized/azure"] : [],
      clientSecret: {
        projectId: env.projectId,
        secretId: "airflow-webserver-entra-client-secret",
        accessors: [webserver],
        rotationDays: this.isProd ? 30 : 60,
      },
    });

    login.settings.overrideLogicalId("webserver_config");

    new TerraformOutput(this, "gcp_connection", {
      description: "Airflow settings for keyless Google access: annotate the Kubernetes service accounts, use the Secret Manager backend",
      value: {
        kubernetes_service_account_annotations: {
          ...Object.fromEntries(workerPods.map((name) => [name, { "iam.gke.io/gcp-service-account": workers.email }])),
          "airflow-api-server": { "iam.gke.io/gcp-service-account": webserver.email },
        },
        // google_cloud_default with no key: the library's Application Default Credentials are the pod's.
        google_cloud_default: `google-cloud-platform://?project=${env.projectId}`,
        AIRFLOW__SECRETS__BACKEND: SECRETS_BACKEND,
        AIRFLOW__SECRETS__BACKEND_KWARGS: JSON.stringify({ connections_prefix: CONNECTIONS_PREFIX, variables_prefix: null, config_prefix: null, project_id: env.projectId, sep: "-" }),
      },
    });
  }
}
