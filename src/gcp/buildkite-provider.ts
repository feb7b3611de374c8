import { Lazy } from "cdktf";
import { celStringLiteral } from "../core/cel";
import { ABSOLUTE_PATH } from "../core/formats";
import { BUILDKITE_ISSUER } from "../core/issuers";
import { check, checkEach, checkOptional, checkOptions, checkType, inputError, oneOf, pattern } from "../core/validate";
import { CredentialConfigurationOptions } from "./credential-configuration";
import { FederatedMatch, FederatedPrincipal } from "./federated-principal";
import { BUILDKITE_SLUG, GIT_BRANCH, checkConditionFits } from "./gcp-rules";
import { ProviderCommonOptions, WorkloadIdentityOidcProvider } from "./oidc-providers";
import type { WorkloadIdentityPool } from "./workload-identity-pool";
import { rememberPresetCel } from "../core/library-cel";

/*
 * Claims from Buildkite's OIDC reference (https://buildkite.com/docs/agent/cli/reference/oidc):
 * organization_slug, pipeline_slug, build_branch and build_source are in every token;
 * organization_id and pipeline_id (UUIDs) only when the agent asks with
 * `--claim organization_id,pipeline_id`. Buildkite calls slugs mutable (renaming changes
 * them, and a freed slug can name something else); the UUIDs never change. Buildkite writes
 * UUIDs in lower case, and conditions compare exactly.
 */

/** Buildkite's UUIDs, as its tokens carry them. */
const BUILDKITE_UUID = pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a UUID in lower case, as Buildkite writes it");

/** Values of `build_source`, the event that created the build (Buildkite's OIDC reference). */
const BUILD_SOURCES = ["ui", "api", "webhook", "trigger_job", "schedule"];

export interface BuildkiteProviderOptions extends ProviderCommonOptions {
  /** The organization every token must come from (Buildkite's issuer is shared by all). */
  readonly organizationSlug: string;
  /**
   * The organization's UUID (`organization_id`). When set, the condition pins it too and the
   * credential configuration asks the agent for the claim, so another organization that comes
   * to hold the slug cannot get in. Recommended.
   */
  readonly organizationId?: string;
  /** @default "buildkite" */
  readonly providerId?: string;
  /** Further restrict the provider to these pipelines (the condition lists them). */
  readonly pipelineSlugs?: string[];
  /**
   * Admit only builds created this way (`build_source`: ui, api, webhook, trigger_job,
   * schedule). `["webhook"]` admits only builds your source host's webhook created, whose
   * branch nobody typed: pushes, and pull requests too when the pipeline builds them (a fork's
   * pull request from its own `main` has branch `main` unless "Prefix third-party fork branch
   * names" is on). Turn fork pull request builds off, or the prefix on, for pipelines that deploy.
   * @default every source
   */
  readonly buildSources?: string[];
}

export interface BuildkitePipelineOptions {
  /**
   * Only builds of this branch (e.g. `main`). The branch is what the build was created with:
   * anyone allowed to create builds of the pipeline can type it (see buildSources).
   */
  readonly branch?: string;
  /**
   * The pipeline's UUID (`pipeline_id`): the principal then names it, and the credential
   * configuration asks the agent for the claim. Recommended.
   */
  readonly pipelineId?: string;
}

/** Buildkite agents' OIDC tokens, pinned to one organization. */
export class BuildkiteOidcProvider extends WorkloadIdentityOidcProvider {
  public readonly organizationSlug: string;
  public readonly organizationId?: string;
  /** Optional claims the agent must request for this provider's pins, filled in as principals are made. */
  private readonly requiredClaims = new Set<string>();

