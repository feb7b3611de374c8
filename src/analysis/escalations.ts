/**
 * Escalation paths: ways an identity that may not reach a database directly can make
 * Google let it, by running code as an account, by changing who may act as an account or
 * what a project grants, or by creating a key. Each method below follows Google's own page
 * (cited beside it); RhinoSecurityLabs/GCP-IAM-Privilege-Escalation was the list of leads.
 *
 * Left out on purpose: Deployment Manager (`deploymentmanager.deployments.create`; Google
 * ended its support on 2026-03-31, https://cloud.google.com/deployment-manager/docs/deprecations),
 * custom role updates (`iam.roles.update`), and Kubernetes RBAC, which the configuration
 * does not show. Signing tokens and delegation chains are impersonation, which the
 * simulator follows itself.
 */
import { DISABLE_SERVICE_ACCOUNT_KEY_CREATION } from "../core/org-policy-constraints";
import { accountsCoveredBy } from "./acting-as";
import { ConditionVerdict, evaluateCondition, parseDatabaseName } from "./conditions";
import { GrantModel, IamModel, UNRESOLVED_MEMBER, memberKeysOf } from "./iam-model";
import { ParsedMember, parseMember, projectOfServiceAccount } from "./members";
import { RequestTarget, databaseRequestTarget } from "./request-target";
import { ACT_AS } from "./role-permissions";
// The simulator calls this module and this module reads the simulator's types; the values are used inside functions only.
import { AccessDecision, AccessStep, AccessStepKind, Actor, SimulatedAccessChain, anyMember, mergeChains } from "./access-simulator";

/** How one escalation step gets further. */
export enum EscalationMethod {
  /** Deploys a Cloud Run service or job (or a revision of one) that runs as an account it may actAs. */
  CLOUD_RUN = "cloud-run",
  /** Deploys a Cloud Function that runs as an account it may actAs. */
  CLOUD_FUNCTIONS = "cloud-functions",
  /** Runs a Cloud Build build as an account it may actAs (or the project's legacy Cloud Build account). */
  CLOUD_BUILD = "cloud-build",
  /** Creates a Compute Engine instance that runs as an account it may actAs. */
  COMPUTE_ENGINE = "compute-engine",
  /** Creates pods in a GKE cluster of a project, as any Kubernetes service account there. */
  GKE_WORKLOAD_IDENTITY = "gke-workload-identity",
  /** Edits a service account's IAM policy, so it can grant itself the right to impersonate the account. */
  SERVICE_ACCOUNT_IAM_POLICY = "service-account-iam-policy",
  /** Creates a key for a service account and signs in with it. */
  SERVICE_ACCOUNT_KEY = "service-account-key",
  /** Edits a project's (or folder's, organization's) IAM policy, so it can grant itself any role there. */
  PROJECT_IAM_POLICY = "project-iam-policy",
}

/** Options of AccessSimulator.explain. */
export interface ExplainOptions {
  /**
   * Search for escalation paths to the permissions the direct answer does not allow.
   * @default true
   */
  readonly includeEscalations?: boolean;
}

/** A path that reaches a requested permission through one or more escalation steps. */
export interface AccessEscalation {
  /** ALLOWED, or UNKNOWN when a step cannot be evaluated offline. */
  readonly decision: AccessDecision;
  /** Which of the requested permissions it reaches. */
  readonly permissions: string[];
  /** The escalation methods on the path, in order. */
  readonly methods: EscalationMethod[];
  /** The escalation in words, e.g. "deploys Cloud Run code as runtime@p.iam.gserviceaccount.com". */
  readonly summary: string;
  /**
   * The whole path, like a chain's: token and impersonation steps to the holder, one
   * ESCALATION step per binding an escalation needs (with its stack and address), then the
   * impersonation and grant steps from the account it leads to.
   */
  readonly steps: AccessStep[];
  /** Why the path is UNKNOWN; empty when ALLOWED. */
  readonly unknowns: string[];
}

