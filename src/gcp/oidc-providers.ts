import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { Construct } from "constructs";
import { celStringLiteral, celSyntaxError, unquotedCelTokens } from "../core/cel";
import { ABSOLUTE_PATH, HTTPS_URL, UUID } from "../core/formats";
import { BUILDKITE_ISSUER, GITHUB_ACTIONS_ISSUER, azureManagedIdentityTokenUrl, entraIssuer } from "../core/issuers";
import { IEntraTokenAudience } from "../core/token-audience";
import { check, checkEach, checkOptional, checkShape, checkTextOptional, checkType, inputError, isUnresolved, oneOf } from "../core/validate";
import {
  CredentialConfigurationOptions,
  CredentialSource,
  DEFAULT_TOKEN_FILE,
  buildCredentialConfiguration,
} from "./credential-configuration";
import { FederatedMatch, FederatedPrincipal } from "./federated-principal";
import {
  ATTRIBUTE_CONDITION,
  ATTRIBUTE_KEY,
  ATTRIBUTE_VALUE,
  AUDIENCE,
  BUILDKITE_SLUG,
  GITHUB_OWNER,
  GITHUB_REF,
  GITHUB_REPOSITORY,
  GIT_BRANCH,
  MAPPING_EXPRESSION,
  MAX_ALLOWED_AUDIENCES,
  MAX_CUSTOM_ATTRIBUTES,
  POOL_DESCRIPTION,
  POOL_DISPLAY_NAME,
  SUBJECT_MAPPING,
  WORKLOAD_IDENTITY_ID,
} from "./gcp-rules";
import type { WorkloadIdentityPool } from "./workload-identity-pool";

/** Options every provider shares. */
export interface ProviderCommonOptions {
  /** At most 32 characters. @default the provider id */
  readonly displayName?: string;
  /** At most 256 characters. */
  readonly description?: string;
  /**
   * Accepted `aud` values (at most 10). When empty, tokens must carry the provider's own
   * resource name as audience (see `tokenAudience`), which no other relying party uses.
   */
  readonly allowedAudiences?: string[];
}

export interface OidcProviderOptions extends ProviderCommonOptions {
  /** 4-32 of [a-z0-9-], not starting with `gcp-`. */
  readonly providerId: string;
  /** https issuer URL; Google fetches its discovery document. */
  readonly issuerUri: string;
  /** CEL mappings; must include `google.subject`. */
  readonly attributeMapping: { [key: string]: string };
  /** CEL condition every token must satisfy. Required: it pins the issuer to your tenant/org. */
  readonly attributeCondition: string;
}

// Token sources per provider instance, kept out of the public (jsii) surface.
const defaultSources = new WeakMap<WorkloadIdentityOidcProvider, CredentialSource>();

/** A workload identity pool provider trusting one OIDC issuer under one condition. */
export class WorkloadIdentityOidcProvider extends Construct {
  public readonly pool: WorkloadIdentityPool;
  public readonly providerId: string;
  public readonly issuerUri: string;
  public readonly attributeCondition: string;
  public readonly attributeMapping: { [key: string]: string };
  public readonly allowedAudiences: string[];
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`. */
  public readonly providerName: string;
  /** The STS audience for credential configurations: `//iam.googleapis.com/<providerName>`. */
  public readonly stsAudience: string;
  /** The `aud` the workload must request for its OIDC token. */
  public readonly tokenAudience: string;
  public readonly resource: IamWorkloadIdentityPoolProvider;

