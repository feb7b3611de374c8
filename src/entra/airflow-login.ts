import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { entraAuthorizeUrl, entraIssuer, entraJwksUri, entraOpenIdConfigurationUrl, entraTokenUrl } from "../core/issuers";
import { check, checkEach, checkShape, inputError } from "../core/validate";
import { EntraClientSecretOptions } from "./client-secret";
import { EntraAppRegistration, EntraAppRole, EntraMemberType } from "./entra-app-registration";
import { OBJECT_ID, REDIRECT_URI, TENANT_ID, WEB_BASE_URL } from "./entra-rules";
import { requireCdktfApp } from "../core/supported-core";

/** Which Airflow serves the login: the OAuth callback path moved in Airflow 3. */
export enum AirflowVersion {
  /** Callback `/oauth-authorized/azure`. */
  AIRFLOW_2 = "AIRFLOW_2",
  /** Callback `/auth/oauth-authorized/azure` (the FAB auth manager lives under /auth). */
  AIRFLOW_3 = "AIRFLOW_3",
}

const CALLBACK_PATH: Record<AirflowVersion, string> = {
  [AirflowVersion.AIRFLOW_2]: "/oauth-authorized/azure",
  [AirflowVersion.AIRFLOW_3]: "/auth/oauth-authorized/azure",
};

/** Airflow's built-in FAB roles, from most to least privileged. */
const FAB_ROLES = [
  { role: "Admin", description: "Full control of Airflow, including users and roles." },
  { role: "Op", description: "Operate Airflow: connections, variables, pools and all DAG actions." },
  { role: "User", description: "Trigger, clear and edit DAG runs and task instances." },
  { role: "Viewer", description: "Read-only access to DAGs, runs and logs." },
] as const;

export interface AirflowEntraLoginProps {
  readonly tenantId: string;
  /** Display name of the app registration, 1-256 characters. */
  readonly displayName: string;
  /** Where users reach the Airflow UI, e.g. `https://airflow.example.com` (a path prefix is kept). */
  readonly baseUrl: string;
  /** @default AirflowVersion.AIRFLOW_3 */
  readonly airflowVersion?: AirflowVersion;
  /**
   * Prefix of the app role values; `Airflow.` gives `Airflow.Admin`, `Airflow.Op`, ...
   * @default "Airflow."
   */
  readonly roleValuePrefix?: string;
  /** Object ids (users or groups) given the Admin role. */
  readonly admins?: string[];
  /** Object ids given the Op role. */
  readonly ops?: string[];
  /** Object ids given the User role. */
  readonly users?: string[];
  /** Object ids given the Viewer role. */
  readonly viewers?: string[];
  /** Object ids of the app registration's owners. */
  readonly owners?: string[];
  /** Further redirect URIs, e.g. `http://localhost:8080/auth/oauth-authorized/azure` for local testing. */
  readonly extraRedirectUris?: string[];
  /**
   * The client secret Airflow's webserver presents when redeeming the code, stored only in
   * Google Secret Manager. FAB's OAuth client needs one; leave it out only if you provide it otherwise.
   * @default no secret
   */
  readonly clientSecret?: EntraClientSecretOptions;
}

/**
 * Entra ID login for Airflow's FAB auth manager: app roles for Admin, Op, User and
 * Viewer, the OAuth callback, `email`/`upn` optional claims, role assignments, and a
 * Terraform output with everything `webserver_config.py` needs (no secret in it).
 */
export class AirflowEntraLogin extends Construct {
  public readonly application: EntraAppRegistration;
  /** The OAuth callback registered for Airflow. */
  public readonly redirectUri: string;
  /** App role value -> FAB role name; `AUTH_ROLES_MAPPING` maps each value to `[role]`. */
  public readonly authRolesMapping: { [key: string]: string };
  /** Non-sensitive settings for webserver_config.py (tenant, client id, endpoints, roles mapping). */
  public readonly settings: TerraformOutput;

  constructor(scope: Construct, id: string, props: AirflowEntraLoginProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, {
      tenantId: "string",
      displayName: "string",
      baseUrl: "string",
      airflowVersion: "string?",
      roleValuePrefix: "string?",
      admins: "string[]?",
      ops: "string[]?",
      users: "string[]?",
      viewers: "string[]?",
      owners: "string[]?",
      extraRedirectUris: "string[]?",
      clientSecret: "object?",
    });
    const tenantId = check(this, "tenantId", props.tenantId, TENANT_ID);
    const baseUrl = check(this, "baseUrl", props.baseUrl, WEB_BASE_URL).replace(/\/+$/, "");
    const version = props.airflowVersion ?? AirflowVersion.AIRFLOW_3;
    if (CALLBACK_PATH[version] === undefined) throw inputError(this, "airflowVersion", version, "must be AIRFLOW_2 or AIRFLOW_3");
    this.redirectUri = check(this, "baseUrl", `${baseUrl}${CALLBACK_PATH[version]}`, REDIRECT_URI);
    const prefix = props.roleValuePrefix ?? "Airflow.";

    const membersByRole: Record<string, string[] | undefined> = { Admin: props.admins, Op: props.ops, User: props.users, Viewer: props.viewers };
    for (const [role, members] of Object.entries(membersByRole)) checkEach(this, `${role.toLowerCase()}s`, members, OBJECT_ID);

    const appRoles: EntraAppRole[] = FAB_ROLES.map(({ role, description }) => ({
      value: `${prefix}${role}`,
      displayName: `Airflow ${role}`,
      description,
      allowedMemberTypes: [EntraMemberType.USER],
      members: membersByRole[role],
    }));
    this.authRolesMapping = Object.fromEntries(FAB_ROLES.map(({ role }) => [`${prefix}${role}`, role]));

    this.application = new EntraAppRegistration(this, "App", {
      tenantId,
      displayName: props.displayName,
      redirectUris: [this.redirectUri, ...(props.extraRedirectUris ?? [])],
      appRoles,
      // FAB takes the email from `email`, falling back to `upn`; both ride on the id token.
      optionalClaims: { idToken: ["email", "upn"], accessToken: ["email", "upn"] },
      accessTokenVersion: 2,
      owners: props.owners,
      clientSecret: props.clientSecret,
    });

    this.settings = new TerraformOutput(this, "Settings", {
      description: "Entra ID settings for Airflow's webserver_config.py (FAB AUTH_OAUTH, provider 'azure'); contains no secret",
      sensitive: false,
      value: {
        tenant_id: tenantId,
        client_id: this.application.clientId,
        authorize_url: entraAuthorizeUrl(tenantId),
        access_token_url: entraTokenUrl(tenantId),
        jwks_uri: entraJwksUri(tenantId),
        server_metadata_url: entraOpenIdConfigurationUrl(tenantId),
        id_token_issuer: entraIssuer(tenantId, 2),
        redirect_uri: this.redirectUri,
        auth_roles_mapping: Object.fromEntries(Object.entries(this.authRolesMapping).map(([value, role]) => [value, [role]])),
        // FAB applies mapped roles only at first login unless told to re-sync: without it,
        // someone removed from the admins group would stay Admin.
        auth_roles_sync_at_login: true,
        auth_user_registration: true,
        // Users who hold no app role get FAB's empty Public role, not a default one.
        auth_user_registration_role: "Public",
        client_secret_name: this.application.clientSecret?.secretName,
      },
    });
  }
}
