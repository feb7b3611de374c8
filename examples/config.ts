import { readFileSync } from "fs";

/**
 * The example environments. Every default is a placeholder that synthesizes offline.
 * Point the examples at real values with a JSON file named by EXAMPLES_CONFIG, shaped
 * like `ExamplesConfig` (any subset; environments are merged by name), e.g.
 *
 *   { "shared": { "entraTenantId": "…" }, "environments": { "prod": { "projectId": "…" } } }
 *
 * Values are validated by the constructs that use them, so a bad one fails synth with
 * the construct path and the rule.
 */
export type EnvironmentName = "dev" | "staging" | "prod";

export interface SharedConfig {
  /** Entra ID tenant that signs users in and issues API tokens. */
  readonly entraTenantId: string;
  /** Buildkite organization slug whose agents deploy. */
  readonly buildkiteOrganization: string;
  /** The organization's UUID (Organization Settings, or the GraphQL API): slugs can be re-created, ids cannot. */
  readonly buildkiteOrganizationId: string;
  /** UUID of the firestore-deploy pipeline (its Settings page, or the REST API's `id`). */
  readonly buildkiteDeployPipelineId: string;
  /** GitHub organization that owns the orders API repository. */
  readonly githubOwner: string;
  /** Its numeric id (`gh api orgs/OWNER --jq .id`): owner names can be re-registered, ids cannot. */
  readonly githubOwnerId: string;
  /** The orders API repository, `owner/name`. */
  readonly ordersApiRepository: string;
  /** Its numeric id (`gh api repos/OWNER/NAME --jq .id`). */
  readonly ordersApiRepositoryId: string;
  /** Entra group of the data platform admins: the only Airflow Admins in prod. */
  readonly entraAdminsGroupObjectId: string;
  /** Entra group of Airflow operators. */
  readonly entraOperatorsGroupObjectId: string;
  /** Entra group of everyone who may view Airflow. */
  readonly entraViewersGroupObjectId: string;
  /** Entra group of engineers who may use the API and Airflow as User. */
  readonly entraEngineersGroupObjectId: string;
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** GCP project holding this environment's Firestore database and workloads. */
  readonly projectId: string;
  /** Firestore database id, or "(default)". */
  readonly databaseId: string;
  /** Firestore location, e.g. eur3 or europe-west1. */
  readonly locationId: string;
  /** Create the database (true) or refer to an existing one (false). */
  readonly manageDatabase: boolean;
  /** Bucket that keeps Firestore audit logs. Globally unique. */
  readonly auditBucketName: string;
  /** Location of the audit bucket, e.g. EU (keep it with the database's data). */
  readonly auditBucketLocation: string;
  readonly auditRetentionDays: number;
  /** Lock the audit bucket's retention (irreversible). */
  readonly auditRetentionLocked: boolean;
  /** Bucket that keeps managed exports of the database: a copy of the data. Globally unique. */
  readonly exportBucketName: string;
  /** How long an export cannot be deleted or altered. */
  readonly exportRetentionDays: number;
  /** Airflow web UI host name. */
  readonly airflowHost: string;
  /** Object id of the Azure managed identity that runs the API on Azure. */
  readonly apiManagedIdentityObjectId: string;
}

export interface ExamplesConfig {
  readonly shared: SharedConfig;
  readonly environments: readonly EnvironmentConfig[];
}

const PLACEHOLDERS: ExamplesConfig = {
  shared: {
    entraTenantId: "00000000-0000-4000-8000-000000000001",
    buildkiteOrganization: "acme",
    buildkiteOrganizationId: "0184990a-477b-4fa8-9968-496074483c77",
    buildkiteDeployPipelineId: "0184990a-4782-42b5-afc1-16715b10b110",
    githubOwner: "acme",
    githubOwnerId: "65",
    ordersApiRepository: "acme/orders-api",
    ordersApiRepositoryId: "74",
    entraAdminsGroupObjectId: "00000000-0000-4000-8000-0000000000a1",
    entraOperatorsGroupObjectId: "00000000-0000-4000-8000-0000000000a2",
    entraViewersGroupObjectId: "00000000-0000-4000-8000-0000000000a3",
    entraEngineersGroupObjectId: "00000000-0000-4000-8000-0000000000a4",
  },
  environments: (["dev", "staging", "prod"] as const).map((name) => ({
    name,
    projectId: `acme-firestore-${name}`,
    databaseId: `orders-${name}`,
    locationId: "eur3",
    manageDatabase: true,
    auditBucketName: `acme-firestore-audit-${name}`,
    auditBucketLocation: "EU",
    auditRetentionDays: name === "prod" ? 400 : 30,
    auditRetentionLocked: name === "prod",
    exportBucketName: `acme-firestore-exports-${name}`,
    exportRetentionDays: name === "prod" ? 30 : 7,
    airflowHost: name === "prod" ? "airflow.acme.example.com" : `airflow.${name}.acme.example.com`,
    apiManagedIdentityObjectId: `00000000-0000-4000-8000-0000000000${{ dev: "d1", staging: "d2", prod: "d3" }[name]}`,
  })),
};

interface ConfigOverrides {
  readonly shared?: Partial<SharedConfig>;
  readonly environments?: { readonly [name: string]: Partial<EnvironmentConfig> };
}

/** Placeholders, overridden by the JSON file named in EXAMPLES_CONFIG if set. */
export function loadExamplesConfig(env: NodeJS.ProcessEnv = process.env): ExamplesConfig {
  const file = env.EXAMPLES_CONFIG;
  if (!file) return PLACEHOLDERS;
  let overrides: ConfigOverrides;
  try {
    overrides = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`EXAMPLES_CONFIG=${file}: cannot read a JSON object from it: ${(e as Error).message}`);
  }
  const unknownEnvs = Object.keys(overrides.environments ?? {}).filter((n) => !PLACEHOLDERS.environments.some((e) => e.name === n));
  if (unknownEnvs.length > 0) {
    throw new Error(`EXAMPLES_CONFIG=${file}: unknown environment(s) ${unknownEnvs.join(", ")}; expected dev, staging, prod`);
  }
  // A misspelt key would silently keep a placeholder, and a deploy would target it.
  const unknownKeys = [
    ...Object.keys(overrides).filter((k) => k !== "shared" && k !== "environments"),
    ...Object.keys(overrides.shared ?? {}).filter((k) => !(k in PLACEHOLDERS.shared)).map((k) => `shared.${k}`),
    ...Object.entries(overrides.environments ?? {}).flatMap(([name, e]) =>
      Object.keys(e ?? {}).filter((k) => !(k in PLACEHOLDERS.environments[0])).map((k) => `environments.${name}.${k}`),
    ),
  ];
  if (unknownKeys.length > 0) {
    throw new Error(`EXAMPLES_CONFIG=${file}: unknown key(s) ${unknownKeys.join(", ")}; see ExamplesConfig in examples/config.ts`);
  }
  return {
    shared: { ...PLACEHOLDERS.shared, ...overrides.shared },
    environments: PLACEHOLDERS.environments.map((e) => ({ ...e, ...overrides.environments?.[e.name], name: e.name })),
  };
}
