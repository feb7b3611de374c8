import { celStringLiteral } from "../core/cel";
import { EMAIL } from "../core/formats";
import { githubActionsIssuer } from "../core/issuers";
import { IServiceAccount } from "../core/principal";
import { check, checkEach, checkOptional, checkShape, checkType, inputError, isUnresolved } from "../core/validate";
import { FederatedMatch, FederatedPrincipal } from "./federated-principal";
import {
  GITHUB_ENTERPRISE,
  GITHUB_ENVIRONMENT,
  GITHUB_EVENT,
  GITHUB_ID,
  GITHUB_OWNER,
  GITHUB_REF,
  GITHUB_REPOSITORY,
  GITHUB_WORKFLOW_PATH,
} from "./gcp-rules";
import { ProviderCommonOptions, WorkloadIdentityOidcProvider } from "./oidc-providers";
import type { WorkloadIdentityPool } from "./workload-identity-pool";

/*
 * Claims come from GitHub's OIDC reference (https://docs.github.com/en/actions/reference/security/oidc):
 * `repository_id` and `repository_owner_id` are immutable ids (strings); `workflow_ref` is
 * `owner/repo/.github/workflows/file.yml@ref` of the workflow that ran; `environment` is present
 * only in jobs that name an environment; `event_name` is the triggering event.
 */

/**
 * Runs a `pull_request_target` workflow on the base branch with the base repository's
 * privileges for a pull request anyone can open, so it is refused unless listed.
 */
const REFUSED_BY_DEFAULT = "pull_request_target";

/** The attributes every GitHub provider maps; principals below name them. */
const GITHUB_MAPPING: { [key: string]: string } = {
  "google.subject": "assertion.sub",
  "attribute.repository": "assertion.repository",
  "attribute.repository_owner": "assertion.repository_owner",
  "attribute.repository_ref": 'assertion.repository + ":" + assertion.ref',
  "attribute.repository_id": "assertion.repository_id",
  "attribute.repository_id_ref": 'assertion.repository_id + ":" + assertion.ref',
  "attribute.workflow": 'assertion.workflow_ref.extract("{workflow}@")',
  "attribute.workflow_ref": "assertion.workflow_ref",
  "attribute.repository_id_workflow": 'assertion.repository_id + ":" + assertion.workflow_ref.extract("{workflow}@")',
  "attribute.repository_id_workflow_ref": 'assertion.repository_id + ":" + assertion.workflow_ref',
  // Jobs without an environment lack the claim; mapping it would fail on their tokens. "none"
  // keeps them admitted and matches no principal, whose values all hold a ":". Not "", whose
  // handling Google does not document.
  "attribute.environment": 'has(assertion.environment) ? assertion.repository + ":" + assertion.environment : "none"',
  "attribute.repository_id_environment": 'has(assertion.environment) ? assertion.repository_id + ":" + assertion.environment : "none"',
};

export interface GitHubActionsProviderOptions extends ProviderCommonOptions {
  /** The user or organization whose workflows may federate. */
  readonly owner: string;
  /**
   * The owner's numeric id (`repository_owner_id`), as a string. When set, the condition pins
   * it too, so a deleted and re-registered owner name cannot take over. Recommended.
   */
  readonly ownerId?: string;
  /**
   * The enterprise slug when the enterprise uses its own issuer
   * (`https://token.actions.githubusercontent.com/<enterprise>`).
   */
  readonly enterprise?: string;
  /**
   * Admit only tokens of these events (`event_name`: push, workflow_dispatch, release...).
   * @default every event except pull_request_target
   */
  readonly events?: string[];
  /** @default "github-actions" */
  readonly providerId?: string;
}

export interface GitHubRepositoryOptions {
  /** Only this full ref, e.g. `refs/heads/main`. */
  readonly ref?: string;
  /**
   * The repository's numeric id (`repository_id`), as a string: the principal then names the
   * id, which a re-created repository of the same name does not have. Recommended.
   */
  readonly repositoryId?: string;
}

export interface GitHubWorkflowOptions {
  /** Only runs of the workflow file as it is on this full ref, e.g. `refs/heads/main`. */
  readonly ref?: string;
  /** The repository's numeric id, as a string (see GitHubRepositoryOptions). Recommended. */
  readonly repositoryId?: string;
}

export interface GitHubEnvironmentOptions {
  /** The repository's numeric id, as a string (see GitHubRepositoryOptions). Recommended. */
  readonly repositoryId?: string;
}

export interface GitHubAuthActionOptions {
  /** The account the workflow acts as; omit for direct resource access by the federated principal. */
  readonly serviceAccount?: IServiceAccount;
}

/** GitHub Actions OIDC tokens, pinned to one owner. */
export class GitHubActionsOidcProvider extends WorkloadIdentityOidcProvider {
  public readonly owner: string;
  public readonly ownerId?: string;
  /** The events admitted; empty when every event but pull_request_target is. */
  public readonly events: string[];