  constructor(pool: WorkloadIdentityPool, id: string, options: OidcProviderOptions) {
    super(pool, id);
    checkShape(this, "", options, { providerId: "string", issuerUri: "string", attributeMapping: "string-map", attributeCondition: "string", displayName: "string?", description: "string?", allowedAudiences: "string[]?" });
    this.pool = pool;
    this.providerId = check(this, "providerId", options.providerId, WORKLOAD_IDENTITY_ID);
    this.issuerUri = check(this, "issuerUri", options.issuerUri, HTTPS_URL);
    const displayName = checkTextOptional(this, "displayName", options.displayName, POOL_DISPLAY_NAME);
    const description = checkTextOptional(this, "description", options.description, POOL_DESCRIPTION);
    this.attributeCondition = check(this, "attributeCondition", options.attributeCondition, ATTRIBUTE_CONDITION);
    this.attributeMapping = validateMapping(this, options.attributeMapping);
    // Presets write CEL the test suite parses; only expressions a user wrote are parsed here.
    if (new.target === WorkloadIdentityOidcProvider) checkCelSyntax(this, this.attributeCondition, this.attributeMapping);
    this.allowedAudiences = [...(options.allowedAudiences ?? [])];
    check(this, "allowedAudiences", this.allowedAudiences.length, {
      test: (n) => n <= MAX_ALLOWED_AUDIENCES,
      rule: `at most ${MAX_ALLOWED_AUDIENCES} audiences`,
    });
    checkEach(this, "allowedAudiences", this.allowedAudiences, AUDIENCE);

    this.resource = new IamWorkloadIdentityPoolProvider(this, "Resource", {
      project: pool.projectId,
      workloadIdentityPoolId: pool.resource.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: this.providerId,
      displayName: displayName ?? this.providerId,
      description,
      attributeMapping: this.attributeMapping,
      attributeCondition: this.attributeCondition,
      oidc: {
        issuerUri: this.issuerUri,
        allowedAudiences: this.allowedAudiences.length > 0 ? this.allowedAudiences : undefined,
      },
    });
    this.providerName = this.resource.name;
    this.stsAudience = `//iam.googleapis.com/${this.providerName}`;
    this.tokenAudience = this.allowedAudiences[0] ?? this.stsAudience;
    defaultSources.set(this, { file: DEFAULT_TOKEN_FILE });
  }

  /** Every identity from this pool whose `attribute.<attribute>` equals `value`. */
  public principalSet(attribute: string, value: string): FederatedPrincipal {
    return this.pool.principalSet(attribute, value);
  }

  /** One identity by its mapped `google.subject`. */
  public subject(subject: string): FederatedPrincipal {
    checkType(this, "subject", subject, "string");
    check(this, "subject", subject, ATTRIBUTE_VALUE);
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.SUBJECT,
      value: subject,
      principalName: `${this.pool.poolId}/${this.providerId}/subject/${subject}`,
    });
  }

  /**
   * The `external_account` JSON that Google's client libraries read (point
   * GOOGLE_APPLICATION_CREDENTIALS at it). It contains no secret; export it with a
   * TerraformOutput or write it next to the workload.
   */
  public credentialConfiguration(options?: CredentialConfigurationOptions): string {
    return buildCredentialConfiguration(this, this.stsAudience, defaultSources.get(this) ?? { file: DEFAULT_TOKEN_FILE }, options);
  }

  /** @internal presets replace the file source with the one their platform provides. */
  protected _setDefaultCredentialSource(source: CredentialSource): void {
    defaultSources.set(this, source);
  }
}

function validateMapping(provider: Construct, mapping: { [key: string]: string }): { [key: string]: string } {
  const keys = Object.keys(mapping ?? {}).sort();
  if (!keys.includes("google.subject")) {
    throw inputError(provider, "attributeMapping", keys, "must map google.subject");
  }
  for (const key of keys) check(provider, "attributeMapping key", key, ATTRIBUTE_KEY);
  const custom = keys.filter((k) => k.startsWith("attribute."));
  if (custom.length > MAX_CUSTOM_ATTRIBUTES) {
    throw inputError(provider, "attributeMapping", custom.length, `at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`);
  }
  for (const key of keys) check(provider, `attributeMapping["${key}"]`, mapping[key], MAPPING_EXPRESSION);
  check(provider, 'attributeMapping["google.subject"]', mapping["google.subject"], SUBJECT_MAPPING);
  // Sorted keys keep the synthesized JSON stable whatever order the caller wrote.
  return Object.fromEntries(keys.map((k) => [k, mapping[k]]));
}