/** What the search needs from the simulator: how actors become accounts and reach permissions. */
export interface EscalationContext {
  readonly model: IamModel;
  readonly time: Date;
  /** The actor and every service account it can become by impersonation. */
  become(actor: Actor): Actor[];
  /** The chains by which the actor holds the permission on the database (its name) or the project target. */
  reach(actor: Actor, target: string | RequestTarget, permission: string): SimulatedAccessChain[];
  /** The actor of a service account reached with these steps. */
  account(email: string, steps: AccessStep[], unknowns: string[]): Actor;
}

interface DeployMethod {
  readonly method: EscalationMethod;
  readonly permissions: readonly string[];
  readonly what: string;
}

/**
 * Deploying code that runs as an account: the service's own create/update permission plus
 * actAs on the account.
 * - Cloud Run: "creating or updating a service or revision" (and a job) needs Service
 *   Account User on the service identity:
 *   https://cloud.google.com/run/docs/configuring/services/service-identity ,
 *   https://cloud.google.com/run/docs/configuring/jobs/service-identity
 * - Cloud Functions: a role that can deploy functions needs Service Account User on the
 *   runtime service account: https://cloud.google.com/functions/docs/reference/iam/roles
 * - Cloud Build: a build with a user-specified service account needs actAs on it:
 *   https://cloud.google.com/build/docs/securing-builds/configure-user-specified-service-accounts
 * - Compute Engine: compute.instances.create on the project, and Service Account User on
 *   the account the VM runs as ("when a user connects to a VM, that user can use all of the
 *   IAM permissions granted to the service account"):
 *   https://cloud.google.com/compute/docs/access/create-enable-service-accounts-for-instances
 */
const DEPLOY_METHODS: readonly DeployMethod[] = [
  { method: EscalationMethod.CLOUD_RUN, permissions: ["run.services.create", "run.services.update", "run.jobs.create", "run.jobs.update"], what: "deploys Cloud Run code" },
  { method: EscalationMethod.CLOUD_FUNCTIONS, permissions: ["cloudfunctions.functions.create", "cloudfunctions.functions.update"], what: "deploys a Cloud Function" },
  { method: EscalationMethod.CLOUD_BUILD, permissions: ["cloudbuild.builds.create"], what: "runs a Cloud Build build" },
  { method: EscalationMethod.COMPUTE_ENGINE, permissions: ["compute.instances.create"], what: "creates a Compute Engine VM" },
];

/** https://cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy (and folders, organizations): the whole policy, any role. */
const PROJECT_SET_IAM_POLICY = "resourcemanager.projects.setIamPolicy";
const ABOVE_PROJECT_SET_IAM_POLICY = ["resourcemanager.folders.setIamPolicy", "resourcemanager.organizations.setIamPolicy"];
/** "Use this method to grant or revoke access to the service account", e.g. to impersonate it: https://cloud.google.com/iam/reference/rest/v1/projects.serviceAccounts/setIamPolicy */
const ACCOUNT_SET_IAM_POLICY = "iam.serviceAccounts.setIamPolicy";
/** A key authenticates as the account (https://cloud.google.com/iam/docs/keys-create-delete), unless iam.disableServiceAccountKeyCreation forbids creating it (https://cloud.google.com/iam/docs/troubleshoot-org-policies). */
const CREATE_KEY = "iam.serviceAccountKeys.create";
const KEY_CREATION_CONSTRAINT = DISABLE_SERVICE_ACCOUNT_KEY_CREATION;
/**
 * GKE's IAM roles apply to the Kubernetes API of every cluster in the project
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/iam); a pod runs as any
 * Kubernetes service account of its namespace, and Workload Identity makes that account
 * `…/PROJECT.svc.id.goog/subject/ns/NS/sa/KSA` to IAM
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity). RBAC grants
 * in the clusters are not in the configuration; only the IAM permission is followed.
 */
const CREATE_POD = "container.pods.create";
/** Attaching an account to a resource of another project needs this constraint off on the account's project: https://cloud.google.com/iam/docs/attach-service-accounts */
const CROSS_PROJECT_CONSTRAINT = "iam.disableCrossProjectServiceAccountUsage";
/** The legacy Cloud Build account, which a build that names none runs as: https://cloud.google.com/build/docs/cloud-build-service-account */
const LEGACY_BUILD_ACCOUNT = /^([0-9]+)@cloudbuild\.gserviceaccount\.com$/;