  constructor(pool: WorkloadIdentityPool, id: string, options: BuildkiteProviderOptions) {
    const site = `${pool.node.path}/${id}`;
    checkOptions(site, "", options, {
      organizationSlug: "string",
      organizationId: "string?",
      providerId: "string?",
      pipelineSlugs: "string[]?",
      buildSources: "string[]?",
      displayName: "string?",
      description: "string?",
      allowedAudiences: "string[]?",
    });
    const org = check(site, "organizationSlug", options.organizationSlug, BUILDKITE_SLUG);
    checkOptional(site, "organizationId", options.organizationId, BUILDKITE_UUID);
    checkEach(site, "pipelineSlugs", options.pipelineSlugs, BUILDKITE_SLUG);
    checkEach(site, "buildSources", options.buildSources, oneOf(BUILD_SOURCES));
    if (options.buildSources !== undefined && options.buildSources.length === 0) throw inputError(site, "buildSources", options.buildSources, "must list at least one source (omit it to admit every source)");
    const pins = [`assertion.organization_slug == ${celStringLiteral(org)}`];
    if (options.organizationId !== undefined) pins.push(`assertion.organization_id == ${celStringLiteral(options.organizationId)}`);
    const pipelines = options.pipelineSlugs ?? [];
    if (pipelines.length > 0) pins.push(`assertion.pipeline_slug in [${pipelines.map(celStringLiteral).join(", ")}]`);
    if (options.buildSources !== undefined) pins.push(`assertion.build_source in [${options.buildSources.map(celStringLiteral).join(", ")}]`);
    checkConditionFits(site, "pipelineSlugs", pipelines, pins.join(" && "));
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
        // Tokens requested without --claim pipeline_id stay admitted; "none" is no pipeline UUID.
        "attribute.pipeline_id": 'has(assertion.pipeline_id) ? assertion.pipeline_id : "none"',
        "attribute.pipeline_id_branch": 'has(assertion.pipeline_id) ? assertion.pipeline_id + ":" + assertion.build_branch : "none"',
      },
      attributeCondition: pins.join(" && "),
    });
    rememberPresetCel(this);
    this.organizationSlug = org;
    this.organizationId = options.organizationId;
    if (options.organizationId !== undefined) this.requiredClaims.add("organization_id");
    this._setDefaultCredentialSource({ executable: { command: this.requestTokenCommand("/usr/bin/buildkite-agent"), timeout_millis: 30000 } });
  }

  /**
   * Builds of one pipeline in this organization, optionally of one branch only. Slug values
   * carry the organization, so two Buildkite providers in one pool never overlap; a pipeline
   * UUID names one pipeline of all Buildkite.
   */
  public pipeline(pipelineSlug: string, options: BuildkitePipelineOptions = {}): FederatedPrincipal {
    checkType(this, "pipelineSlug", pipelineSlug, "string");
    checkOptions(this, "options", options, { branch: "string?", pipelineId: "string?" });
    check(this, "pipelineSlug", pipelineSlug, BUILDKITE_SLUG);
    checkOptional(this, "branch", options.branch, GIT_BRANCH);
    checkOptional(this, "pipelineId", options.pipelineId, BUILDKITE_UUID);
    const pipeline = `${this.organizationSlug}/${pipelineSlug}`;
    const { branch, pipelineId } = options;
    if (pipelineId !== undefined) this.requiredClaims.add("pipeline_id");
    const key = pipelineId ?? pipeline;
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute: `${pipelineId === undefined ? "pipeline" : "pipeline_id"}${branch === undefined ? "" : "_branch"}`,
      value: branch === undefined ? key : `${key}:${branch}`,
      principalName: `${this.pool.poolId}/buildkite/${pipeline}${branch === undefined ? "" : `@${branch}`}${pipelineId === undefined ? "" : `#${pipelineId}`}`,
    });
  }

  /**
   * Credential configuration that runs `buildkite-agent oidc request-token` (agent
   * v3.107.0 or later for `--format gcp`). Pass `agentPath` when the agent is not at
   * /usr/bin/buildkite-agent.
   */
  public agentCredentialConfiguration(agentPath: string, options: CredentialConfigurationOptions = {}): string {
    checkType(this, "agentPath", agentPath, "string");
    check(this, "agentPath", agentPath, ABSOLUTE_PATH);
    return this.credentialConfiguration({ ...options, executableCommand: this.requestTokenCommand(agentPath) });
  }

  /**
   * The agent command that prints a token this provider admits: its audience, the optional
   * claims its pins read (decided at synth, after every principal is made), Google's format.
   * Google's libraries split the command on spaces, so no argument may hold one.
   */
  private requestTokenCommand(agentPath: string): string {
    const claims = Lazy.stringValue({ produce: () => (this.requiredClaims.size === 0 ? "" : ` --claim ${[...this.requiredClaims].sort().join(",")}`) });
    return `${agentPath} oidc request-token --audience ${this.tokenAudience}${claims} --format gcp`;
  }
}