function checkCelSyntax(provider: Construct, condition: string, mapping: { [key: string]: string }): void {
  const expressions: Array<[string, string]> = [["attributeCondition", condition], ...Object.keys(mapping).map((k): [string, string] => [`attributeMapping["${k}"]`, mapping[k]])];
  for (const [property, expression] of expressions) {
    if (unquotedCelTokens(expression).length > 0) {
      throw inputError(provider, property, expression, "a value Terraform fills in must be quoted with Fn.jsonencode(value) inside CEL, or Terraform pastes it in raw and a quote in it adds CEL of its own");
    }
    const error = celSyntaxError(expression);
    if (error !== undefined) throw inputError(provider, property, expression, `must be a CEL expression Google can parse; the parser says ${error}`);
  }
}


// ---------------------------------------------------------------- Buildkite

export interface BuildkiteProviderOptions extends ProviderCommonOptions {
  /** The organization every token must come from (Buildkite's issuer is shared by all). */
  readonly organizationSlug: string;
  /** @default "buildkite" */
  readonly providerId?: string;
  /** Further restrict the provider to these pipelines (the condition lists them). */
  readonly pipelineSlugs?: string[];
}

export interface BuildkitePipelineOptions {
  /** Only builds of this branch (e.g. `main`). */
  readonly branch?: string;
}

/** Buildkite agents' OIDC tokens, pinned to one organization. */
export class BuildkiteOidcProvider extends WorkloadIdentityOidcProvider {
  public readonly organizationSlug: string;

  constructor(pool: WorkloadIdentityPool, id: string, options: BuildkiteProviderOptions) {
    checkShape(`${pool.node.path}/${id}`, "", options, { organizationSlug: "string", providerId: "string?", pipelineSlugs: "string[]?", displayName: "string?", description: "string?", allowedAudiences: "string[]?" });
    const org = check(`${pool.node.path}/${id}`, "organizationSlug", options.organizationSlug, BUILDKITE_SLUG);
    checkEach(`${pool.node.path}/${id}`, "pipelineSlugs", options.pipelineSlugs, BUILDKITE_SLUG);
    const pinOrg = `assertion.organization_slug == ${celStringLiteral(org)}`;
    const pipelines = options.pipelineSlugs ?? [];
    const condition = pipelines.length > 0 ? `${pinOrg} && assertion.pipeline_slug in [${pipelines.map(celStringLiteral).join(", ")}]` : pinOrg;
    super(pool, id, {
      ...options,
      providerId: options.providerId ?? "buildkite",
      issuerUri: BUILDKITE_ISSUER,
      // Buildkite's default sub (org, pipeline, ref, commit, step) can pass 127 characters.
      attributeMapping: {
        "google.subject": '"organization:" + assertion.organization_slug + ":pipeline:" + assertion.pipeline_slug',
        "attribute.organization_slug": "assertion.organization_slug",
        "attribute.pipeline": 'assertion.organization_slug + "/" + assertion.pipeline_slug',
        "attribute.pipeline_branch": 'assertion.organization_slug + "/" + assertion.pipeline_slug + ":" + assertion.build_branch',
        "attribute.build_branch": "assertion.build_branch",
      },
      attributeCondition: condition,
    });
    this.organizationSlug = org;
    this._setDefaultCredentialSource({
      executable: {
        command: `/usr/bin/buildkite-agent oidc request-token --audience ${this.tokenAudience} --format gcp`,
        timeout_millis: 30000,
      },
    });
  }