/** Every permission a step of this module reads, so a role is looked at once. */
const ESCALATION_PERMISSIONS: readonly string[] = [
  ACT_AS,
  ...DEPLOY_METHODS.flatMap((d) => d.permissions),
  PROJECT_SET_IAM_POLICY,
  ...ABOVE_PROJECT_SET_IAM_POLICY,
  ACCOUNT_SET_IAM_POLICY,
  CREATE_KEY,
  CREATE_POD,
];

const YES: ConditionVerdict = { verdict: "yes", reason: "" };
const NO: ConditionVerdict = { verdict: "no", reason: "" };

/** One binding that gives the holder an escalation permission. */
interface Held {
  readonly grant: GrantModel;
  readonly permission: string;
  readonly verdict: ConditionVerdict;
}

type Destination =
  | { readonly kind: "account"; readonly email: string }
  | { readonly kind: "gke"; readonly project: string }
  | { readonly kind: "policy"; readonly project?: string; readonly above?: string };

/** One escalation a holder can make: how, through which bindings, to where. */
export interface EscalationMove {
  readonly method: EscalationMethod;
  readonly summary: string;
  /** One ESCALATION step per binding the move needs. */
  readonly steps: AccessStep[];
  readonly verdict: ConditionVerdict;
  readonly to: Destination;
}

const rolePermissions = new WeakMap<IamModel, Map<string, readonly string[]>>();

/** The escalation permissions a role holds, once per model and role. Roles whose permissions are unknown hold none here. */
function escalationPermissionsOf(model: IamModel, role: string): readonly string[] {
  let byRole = rolePermissions.get(model);
  if (!byRole) rolePermissions.set(model, (byRole = new Map()));
  let held = byRole.get(role);
  if (!held) {
    const permissions = model.permissionsOf(role);
    byRole.set(role, (held = permissions ? ESCALATION_PERMISSIONS.filter((p) => permissions.has(p)) : []));
  }
  return held;
}

function combine(...verdicts: ConditionVerdict[]): ConditionVerdict {
  const no = verdicts.find((v) => v.verdict === "no");
  if (no) return no;
  const unknown = verdicts.filter((v) => v.verdict === "unknown");
  return unknown.length > 0 ? { verdict: "unknown", reason: unknown.map((u) => u.reason).join("; ") } : YES;
}

/**
 * A binding's condition for an escalation permission. The resource it is evaluated against
 * is the service, VM or account the step acts on, which this search does not name: a
 * condition that tests the resource is unknown rather than a guessed no.
 */
function holdingCondition(g: GrantModel, time: Date): ConditionVerdict {
  const v = evaluateCondition(g.condition, undefined, time);
  if (v.verdict === "no" && g.condition !== undefined && /\bresource\./.test(g.condition)) {
    return { verdict: "unknown", reason: `${g.resource.address}'s condition \`${g.condition}\` tests the resource the step acts on, which the configuration does not name` };
  }
  return v;
}

/** Does the role hold any permission an escalation step needs (for readers that list holders, like the access report)? */
export function holdsEscalationPermission(model: IamModel, role: string): boolean {
  return escalationPermissionsOf(model, role).length > 0;
}

/** The bindings naming the actor that give escalation permissions, by permission. */
function holdings(model: IamModel, actor: Actor, time: Date): Map<string, Held[]> {
  const out = new Map<string, Held[]>();
  for (const g of model.grantsWithMemberKeys(actor.keys)) {
    const permissions = escalationPermissionsOf(model, g.role);
    if (permissions.length === 0) continue;
    const member = anyMember(actor, g);
    if (member.verdict === "no") continue;
    const verdict = combine(member, holdingCondition(g, time));
    if (verdict.verdict === "no") continue;
    for (const permission of permissions) {
      // Deny before allow holds for a step's own permission too: a denied actAs or run.services.create is no step.
      const denial = model.denyRules.denies(actor, permission, projectOfGrant(g), undefined, time);
      if (denial.verdict === "yes") continue;
      let list = out.get(permission);
      if (!list) out.set(permission, (list = []));
      list.push({ grant: g, permission, verdict: denial.verdict === "unknown" ? combine(verdict, { verdict: "unknown", reason: denial.reason }) : verdict });
    }
  }
  return out;
}

