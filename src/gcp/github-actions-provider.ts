import { celStringLiteral } from "../core/cel";
import { EMAIL } from "../core/formats";
import { githubActionsIssuer } from "../core/issuers";
import { IServiceAccount } from "../core/principal";
import { check, checkEach, checkOptional, checkOptions, checkType, inputError, isUnresolved } from "../core/validate";
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
  checkConditionFits,
} from "./gcp-rules";
import { ProviderCommonOptions, WorkloadIdentityOidcProvider } from "./oidc-providers";
import type { WorkloadIdentityPool } from "./workload-identity-pool";
import { rememberPresetCel } from "../core/library-cel";

/*
 * Claims come from GitHub's OIDC reference (https://docs.github.com/en/actions/reference/security/oidc):
 * `repository_id` and `repository_owner_id` are immutable ids (strings); `workflow_ref` is
 * `owner/repo/.github/workflows/file.yml@ref` of the workflow that ran; `environment` is present
 * only in jobs that name an environment; `event_name` is the triggering event.
 */

/**
 * Events admitted unless `events` says otherwise: those only people who can push to or run the
 * repository's workflows start. Left out are events anyone can start on a public repository
 * that run the default branch's workflow with the repository's rights (`pull_request_target`,
 * `issue_comment`, `workflow_run`, `pull_request_review*`, `issues`, `discussion*`...): GitHub's
 * "Security hardening for GitHub Actions" warns about exactly these.
 */