  /**
   * Builds of one pipeline in this organization, optionally of one branch only. Values
   * carry the organization, so two Buildkite providers in one pool never overlap.
   */
  public pipeline(pipelineSlug: string, options: BuildkitePipelineOptions = {}): FederatedPrincipal {
    checkType(this, "pipelineSlug", pipelineSlug, "string");
    checkShape(this, "options", options, { branch: "string?" });
    check(this, "pipelineSlug", pipelineSlug, BUILDKITE_SLUG);
    checkOptional(this, "branch", options.branch, GIT_BRANCH);
    const pipeline = `${this.organizationSlug}/${pipelineSlug}`;
    const branch = options.branch;
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute: branch === undefined ? "pipeline" : "pipeline_branch",
      value: branch === undefined ? pipeline : `${pipeline}:${branch}`,
      principalName: `${this.pool.poolId}/buildkite/${pipeline}${branch === undefined ? "" : `@${branch}`}`,
    });
  }

  /**
   * Credential configuration that runs `buildkite-agent oidc request-token` (agent
   * v3.107.0 or later for `--format gcp`). Pass `agentPath` when the agent is not at
   * /usr/bin/buildkite-agent.
   */
  public agentCredentialConfiguration(agentPath: string, options: CredentialConfigurationOptions = {}): string {
    check(this, "agentPath", agentPath, ABSOLUTE_PATH);
    return this.credentialConfiguration({
      ...options,
      executableCommand: `${agentPath} oidc request-token --audience ${this.tokenAudience} --format gcp`,
    });
  }
}

// ---------------------------------------------------------------- GitHub Actions

export interface GitHubActionsProviderOptions extends ProviderCommonOptions {
  /** The user or organization whose workflows may federate. */
  readonly owner: string;
  /**
   * The owner's numeric id. When set, the condition pins it too, so a deleted and
   * re-registered owner name cannot take over.
   */
  readonly ownerId?: string;
  /** @default "github-actions" */
  readonly providerId?: string;
}

export interface GitHubRepositoryOptions {
  /** Only this full ref, e.g. `refs/heads/main`. */
  readonly ref?: string;
}

/** GitHub Actions OIDC tokens, pinned to one owner. */
export class GitHubActionsOidcProvider extends WorkloadIdentityOidcProvider {
  public readonly owner: string;

  constructor(pool: WorkloadIdentityPool, id: string, options: GitHubActionsProviderOptions) {
    checkShape(`${pool.node.path}/${id}`, "", options, { owner: "string", ownerId: "string?", providerId: "string?", displayName: "string?", description: "string?", allowedAudiences: "string[]?" });
    const site = `${pool.node.path}/${id}`;
    const owner = check(site, "owner", options.owner, GITHUB_OWNER);
    checkOptional(site, "ownerId", options.ownerId, { test: (v) => /^[0-9]{1,20}$/.test(v), rule: "owner id must be the numeric GitHub id" });
    const pins = [`assertion.repository_owner == ${celStringLiteral(owner)}`];
    if (options.ownerId !== undefined) pins.push(`assertion.repository_owner_id == ${celStringLiteral(options.ownerId)}`);
    super(pool, id, {
      ...options,
      providerId: options.providerId ?? "github-actions",
      issuerUri: GITHUB_ACTIONS_ISSUER,
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.repository_owner": "assertion.repository_owner",
        "attribute.repository_ref": 'assertion.repository + ":" + assertion.ref',
      },
      attributeCondition: pins.join(" && "),
    });
    this.owner = owner;
  }

  /** Workflows of one repository of this owner, optionally of one ref only. */
  public repository(repository: string, options: GitHubRepositoryOptions = {}): FederatedPrincipal {
    checkType(this, "repository", repository, "string");
    checkShape(this, "options", options, { ref: "string?" });
    check(this, "repository", repository, GITHUB_REPOSITORY);
    checkOptional(this, "ref", options.ref, GITHUB_REF);
    if (!isUnresolved(repository) && !isUnresolved(this.owner) && repository.split("/")[0].toLowerCase() !== this.owner.toLowerCase()) {
      throw inputError(this, "repository", repository, `must belong to owner ${this.owner}, the only owner this provider admits`);
    }
    const ref = options.ref;
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute: ref === undefined ? "repository" : "repository_ref",
      value: ref === undefined ? repository : `${repository}:${ref}`,
      principalName: `${this.pool.poolId}/github/${repository}${ref === undefined ? "" : `@${ref}`}`,
    });
  }
}