/** The project whose deny policies judge a use of the binding's permission: the project granted, the account's, or the resource's. */
function projectOfGrant(g: GrantModel): string {
  if (g.level === "project") return g.target;
  if (g.level === "service_account") return projectOfServiceAccount(g.target) ?? "";
  return g.level === "other" ? (g.stack.projectOf(g.resource) ?? "") : "";
}

function where(g: GrantModel): string {
  return g.level === "service_account" ? `service account ${g.target}` : `${g.level.replace(/_/g, " ")} ${g.target || "(the provider's default project)"}`;
}

function escalationStep(h: Held, effect: string): AccessStep {
  const g = h.grant;
  const path = g.resource.path === g.resource.address ? undefined : g.resource.path;
  return { kind: AccessStepKind.ESCALATION, description: `holds ${h.permission} on ${where(g)} (${g.role}): ${effect}`, stack: g.stack.name, address: g.resource.address, constructPath: path };
}

/** Whether two project names are the same project, as far as the configuration tells. */
function sameProject(a: string, b: string, what: string): ConditionVerdict {
  if (a === b && a !== "" && !a.includes("${")) return YES;
  if (a === "" || b === "" || a.includes("${") || b.includes("${") || /^[0-9]+$/.test(a) !== /^[0-9]+$/.test(b)) {
    return { verdict: "unknown", reason: `${what}: project ${a || "(the provider's default)"} and project ${b || "(the provider's default)"} can be compared only after apply` };
  }
  return NO;
}

/** The accounts a binding on an account, a project or above covers (disabled accounts act for nobody). */
function accountsUnder(model: IamModel, g: GrantModel): Array<{ email: string; verdict: ConditionVerdict }> {
  return accountsCoveredBy(model, g).filter((t) => !model.disabledServiceAccounts.has(t.email));
}

/** The project a deploy permission is held in: the project granted, or the project of the one service or function granted. */
function deployProject(g: GrantModel): { project?: string; verdict: ConditionVerdict } {
  if (g.level === "project") return { project: g.target, verdict: YES };
  if (g.level === "other") return { project: g.stack.projectOf(g.resource) ?? "", verdict: YES };
  return { verdict: { verdict: "unknown", reason: `${g.resource.address} is on ${g.level} ${g.target}; which projects sit under it is not in the configuration` } };
}

function orgPolicyOn(model: IamModel, project: string, constraint: string) {
  return model.orgPolicies.find((p) => p.parent === `projects/${project}` && p.constraint === constraint);
}

/** Attaching an account of one project to a resource of another: allowed unless the account's project enforces the constraint. */
function crossProject(model: IamModel, deployIn: string | undefined, email: string): ConditionVerdict {
  const home = projectOfServiceAccount(email);
  if (deployIn !== undefined && home !== undefined && sameProject(deployIn, home, "").verdict === "yes") return YES;
  if (home !== undefined) {
    const policy = orgPolicyOn(model, home, CROSS_PROJECT_CONSTRAINT);
    if (policy?.enforced) return NO;
    if (policy) return YES;
  }
  return {
    verdict: "unknown",
    reason: `attaching ${email} to a resource of project ${deployIn ?? "(not named)"} works only where ${CROSS_PROJECT_CONSTRAINT} is not enforced on the account's project, which the configuration does not say`,
  };
}