export const GITHUB_DEFAULT_EVENTS: readonly string[] = ["push", "pull_request", "merge_group", "workflow_dispatch", "schedule", "release", "deployment"];

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
  // The reusable workflow a job runs; GitHub does not document when the claim is absent.
  "attribute.job_workflow_ref": 'has(assertion.job_workflow_ref) ? assertion.job_workflow_ref : "none"',
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
   * Admit only tokens of these events (`event_name`).
   * @default push, pull_request, merge_group, workflow_dispatch, schedule, release, deployment
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
  /** The events admitted (`event_name`). */
  public readonly events: string[];

  constructor(pool: WorkloadIdentityPool, id: string, options: GitHubActionsProviderOptions) {
    const site = `${pool.node.path}/${id}`;
    checkOptions(site, "", options, {
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
    if (options.events !== undefined && options.events.length === 0) throw inputError(site, "events", options.events, `must list at least one event (omit it for ${GITHUB_DEFAULT_EVENTS.join(", ")})`);
    const pins = [`assertion.repository_owner == ${celStringLiteral(owner)}`];
    if (options.ownerId !== undefined) pins.push(`assertion.repository_owner_id == ${celStringLiteral(options.ownerId)}`);
    const events = [...(options.events ?? GITHUB_DEFAULT_EVENTS)];
    pins.push(`assertion.event_name in [${events.map(celStringLiteral).join(", ")}]`);
    checkConditionFits(site, "events", events, pins.join(" && "));
    super(pool, id, {
      ...options,
      providerId: options.providerId ?? "github-actions",
      issuerUri: githubActionsIssuer(options.enterprise),
      attributeMapping: GITHUB_MAPPING,
      attributeCondition: pins.join(" && "),
    });
    rememberPresetCel(this);
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
    checkOptions(this, "options", options, { ref: "string?", repositoryId: "string?" });
    this.checkRepository(repository, options.repositoryId);
    checkOptional(this, "ref", options.ref, GITHUB_REF);
    const { ref, repositoryId } = options;
    const [attribute, value] =
      repositoryId === undefined
        ? ref === undefined ? ["repository", repository] : ["repository_ref", `${repository}:${ref}`]
        : ref === undefined ? ["repository_id", repositoryId] : ["repository_id_ref", `${repositoryId}:${ref}`];
    return this.principal(attribute, value, `${repository}${ref === undefined ? "" : `@${ref}`}${idLabel(repositoryId)}`);
  }

  /**
   * Runs of one workflow file of a repository (the `workflow_ref` claim) as the file is on
   * `ref`: another workflow of the same repository, even on the same branch, is a different
   * principal. Without `ref`, the file as anyone who can push a branch (or open a pull request
   * from one) edits it there is admitted too: give `ref` for deploys.
   */
  public workflow(repository: string, workflowPath: string, options: GitHubWorkflowOptions = {}): FederatedPrincipal {
    checkType(this, "workflowPath", workflowPath, "string");
    checkOptions(this, "options", options, { ref: "string?", repositoryId: "string?" });
    this.checkRepository(repository, options.repositoryId);
    check(this, "workflowPath", workflowPath, GITHUB_WORKFLOW_PATH);
    checkOptional(this, "ref", options.ref, GITHUB_REF);
    const { ref, repositoryId } = options;
    const workflow = `${repository}/${workflowPath}${ref === undefined ? "" : `@${ref}`}`;
    const attribute = `${repositoryId === undefined ? "" : "repository_id_"}${ref === undefined ? "workflow" : "workflow_ref"}`;
    return this.principal(attribute, repositoryId === undefined ? workflow : `${repositoryId}:${workflow}`, `${workflow}${idLabel(repositoryId)}`);
  }

  /**
   * Jobs of this owner's repositories that run a reusable workflow (`job_workflow_ref`), e.g.
   * a central deploy workflow in `acme/deploy-tools`, as it is on `ref` (a tag or branch of
   * that repository). Whichever repository of the owner calls it, the job runs that file.
   */
  public reusableWorkflow(repository: string, workflowPath: string, ref: string): FederatedPrincipal {
    checkType(this, "repository", repository, "string");
    checkType(this, "workflowPath", workflowPath, "string");
    checkType(this, "ref", ref, "string");
    check(this, "repository", repository, GITHUB_REPOSITORY);
    check(this, "workflowPath", workflowPath, GITHUB_WORKFLOW_PATH);
    check(this, "ref", ref, GITHUB_REF);
    const workflow = `${repository}/${workflowPath}@${ref}`;
    return this.principal("job_workflow_ref", workflow, `reusable/${workflow}`);
  }

  /**
   * Jobs of one repository that run in a deployment environment: GitHub applies the
   * environment's protection rules (required reviewers, deployment branches) before the job
   * gets its token. Only as strong as those rules: without a deployment branch policy, a
   * workflow on any pushed branch that names the environment gets in, and GitHub creates an
   * environment a workflow names that does not exist yet, with no rules.
   */
  public environment(repository: string, environment: string, options: GitHubEnvironmentOptions = {}): FederatedPrincipal {
    checkType(this, "environment", environment, "string");
    checkOptions(this, "options", options, { repositoryId: "string?" });
    this.checkRepository(repository, options.repositoryId);
    check(this, "environment", environment, GITHUB_ENVIRONMENT);
    const { repositoryId } = options;
    return this.principal(
      repositoryId === undefined ? "environment" : "repository_id_environment",
      `${repositoryId ?? repository}:${environment}`,
      `${repository}/environment/${environment}${idLabel(repositoryId)}`,
    );
  }

  /**
   * The inputs of a `google-github-actions/auth` step, as a JSON object string: the provider's
   * full resource name and, when given, the service account. Export it with a TerraformOutput.
   */
  public authActionInputs(options: GitHubAuthActionOptions = {}): string {
    checkOptions(this, "options", options, { serviceAccount: "object?" });
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
    // Conditions compare exactly, and tokens carry the owner as GitHub spells it.
    if (!isUnresolved(repository) && !isUnresolved(this.owner) && repository.split("/")[0] !== this.owner) {
      throw inputError(this, "repository", repository, `must belong to owner ${this.owner}, spelt the same way (the only owner this provider admits)`);
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

/** Principal names with and without an id differ, so construct ids never depend on call order. */
function idLabel(id: string | undefined): string {
  return id === undefined ? "" : `#${id}`;
}