// ---------------------------------------------------------------- Entra ID

export interface EntraIdProviderOptions extends ProviderCommonOptions {
  /**
   * The app registration whose access tokens are exchanged; issuer, audience and token
   * version are derived from it. Give either this or tenantId + audience.
   */
  readonly application?: IEntraTokenAudience;
  /** Entra tenant id (a UUID). */
  readonly tenantId?: string;
  /** The `aud` of the tokens: client id for v2 tokens, identifier URI for v1. */
  readonly audience?: string;
  /** 1 or 2. @default 2 */
  readonly tokenVersion?: number;
  /** @default "entra-id" */
  readonly providerId?: string;
}

/** Entra ID access tokens of one tenant and one audience. */
export class EntraIdOidcProvider extends WorkloadIdentityOidcProvider {
  public readonly tenantId: string;
  public readonly tokenVersion: number;

  constructor(pool: WorkloadIdentityPool, id: string, options: EntraIdProviderOptions) {
    checkShape(`${pool.node.path}/${id}`, "", options, { application: "object?", tenantId: "string?", audience: "string?", tokenVersion: "number?", providerId: "string?", displayName: "string?", description: "string?", allowedAudiences: "string[]?" });
    const site = `${pool.node.path}/${id}`;
    const app = options.application;
    if (app && (options.tenantId !== undefined || options.audience !== undefined || options.tokenVersion !== undefined)) {
      throw new Error(`${site}: give either application or tenantId/audience/tokenVersion, not both; the application decides them`);
    }
    const tenantId = app ? app.tenantId : options.tenantId;
    const audience = app ? app.tokenAudience : options.audience;
    const version = app ? app.accessTokenVersion : options.tokenVersion ?? 2;
    if (tenantId === undefined) throw inputError(site, "tenantId", tenantId, "is required (or pass application)");
    if (audience === undefined) throw inputError(site, "audience", audience, "is required (or pass application)");
    check(site, "tenantId", tenantId, UUID);
    check(site, "tokenVersion", String(version), oneOf(["1", "2"]));
    check(site, "audience", audience, AUDIENCE);
    if (options.allowedAudiences !== undefined) {
      throw inputError(site, "allowedAudiences", options.allowedAudiences, "is derived from audience for Entra ID; set audience instead");
    }
    super(pool, id, {
      ...options,
      providerId: options.providerId ?? "entra-id",
      issuerUri: entraIssuer(tenantId, version),
      allowedAudiences: [audience],
      attributeMapping: {
        "google.subject": "assertion.sub",
        // App roles become groups so `appRole(value)` can use principalSet://.../group/VALUE.
        "google.groups": "has(assertion.roles) ? assertion.roles : []",
        "attribute.oid": "assertion.oid",
        "attribute.tid": "assertion.tid",
      },
      attributeCondition: `assertion.tid == ${celStringLiteral(tenantId)}`,
    });
    this.tenantId = tenantId;
    this.tokenVersion = version;
    // On Azure, the managed identity's token comes from the instance metadata service.
    this._setDefaultCredentialSource({
      url: azureManagedIdentityTokenUrl(audience),
      headers: { Metadata: "True" },
      format: { type: "json", subject_token_field_name: "access_token" },
    });
  }

  /** One Entra identity (user, service principal or managed identity) by object id. */
  public objectId(oid: string): FederatedPrincipal {
    checkType(this, "objectId", oid, "string");
    check(this, "objectId", oid, UUID);
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute: "oid",
      value: oid,
      principalName: `${this.pool.poolId}/entra/oid/${oid}`,
    });
  }

  /** Every identity whose token carries this app role in its `roles` claim. */
  public appRole(value: string): FederatedPrincipal {
    checkType(this, "appRole", value, "string");
    check(this, "appRole", value, ATTRIBUTE_VALUE);
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.GROUP,
      value,
      principalName: `${this.pool.poolId}/entra/role/${value}`,
    });
  }
}