function deployMoves(model: IamModel, held: Map<string, Held[]>): EscalationMove[] {
  const moves: EscalationMove[] = [];
  const actAs = held.get(ACT_AS) ?? [];
  for (const d of DEPLOY_METHODS) {
    const deploys = new Map<GrantModel, Held>();
    for (const p of d.permissions) for (const h of held.get(p) ?? []) if (!deploys.has(h.grant)) deploys.set(h.grant, h);
    for (const deploy of deploys.values()) {
      const { project, verdict: scope } = deployProject(deploy.grant);
      for (const a of actAs) {
        for (const target of accountsUnder(model, a.grant)) {
          const v = combine(deploy.verdict, scope, a.verdict, target.verdict, crossProject(model, project, target.email));
          if (v.verdict === "no") continue;
          moves.push({
            method: d.method,
            summary: `${d.what} as ${target.email}`,
            steps: [escalationStep(deploy, `${d.what} in project ${project ?? deploy.grant.target}`), escalationStep(a, `attaches ${target.email} to it, so the code runs as ${target.email}`)],
            verdict: v,
            to: { kind: "account", email: target.email },
          });
        }
      }
      // A build that names no account runs as the project's legacy Cloud Build account, without actAs; it is named by project number.
      if (d.method === EscalationMethod.CLOUD_BUILD && project !== undefined) {
        for (const email of model.serviceAccounts) {
          const number = LEGACY_BUILD_ACCOUNT.exec(email)?.[1];
          if (number === undefined || number !== project || model.disabledServiceAccounts.has(email)) continue;
          moves.push({
            method: d.method,
            summary: `runs a Cloud Build build as the project's legacy Cloud Build account ${email}`,
            steps: [escalationStep(deploy, `runs a build that names no account, so it runs as ${email}`)],
            verdict: combine(deploy.verdict, scope),
            to: { kind: "account", email },
          });
        }
      }
    }
  }
  return moves;
}

function accountMoves(model: IamModel, held: Map<string, Held[]>): EscalationMove[] {
  const moves: EscalationMove[] = [];
  for (const h of held.get(ACCOUNT_SET_IAM_POLICY) ?? []) {
    for (const target of accountsUnder(model, h.grant)) {
      const v = combine(h.verdict, target.verdict);
      moves.push({
        method: EscalationMethod.SERVICE_ACCOUNT_IAM_POLICY,
        summary: `grants itself impersonation of ${target.email} in the account's IAM policy`,
        steps: [escalationStep(h, `can grant itself roles/iam.serviceAccountTokenCreator on ${target.email}, and become it`)],
        verdict: v,
        to: { kind: "account", email: target.email },
      });
    }
  }
  for (const h of held.get(CREATE_KEY) ?? []) {
    for (const target of accountsUnder(model, h.grant)) {
      const home = projectOfServiceAccount(target.email);
      if (home !== undefined && orgPolicyOn(model, home, KEY_CREATION_CONSTRAINT)?.enforced) continue;
      moves.push({
        method: EscalationMethod.SERVICE_ACCOUNT_KEY,
        summary: `creates a key for ${target.email} and signs in with it`,
        steps: [escalationStep(h, `creates a key for ${target.email} and signs in as it (no ${KEY_CREATION_CONSTRAINT} on project ${home ?? "(unknown)"} in these stacks)`)],
        verdict: combine(h.verdict, target.verdict),
        to: { kind: "account", email: target.email },
      });
    }
  }
  return moves;
}

function policyMoves(model: IamModel, held: Map<string, Held[]>): EscalationMove[] {
  const moves: EscalationMove[] = [];
  for (const h of held.get(PROJECT_SET_IAM_POLICY) ?? []) {
    if (h.grant.level !== "project") continue;
    const project = h.grant.target;
    moves.push({
      method: EscalationMethod.PROJECT_IAM_POLICY,
      summary: `grants itself any role on project ${project || "(the provider's default)"}`,
      steps: [escalationStep(h, `can grant itself any role on project ${project || "(the provider's default)"}`)],
      verdict: h.verdict,
      to: { kind: "policy", project },
    });
    // The same policy can give it impersonation of every account of the project.
    for (const email of model.serviceAccountsOfProject(project)) {
      if (model.disabledServiceAccounts.has(email)) continue;
      moves.push({
        method: EscalationMethod.PROJECT_IAM_POLICY,
        summary: `grants itself impersonation of ${email} on project ${project}`,
        steps: [escalationStep(h, `can grant itself roles/iam.serviceAccountTokenCreator on project ${project}, and become ${email}`)],
        verdict: h.verdict,
        to: { kind: "account", email },
      });
    }
  }
  for (const permission of [PROJECT_SET_IAM_POLICY, ...ABOVE_PROJECT_SET_IAM_POLICY]) {
    for (const h of held.get(permission) ?? []) {
      if (h.grant.level !== "folder" && h.grant.level !== "organization") continue;
      const above = `${h.grant.level} ${h.grant.target}`;
      moves.push({
        method: EscalationMethod.PROJECT_IAM_POLICY,
        summary: `grants itself any role on ${above}, which projects under it inherit`,
        steps: [escalationStep(h, `can grant itself any role on ${above}, which every project under it inherits`)],
        verdict: h.verdict,
        to: { kind: "policy", above },
      });
    }
  }
  return moves;
}