  constructor(pool: WorkloadIdentityPool, id: string, options: GitHubActionsProviderOptions) {
    const site = `${pool.node.path}/${id}`;
    checkShape(site, "", options, {
      owner: "string",
      ownerId: "string?",
      enterprise: "string?",
      events: "string[]?",
      providerId: "string?",
      displayName: "string?",
      description: "string?",
      allowedAudiences: "string[]?",
    });
    const owner = check(site, "owner", options.owner, GITHUB_OWNER);
    checkOptional(site, "ownerId", options.ownerId, GITHUB_ID);
    checkOptional(site, "enterprise", options.enterprise, GITHUB_ENTERPRISE);
    checkEach(site, "events", options.events, GITHUB_EVENT);
    if (options.events !== undefined && options.events.length === 0) throw inputError(site, "events", options.events, "must list at least one event (omit it to admit every event but pull_request_target)");
    const pins = [`assertion.repository_owner == ${celStringLiteral(owner)}`];
    if (options.ownerId !== undefined) pins.push(`assertion.repository_owner_id == ${celStringLiteral(options.ownerId)}`);
    const events = [...(options.events ?? [])];
    pins.push(events.length > 0 ? `assertion.event_name in [${events.map(celStringLiteral).join(", ")}]` : `assertion.event_name != ${celStringLiteral(REFUSED_BY_DEFAULT)}`);
    super(pool, id, {
      ...options,
      providerId: options.providerId ?? "github-actions",
      issuerUri: githubActionsIssuer(options.enterprise),
      attributeMapping: GITHUB_MAPPING,
      attributeCondition: pins.join(" && "),
    });
    this.owner = owner;
    this.ownerId = options.ownerId;
    this.events = events;
    this._setDefaultCredentialSource(
      undefined,
      "GitHub runners write no token file; use authActionInputs() with the google-github-actions/auth step, or pass credentialSourceFile or executableCommand for a token you fetch yourself",
    );
  }

  /** Workflows of one repository of this owner, optionally of one ref only. */
  public repository(repository: string, options: GitHubRepositoryOptions = {}): FederatedPrincipal {
    checkShape(this, "options", options, { ref: "string?", repositoryId: "string?" });
    this.checkRepository(repository, options.repositoryId);
    checkOptional(this, "ref", options.ref, GITHUB_REF);
    const { ref, repositoryId } = options;
    const [attribute, value] =
      repositoryId === undefined
        ? ref === undefined ? ["repository", repository] : ["repository_ref", `${repository}:${ref}`]
        : ref === undefined ? ["repository_id", repositoryId] : ["repository_id_ref", `${repositoryId}:${ref}`];
    return this.principal(attribute, value, `${repository}${ref === undefined ? "" : `@${ref}`}`);
  }

  /**
   * Runs of one workflow file of a repository (the `workflow_ref` claim), optionally only as
   * the file is on one ref. Another workflow of the same repository, even on the same
   * branch, is a different principal.
   */
  public workflow(repository: string, workflowPath: string, options: GitHubWorkflowOptions = {}): FederatedPrincipal {
    checkType(this, "workflowPath", workflowPath, "string");
    checkShape(this, "options", options, { ref: "string?", repositoryId: "string?" });
    this.checkRepository(repository, options.repositoryId);
    check(this, "workflowPath", workflowPath, GITHUB_WORKFLOW_PATH);
    checkOptional(this, "ref", options.ref, GITHUB_REF);
    const { ref, repositoryId } = options;
    const workflow = `${repository}/${workflowPath}${ref === undefined ? "" : `@${ref}`}`;
    const attribute = `${repositoryId === undefined ? "" : "repository_id_"}${ref === undefined ? "workflow" : "workflow_ref"}`;
    return this.principal(attribute, repositoryId === undefined ? workflow : `${repositoryId}:${workflow}`, workflow);
  }

  /**
   * Jobs of one repository that run in a deployment environment, so GitHub's protection rules
   * for it (required reviewers, branch policies) stand before the token is issued.
   */
  public environment(repository: string, environment: string, options: GitHubEnvironmentOptions = {}): FederatedPrincipal {
    checkType(this, "environment", environment, "string");
    checkShape(this, "options", options, { repositoryId: "string?" });
    this.checkRepository(repository, options.repositoryId);
    check(this, "environment", environment, GITHUB_ENVIRONMENT);
    const { repositoryId } = options;
    return this.principal(
      repositoryId === undefined ? "environment" : "repository_id_environment",
      `${repositoryId ?? repository}:${environment}`,
      `${repository}/environment/${environment}`,
    );
  }

  /**
   * The inputs of a `google-github-actions/auth` step, as a JSON object string: the provider's
   * full resource name and, when given, the service account. Export it with a TerraformOutput.
   */
  public authActionInputs(options: GitHubAuthActionOptions = {}): string {
    checkShape(this, "options", options, { serviceAccount: "object?" });
    const inputs: { [key: string]: string } = { workload_identity_provider: this.providerName };
    if (options.serviceAccount !== undefined) {
      inputs.service_account = check(this, "options.serviceAccount.email", options.serviceAccount.email, EMAIL);
    }
    // The action asks for `https://iam.googleapis.com/<provider>` unless told otherwise.
    if (this.allowedAudiences.length > 0) inputs.audience = this.allowedAudiences[0];
    return JSON.stringify(inputs);
  }

  private checkRepository(repository: string, repositoryId: string | undefined): void {
    checkType(this, "repository", repository, "string");
    check(this, "repository", repository, GITHUB_REPOSITORY);
    checkOptional(this, "repositoryId", repositoryId, GITHUB_ID);
    if (!isUnresolved(repository) && !isUnresolved(this.owner) && repository.split("/")[0].toLowerCase() !== this.owner.toLowerCase()) {
      throw inputError(this, "repository", repository, `must belong to owner ${this.owner}, the only owner this provider admits`);
    }
  }

  private principal(attribute: string, value: string, label: string): FederatedPrincipal {
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute,
      value,
      principalName: `${this.pool.poolId}/github/${label}`,
    });
  }
}