function gkeMoves(held: Map<string, Held[]>): EscalationMove[] {
  return (held.get(CREATE_POD) ?? [])
    .filter((h) => h.grant.level === "project" && /^[a-z][a-z0-9-]*[a-z0-9]$/.test(h.grant.target))
    .map((h) => ({
      method: EscalationMethod.GKE_WORKLOAD_IDENTITY,
      summary: `creates pods in the GKE clusters of project ${h.grant.target}, as any of their Kubernetes service accounts`,
      steps: [escalationStep(h, `creates pods in every GKE cluster of project ${h.grant.target}, running as any Kubernetes service account (${h.grant.target}.svc.id.goog)`)],
      verdict: h.verdict,
      to: { kind: "gke", project: h.grant.target },
    }));
}

/** Every escalation the actor can make with the bindings that name it. */
export function escalationMoves(model: IamModel, actor: Actor, time: Date): EscalationMove[] {
  const held = holdings(model, actor, time);
  if (held.size === 0) return [];
  const moves = [...deployMoves(model, held), ...accountMoves(model, held), ...policyMoves(model, held), ...gkeMoves(held)];
  // Definite moves first: the search takes each destination once, by the first move that reaches it.
  return [...moves.filter((m) => m.verdict.verdict === "yes"), ...moves.filter((m) => m.verdict.verdict !== "yes")];
}

/** Any pod of any GKE cluster in the project: every Kubernetes service account of its workload pool. */
export function gkeWorkloadActor(project: string, steps: AccessStep[], unknowns: string[]): Actor {
  const poolId = `${project}.svc.id.goog`;
  const matches = (m: ParsedMember): ConditionVerdict => {
    if (m.kind === "federated") return m.pool.poolId === poolId ? YES : NO;
    if (m.kind === "public") return m.raw === "allAuthenticatedUsers" ? { verdict: "unknown", reason: "Google does not document whether allAuthenticatedUsers includes federated identities" } : YES;
    if (m.kind === "other" && m.raw.includes("${")) return { verdict: "unknown", reason: `member ${m.raw} is a reference Terraform fills in` };
    return NO;
  };
  // A deny rule naming some of the pool's Kubernetes accounts does not deny a pod that runs as another one.
  const denyMatches = (m: ParsedMember): ConditionVerdict =>
    m.kind === "federated" && m.pool.poolId === poolId && m.key !== "*"
      ? { verdict: "unknown", reason: `${m.raw} names some Kubernetes service accounts of project ${project}; a pod may run as another one` }
      : matches(m);
  return {
    label: `any Kubernetes service account of project ${project}'s GKE clusters`,
    matches,
    denyMatches,
    federated: true,
    members: [`principalSet://iam.googleapis.com/projects/${project}/locations/global/workloadIdentityPools/${poolId}/*`],
    keys: [`pool:${poolId}`, "public", UNRESOLVED_MEMBER],
    steps,
    unknowns,
  };
}

/** The identity a binding's member string names, exactly as written (for reports and rules, which start from bindings). */
export function memberActor(member: string): Actor {
  const parsed = parseMember(member);
  return {
    label: member,
    matches: (m: ParsedMember) => (m.raw === member ? YES : NO),
    members: [member],
    keys: memberKeysOf(parsed),
    steps: [],
    unknowns: [],
    serviceAccount: parsed.kind === "google" && parsed.type === "serviceAccount" ? parsed.value : undefined,
  };
}

function destinationKey(to: Destination): string {
  return to.kind === "account" ? `sa:${to.email}` : to.kind === "gke" ? `gke:${to.project}` : `policy:${to.project ?? to.above}`;
}

/**
 * From the actors (the requester and every account it can already become), every
 * escalation step, followed to any depth (each account, cluster project and policy once),
 * and the paths whose end reaches a permission on the database. Looks only at the bindings
 * naming each actor (IamModel.grantsWithMemberKeys), never at every grant.
 */
export function findEscalations(ctx: EscalationContext, actors: readonly Actor[], on: string | RequestTarget, permissions: readonly string[]): AccessEscalation[] {
  const db = typeof on === "string" ? parseDatabaseName(on) : undefined;
  const target = typeof on === "string" ? (db ? databaseRequestTarget(on, db.project) : undefined) : on;
  if (permissions.length === 0 || !target) return [];
  const seen = new Set<string>(actors.filter((a) => a.serviceAccount).map((a) => `sa:${a.serviceAccount}`));
  const queue = actors.map((actor) => ({ actor, methods: [] as EscalationMethod[], summaries: [] as string[] }));
  const found: AccessEscalation[] = [];
  while (queue.length > 0) {
    const { actor, methods, summaries } = queue.shift()!;
    for (const move of escalationMoves(ctx.model, actor, ctx.time)) {
      const key = destinationKey(move.to);
      if (seen.has(key)) continue;
      seen.add(key);
      const path = { methods: [...methods, move.method], summaries: [...summaries, move.summary] };
      const steps = [...actor.steps, ...move.steps];
      const unknowns = [...actor.unknowns, ...(move.verdict.verdict === "unknown" ? [move.verdict.reason] : [])];
      if (move.to.kind === "policy") {
        const reach: ConditionVerdict =
          move.to.project !== undefined
            ? sameProject(move.to.project, target.project, `${move.steps[0].address} is on a project the ${target.database !== undefined ? "database's" : "request's"}`)
            : { verdict: "unknown", reason: `whether project ${target.project} sits under ${move.to.above} is not in the configuration` };
        if (reach.verdict === "no") continue;
        const all = [...unknowns, ...(reach.verdict === "unknown" ? [reach.reason] : [])];
        found.push({ decision: all.length > 0 ? AccessDecision.UNKNOWN : AccessDecision.ALLOWED, permissions: [...permissions], ...path, summary: path.summaries.join(", then "), steps, unknowns: all });
        continue;
      }
      const next = move.to.kind === "account" ? ctx.account(move.to.email, steps, unknowns) : gkeWorkloadActor(move.to.project, steps, unknowns);
      for (const reached of ctx.become(next)) {
        if (reached !== next && reached.serviceAccount !== undefined) {
          if (seen.has(`sa:${reached.serviceAccount}`)) continue;
          seen.add(`sa:${reached.serviceAccount}`);
        }
        for (const permission of permissions) {
          for (const chain of ctx.reach(reached, target, permission)) {
            found.push({ decision: chain.decision, permissions: chain.permissions, ...path, summary: path.summaries.join(", then "), steps: chain.steps, unknowns: chain.unknowns });
          }
        }
        queue.push({ actor: reached, ...path });
      }
    }
  }
  // The same path found for several permissions is one escalation listing them all; allowed paths first.
  const all = mergeChains(found);
  return [...all.filter((e) => e.decision === AccessDecision.ALLOWED), ...all.filter((e) => e.decision !== AccessDecision.ALLOWED)];
}

/** Per permission, the best of the direct answer and the escalations: what a test or a gate should count. */
export function withEscalations(direct: ReadonlyMap<string, AccessDecision>, escalations: readonly AccessEscalation[]): AccessDecision[] {
  return [...direct].map(([permission, decision]) => {
    if (decision === AccessDecision.ALLOWED) return decision;
    const reaching = escalations.filter((e) => e.permissions.includes(permission));
    if (reaching.some((e) => e.decision === AccessDecision.ALLOWED)) return AccessDecision.ALLOWED;
    return reaching.length > 0 ? AccessDecision.UNKNOWN : decision;
  });
}
