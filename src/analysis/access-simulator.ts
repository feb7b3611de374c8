import { ConditionVerdict, evaluateCondition, parseDatabaseName } from "./conditions";
import { ANY_GROUP, GrantModel, IamModel, UNRESOLVED_MEMBER } from "./iam-model";
import { AccessRequest, validateRequest } from "./access-request";
import { AccessEscalation, EscalationContext, ExplainOptions, findEscalations, withEscalations } from "./escalations";
import { SimulatorOptions, applyDeployed } from "./deployed-values";
import { ParsedMember, PoolRef, parseMember } from "./members";
import { resolveRequestSubjects } from "./request-subjects";
import { RequestTarget, conditionOnTarget, conditionTargetOf, databaseRequestTarget } from "./request-target";
import { unresolvedMemberVerdict, unresolvedValueVerdict } from "./known-kinds";
import { accountsCoveredBy, actingRoutes } from "./acting-as";
import { DenyRules } from "./deny-policies";
import { projectOfServiceAccount } from "./members";
import { loadSynthOutput, stackNameOf } from "./synth-output";
import { StackModel } from "./terraform-json";
import { Admission, FederatedIdentity, TokenClaims, acceptsAudience, admitGkeToken, admitThroughProvider, audiences } from "./token-admission";

export { AccessRequest } from "./access-request";
export { SimulatorOptions } from "./deployed-values";

/** The simulator's answer. */
export enum AccessDecision {
  ALLOWED = "allowed",
  DENIED = "denied",
  /** Something on the way cannot be evaluated offline; the reasons say what. Never a guessed denial. */
  UNKNOWN = "unknown",
}

/** What kind of link a step is. */
export enum AccessStepKind {
  /** A workload identity provider (or GKE) admitted the token. */
  TOKEN = "token",
  /** The identity mints a token for a service account. */
  IMPERSONATION = "impersonation",
  /** A role binding gives the permission on the database. */
  GRANT = "grant",
  /** A binding lets the identity escalate: deploy code as an account, change an IAM policy, create a key (see escalations). */
  ESCALATION = "escalation",
}

export interface AccessStep {
  readonly kind: AccessStepKind;
  /** The link in words. */
  readonly description: string;
  /** The stack and Terraform address that create the link, when one does. */
  readonly stack?: string;
  readonly address?: string;
  readonly constructPath?: string;
}

/** A path from the identity to the permission. */
export interface SimulatedAccessChain {
  /** ALLOWED, or UNKNOWN when a step cannot be evaluated offline. */
  readonly decision: AccessDecision;
  /** Which of the requested permissions this chain gives. */
  readonly permissions: string[];
  readonly steps: AccessStep[];
  /** Why the chain is UNKNOWN; empty when ALLOWED. */
  readonly unknowns: string[];
}

export interface AccessExplanation {
  readonly decision: AccessDecision;
  /** Every chain that allows a requested permission (or might: UNKNOWN). */
  readonly chains: SimulatedAccessChain[];
  /** When not allowed: where each candidate chain stopped, or what could not be evaluated. */
  readonly reasons: string[];
  /** The IAM members the requester is, directly (before any impersonation). */
  readonly members: string[];
  /** The permissions asked about. */
  readonly permissions: string[];
  /**
   * Paths to the permissions the direct answer does not allow, through escalation steps
   * (deploying code as an account, changing an IAM policy, creating a key), each step with
   * the bindings that give it. Empty when everything is allowed directly or the search is off.
   */
  readonly escalations: AccessEscalation[];
  /** The answer counting escalations as access: what a test or a gate should go by. `decision` stays the direct answer. */
  readonly decisionWithEscalations: AccessDecision;
}

/** Who is acting at one point of a chain: the requester, or a service account it became. */
export interface Actor {
  readonly label: string;
  /** Does a binding's member include this actor? */
  readonly matches: (m: ParsedMember) => ConditionVerdict;
  readonly members: readonly string[];
  /** Index keys of the grants that can name this actor (IamModel.grantsWithMemberKeys). */
  readonly keys: readonly string[];
  readonly steps: readonly AccessStep[];
  readonly unknowns: readonly string[];
  /** Service account email when the actor is one. */
  readonly serviceAccount?: string;
  /** True for a workload identity pool principal (federated or GKE): never a Google account or service agent. */
  readonly federated?: boolean;
  /** How deny rules' principals match, when not as bindings' members do (an actor that stands for many identities). */
  readonly denyMatches?: (m: ParsedMember) => ConditionVerdict;
  /**
   * True when the actor may only name `serviceAccount` as a delegate (implicitDelegation): it
   * uses what that account may do on other accounts, but holds none of its grants.
   */
  readonly delegate?: boolean;
  /** For a federated identity: what it maps a key (`subject`, `group`, `attribute.K`) to, for near-miss messages. */
  readonly valuesOf?: (key: string) => readonly string[];
}

const STEP_ORDER: readonly string[] = ["issuer", "provider", "audience", "attribute_mapping", "google.subject", "attribute_condition"];
/** How many near misses a denial lists: enough to spot the mismatch, short enough to read. */
const MAX_NEAR_MISSES = 5;

const YES: ConditionVerdict = { verdict: "yes", reason: "" };
const NO: ConditionVerdict = { verdict: "no", reason: "" };

function stepOf(kind: AccessStepKind, description: string, g?: GrantModel): AccessStep {
  if (!g) return { kind, description };
  const path = g.resource.path === g.resource.address ? undefined : g.resource.path;
  return { kind, description, stack: g.stack.name, address: g.resource.address, constructPath: path };
}

function samePool(a: PoolRef, b: PoolRef): ConditionVerdict {
  if (a.poolId !== b.poolId) return NO;
  if (a.project === b.project) return YES;
  const unresolved = a.project.includes("${") || b.project.includes("${");
  const numberVsId = /^[0-9]+$/.test(a.project) !== /^[0-9]+$/.test(b.project);
  if (unresolved || numberVsId) {
    return { verdict: "unknown", reason: `pool ${a.poolId} is named by project ${a.project} on one side and ${b.project} on the other, which only apply can tell apart` };
  }
  return NO;
}

export function federatedActor(identity: FederatedIdentity, steps: AccessStep[], unknowns: string[]): Actor {
  const matches = (m: ParsedMember): ConditionVerdict => {
    if (m.kind === "public") return m.raw === "allAuthenticatedUsers" ? { verdict: "unknown", reason: "Google does not document whether allAuthenticatedUsers includes federated identities" } : YES;
    if (m.raw.includes("${") && m.kind !== "federated") return unresolvedMemberVerdict(m.raw, { federated: true });
    if (m.kind !== "federated") return NO;
    const pool = samePool(m.pool, identity.pool);
    if (pool.verdict === "no") return NO;
    if (m.key !== "*" && m.value.includes("${")) {
      const own = m.key === "subject" ? [identity.subject] : m.key === "group" ? identity.groups : identity.attributes.get(m.key) ?? [];
      return combine(pool, unresolvedValueVerdict(m.raw, m.value, m.principalSet === (m.key !== "subject") ? own : []));
    }
    let hit: boolean;
    if (m.key === "*") hit = m.principalSet;
    else if (m.key === "subject") hit = !m.principalSet && m.value === identity.subject;
    else if (m.key === "group") hit = m.principalSet && identity.groups.includes(m.value);
    else hit = m.principalSet && (identity.attributes.get(m.key) ?? []).includes(m.value);
    if (!hit) return NO;
    return pool;
  };
  const base = `iam.googleapis.com/projects/${identity.pool.project}/locations/global/workloadIdentityPools/${identity.pool.poolId}`;
  const members = [
    `principal://${base}/subject/${identity.subject}`,
    ...identity.groups.map((g) => `principalSet://${base}/group/${g}`),
    ...[...identity.attributes].flatMap(([k, vs]) => vs.map((v) => `principalSet://${base}/${k}/${v}`)),
    `principalSet://${base}/*`,
  ];
  const valuesOf = (key: string): readonly string[] => (key === "subject" ? [identity.subject] : key === "group" ? identity.groups : identity.attributes.get(key) ?? []);
  return { label: `${identity.via}: subject ${identity.subject}`, matches, members, keys: [`pool:${identity.pool.poolId}`, "public", UNRESOLVED_MEMBER], steps, unknowns, valuesOf, federated: true };
}

/**
 * A Google identity. Group membership is IAM's to resolve: the groups the request names are
 * the truth when given; when not, a group binding may or may not include the identity.
 */
function googleActor(member: string, groups: readonly string[] | undefined, steps: AccessStep[], unknowns: string[], serviceAccount?: string): Actor {
  const self = parseMember(member);
  const groupSet = new Set((groups ?? []).map((g) => g.toLowerCase()));
  const email = self.kind === "google" ? self.value : undefined;
  const federated = self.kind === "federated";
  const own = { federated, googleType: self.kind === "google" ? self.type : undefined, serviceAccount: self.kind === "google" && self.type === "serviceAccount" ? self.value : undefined };
  const matches = (m: ParsedMember): ConditionVerdict => {
    if (m.kind === "public") return YES;
    if (m.raw.includes("${") && m.kind !== "federated") return unresolvedMemberVerdict(m.raw, own);
    if (self.kind === "federated" && m.kind === "federated") return federatedMemberMatch(self, m);
    if (m.kind !== "google" || self.kind !== "google") return NO;
    if (m.type === "group") {
      if (groupSet.has(m.value) || (self.type === "group" && self.value === m.value)) return YES;
      return groups === undefined && self.type !== "group"
        ? { verdict: "unknown", reason: `whether ${member} belongs to group ${m.value} is IAM's to resolve; pass groups to decide` }
        : NO;
    }
    if (m.type === "domain") return email !== undefined && email.endsWith(`@${m.value}`) ? YES : NO;
    return m.type === self.type && m.value === self.value ? YES : NO;
  };
  const keys = ["public", UNRESOLVED_MEMBER, ...(groups === undefined ? [ANY_GROUP] : [...groupSet].map((g) => `group:${g}`))];
  if (self.kind === "federated") keys.push(`pool:${self.pool.poolId}`);
  if (self.kind === "google") {
    keys.push(`${self.type}:${self.value}`);
    const domain = self.value.split("@")[1];
    if (domain) keys.push(`domain:${domain}`);
  }
  return { label: member, matches, members: [member, ...[...groupSet].map((g) => `group:${g}`)], keys, steps, unknowns, serviceAccount, federated };
}

function isGkePool(poolId: string): boolean {
  return poolId.endsWith(".svc.id.goog");
}

/**
 * A federated principal asking in its own name (`principal://…/subject/S`, or GKE's
 * `serviceAccount:P.svc.id.goog[NS/KSA]`) against a binding's federated member. The request
 * names the subject only: the pool's `*` set includes it; a GKE subject `ns/NS/sa/KSA` also
 * tells the namespace (principal identifiers: the namespace set covers "all pods in the
 * namespace, regardless of service account or cluster"); which cluster, groups or other
 * attributes only a token tells, so those sets are unknown, never a guessed no.
 */
function federatedMemberMatch(self: Extract<ParsedMember, { kind: "federated" }>, m: Extract<ParsedMember, { kind: "federated" }>): ConditionVerdict {
  const pool = samePool(m.pool, self.pool);
  if (pool.verdict === "no") return NO;
  if (m.key === "*") return m.principalSet ? pool : NO;
  if (m.key === "subject") return !m.principalSet && m.value === self.value ? pool : NO;
  const ksa = isGkePool(self.pool.poolId) ? /^ns\/([^/]+)\/sa\/([^/]+)$/.exec(self.value) : null;
  if (ksa && m.key === "namespace") return m.principalSet && m.value === ksa[1] ? pool : NO;
  if (!m.principalSet) return NO;
  return { verdict: "unknown", reason: `${m.raw} depends on ${m.key}, which the token maps and ${self.raw} does not say; ask with the token to decide` };
}

function combine(...verdicts: ConditionVerdict[]): ConditionVerdict {
  if (verdicts.some((v) => v.verdict === "no")) return verdicts.find((v) => v.verdict === "no")!;
  const unknown = verdicts.filter((v) => v.verdict === "unknown");
  return unknown.length > 0 ? { verdict: "unknown", reason: unknown.map((u) => u.reason).join("; ") } : YES;
}

/**
 * Answers "would Google let this identity do this in this database?" from synthesized
 * Terraform alone, before anything is deployed: token admission through every workload
 * identity provider (issuer, audience, attribute mapping, attribute condition, evaluated
 * with CEL), membership in principals and principal sets, impersonation of service
 * accounts to any depth, and role bindings whose IAM conditions are evaluated against the
 * database and whose roles are expanded into permissions (Google's predefined roles from a
 * dated data file, custom roles from their declared permissions).
 */
export class AccessSimulator {
  /**
   * Every stack of a cdktf output directory (manifest.json), or one cdk.tf.json file; with
   * states (or plans) and project numbers, references resolve to what is deployed.
   */
  public static fromSynthOutput(outdir: string, options?: SimulatorOptions): AccessSimulator {
    return new AccessSimulator(IamModel.of(applyDeployed(loadSynthOutput(outdir), options)));
  }

  /** Stacks given as their cdk.tf.json texts (e.g. `Testing.synth(stack)` output), with what is deployed as in fromSynthOutput. */
  public static fromStackJson(jsonTexts: string[], options?: SimulatorOptions): AccessSimulator {
    if (!Array.isArray(jsonTexts)) throw new Error(`AccessSimulator.fromStackJson: expected an array of cdk.tf.json texts, got ${typeof jsonTexts}`);
    return new AccessSimulator(
      IamModel.of(
        applyDeployed(jsonTexts.map((text, i) => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch (e) {
            throw new Error(`AccessSimulator.fromStackJson: jsonTexts[${i}] is not JSON (${(e as Error).message})`);
          }
          return new StackModel(stackNameOf(json, `stack${i}`), json);
        }), options),
      ),
    );
  }

  /** @internal */
  public static _fromModel(model: IamModel): AccessSimulator {
    return new AccessSimulator(model);
  }

  private constructor(private readonly model: IamModel) {}

  /** @internal The model the simulator reads: the usage report lists declared grants and audit configs from it. */
  public get _iamModel(): IamModel {
    return this.model;
  }

  /** Allowed, denied or unknown, with every chain that allows it or where each candidate stopped. */
  public explain(request: AccessRequest, options: ExplainOptions = {}): AccessExplanation {
    request = resolveRequestSubjects(this.model, request, "AccessSimulator.explain");
    const { target, permissions, time } = validateRequest(request);
    const reasons: string[] = [];
    const starts: Actor[] = [];
    const undecided: string[] = [];
    if (request.token !== undefined) {
      const admissions = admitToken(this.model, request.token);
      for (const a of admissions) {
        if (a.verdict === "unknown" && !a.identity) undecided.push(`not known whether admitted by ${a.by} at ${a.step}: ${a.reason}`);
        if (a.verdict === "refused" || !a.identity) continue;
        const step = stepOf(AccessStepKind.TOKEN, `${a.by} admits the token as subject ${a.identity.subject}`);
        starts.push(federatedActor(a.identity, [step], a.verdict === "unknown" ? [`${a.by}: ${a.reason}`] : []));
      }
      // The providers that got furthest explain the refusal; an audience refusal by another environment's provider is noise.
      const furthest = admissions.some((a) => a.verdict === "admitted")
        ? STEP_ORDER.length
        : Math.max(-1, ...admissions.map((a) => STEP_ORDER.indexOf(a.step!)));
      for (const a of admissions) {
        if (a.verdict === "admitted" || STEP_ORDER.indexOf(a.step!) < furthest) continue;
        reasons.push(`${a.verdict === "refused" ? "refused by" : "not known whether admitted by"} ${a.by} at ${a.step}: ${a.reason}`);
      }
      if (admissions.length === 0) {
        const issuers = [...new Set(this.model.providers.map((p) => p.issuer))].sort();
        reasons.push(`no workload identity provider trusts issuer ${JSON.stringify(request.token.iss)}; providers trust ${issuers.length > 0 ? issuers.join(", ") : "nothing (none declared)"}`);
      }
    }
    if (typeof request.member === "string") {
      const disabled = this.disabledSelf(request.member);
      if (disabled.verdict === "yes") reasons.push(disabled.reason);
      else starts.push(googleActor(request.member, request.groups, [], disabled.verdict === "unknown" ? [disabled.reason] : []));
    }

    const actors = this.impersonations(starts, time, reasons);
    const chains: SimulatedAccessChain[] = [];
    const perPermission = new Map<string, AccessDecision>();
    for (const permission of permissions) {
      let best = AccessDecision.DENIED;
      for (const actor of actors) {
        for (const found of this.grantsFor(actor, target, permission, time, reasons)) {
          chains.push(found);
          if (found.decision === AccessDecision.ALLOWED) best = AccessDecision.ALLOWED;
          else if (best === AccessDecision.DENIED) best = AccessDecision.UNKNOWN;
        }
      }
      perPermission.set(permission, best);
      if (best === AccessDecision.DENIED && starts.length > 0) reasons.push(`no chain gives ${permission} on ${target.name}`);
    }
    if ([...perPermission.values()].includes(AccessDecision.DENIED)) {
      this.nearMisses(starts, target, permissions.filter((p) => perPermission.get(p) === AccessDecision.DENIED), time, reasons);
    }
    const decision = this.decide([...perPermission.values()], undecided, chains, reasons);
    const searched = [...perPermission].filter(([, d]) => d !== AccessDecision.ALLOWED).map(([p]) => p);
    const escalations = options.includeEscalations === false || decision === AccessDecision.ALLOWED ? [] : findEscalations(this._escalationContext(time), actors, target, searched);
    return {
      decision,
      chains: mergeChains(chains),
      reasons: decision === AccessDecision.ALLOWED ? [] : [...new Set(reasons)],
      members: [...new Set(starts.flatMap((s) => s.members))],
      permissions,
      escalations,
      decisionWithEscalations: escalations.length === 0 ? decision : this.decide(withEscalations(perPermission, escalations), undecided, [...chains, ...escalations], []),
    };
  }

  /** @internal What the escalation search needs: impersonation from an actor, and the grants it holds. */
  public _escalationContext(time: Date): EscalationContext {
    return {
      model: this.model,
      time,
      become: (actor) => this.impersonations([actor], time, []),
      reach: (actor, on, permission) => this.grantsFor(actor, typeof on === "string" ? databaseRequestTarget(on, parseDatabaseName(on)!.project) : on, permission, time, []),
      account: (email, steps, unknowns) => googleActor(`serviceAccount:${email}`, undefined, steps, unknowns, email),
    };
  }

  /**
   * Whether a member asking in its own name cannot act at all ("yes", with why): a service account
   * declared `disabled = true` ("a disabled service account cannot be used to authenticate",
   * https://cloud.google.com/iam/docs/service-accounts-disable-enable), or a principal of a
   * disabled pool ("You cannot use a disabled pool to exchange tokens, or use existing tokens
   * to access resources": REST reference of projects.locations.workloadIdentityPools).
   */
  private disabledSelf(member: string): ConditionVerdict {
    const self = parseMember(member);
    if (self.kind === "google" && self.type === "serviceAccount" && this.model.disabledServiceAccounts.has(self.value)) {
      return { verdict: "yes", reason: `${member} is disabled: a disabled service account cannot authenticate, so it holds nothing in its own name (https://cloud.google.com/iam/docs/service-accounts-disable-enable)` };
    }
    const pool = self.kind === "federated" ? this.model.isPoolDisabled(self.pool) : "no";
    if (self.kind === "federated" && pool === "yes") {
      return { verdict: "yes", reason: `${member} belongs to workload identity pool ${self.pool.poolId}, which is disabled: its tokens no longer reach any resource` };
    }
    if (self.kind === "federated" && pool === "unknown") {
      return { verdict: "unknown", reason: `a pool ${self.pool.poolId} is disabled, and ${member} names its project as ${self.pool.project}, which only apply can compare` };
    }
    return NO;
  }

  /**
   * Every permission allowed is ALLOWED, any one denied is DENIED, else UNKNOWN; then what
   * the chains cannot see: a provider that may admit the token as an identity nobody can
   * name yet may lead somewhere. Deny policies are judged on each chain (grantsFor, impersonations).
   */
  private decide(decisions: readonly AccessDecision[], undecided: readonly string[], chains: readonly SimulatedAccessChain[], reasons: string[]): AccessDecision {
    let decision = decisions.every((d) => d === AccessDecision.ALLOWED)
      ? AccessDecision.ALLOWED
      : decisions.some((d) => d === AccessDecision.DENIED)
        ? AccessDecision.DENIED
        : AccessDecision.UNKNOWN;
    if (decision === AccessDecision.DENIED && undecided.length > 0) {
      decision = AccessDecision.UNKNOWN;
      reasons.push(...undecided);
    }
    if (decision === AccessDecision.UNKNOWN) for (const c of chains) reasons.push(...c.unknowns);
    return decision;
  }

  /**
   * The actors plus every service account they can act as, breadth first, across projects
   * and to any depth: a role whose permissions mint an access token (getAccessToken, signJwt,
   * signBlob: ACTING_AS_ACCOUNT) makes the actor that account; implicitDelegation makes it
   * able to name the account as a delegate, using what the account may do on the next one
   * (A gets C's token when A has implicitDelegation on B and B has getAccessToken on C:
   * https://cloud.google.com/iam/docs/create-short-lived-credentials-delegated). Each account
   * once per way, by the best path found; each step names the permission that made the hop.
   * A function of (starts, time): `reasons` only collects why a hop was not taken.
   */
  private impersonations(starts: Actor[], time: Date, reasons: string[]): Actor[] {
    const out: Actor[] = [...starts];
    // Each account once (as itself, or as a delegate), by the best path found: a definite path replaces one that is only possible.
    const seen = new Map<string, Actor>();
    const queue = [...starts];
    while (queue.length > 0) {
      const actor = queue.shift()!;
      for (const g of this.model.grantsWithMemberKeys(actor.keys)) {
        const routes = actingRoutes(this.model, g.role);
        if (routes.follow.length === 0 && !routes.idTokenOnly) continue;
        const member = anyMember(actor, g);
        if (member.verdict === "no") continue;
        for (const { email, verdict: reach } of accountsCoveredBy(this.model, g)) {
          if (email === actor.serviceAccount) continue;
          if (routes.idTokenOnly) {
            reasons.push(`${actor.label} holds ${g.role} on ${email} (${g.resource.address}), which mints ID tokens only (iam.serviceAccounts.getOpenIdToken); Firestore accepts access tokens, not ID tokens`);
            continue;
          }
          if (this.model.disabledServiceAccounts.has(email)) {
            reasons.push(`${actor.label} could act as ${email}, but the account is disabled (a disabled service account cannot be impersonated or authenticate: https://cloud.google.com/iam/docs/service-accounts-disable-enable)`);
            continue;
          }
          const condition = evaluateCondition(g.condition, undefined, time);
          // The ways in the table's order: the first that mints a token and is not denied makes the actor the account
          // (which also covers naming it as a delegate); a deny policy on one way leaves the others open.
          let minted = false;
          for (const row of routes.follow) {
            if (row.mintsAccessToken && minted) continue;
            const delegate = !row.mintsAccessToken;
            const key = `${delegate ? "delegate" : "account"}:${email}`;
            // Acting as the account covers naming it as a delegate: a definite path to the account makes the delegate path moot.
            const account = seen.get(`account:${email}`);
            if (delegate && account && account.unknowns.length === 0) continue;
            const prior = seen.get(key);
            if (prior && prior.unknowns.length === 0) {
              minted ||= row.mintsAccessToken;
              continue;
            }
            const denial = this.model.denyRules.denies(actor, row.permission, projectOfServiceAccount(email) ?? "", undefined, time);
            if (denial.verdict === "yes") {
              reasons.push(`${actor.label} cannot act as ${email}: ${denial.reason}`);
              continue;
            }
            minted ||= row.mintsAccessToken;
            const v = combine(member, reach, condition, routes.unknown ? { verdict: "unknown", reason: routes.unknown } : YES, denial.verdict === "unknown" ? { verdict: "unknown", reason: denial.reason } : YES);
            if (v.verdict === "no") {
              if (condition.verdict === "no") reasons.push(`${actor.label} cannot act as ${email}: ${g.resource.address} ${condition.reason}`);
              continue;
            }
            const unknowns = [...actor.unknowns, ...(v.verdict === "unknown" ? [v.reason] : [])];
            if (prior && unknowns.length > 0) continue;
            const via = `by ${row.permission} in ${g.role} on ${describeLevel(g)}`;
            const step = stepOf(AccessStepKind.IMPERSONATION, `${delegate ? "may name" : "acts as"} ${email}: ${row.how}, ${via}`, g);
            const next: Actor = delegate
              ? { ...googleActor(`serviceAccount:${email}`, undefined, [...actor.steps, step], unknowns, email), label: `${actor.label} through delegate ${email}`, delegate: true }
              : googleActor(`serviceAccount:${email}`, undefined, [...actor.steps, step], unknowns, email);
            if (prior) out.splice(out.indexOf(prior), 1);
            seen.set(key, next);
            out.push(next);
            queue.push(next);
          }
        }
      }
    }
    return out;
  }

  /**
   * Bindings in the requester's own pool that it is not a member of, but that would have
   * led to a denied permission: the usual reason a legitimate token is refused is that its
   * claims and the principal set are out of step. Looked for only once the answer is a denial.
   */
  private nearMisses(starts: readonly Actor[], target: RequestTarget, denied: readonly string[], time: Date, reasons: string[]): void {
    const out: string[] = [];
    for (const actor of starts) {
      const pools = actor.keys.filter((k) => k.startsWith("pool:"));
      for (const g of this.model.grantsWithMemberKeys(pools)) {
        if (out.length >= MAX_NEAR_MISSES || anyMember(actor, g).verdict !== "no") continue;
        let what: string | undefined;
        if (g.level === "service_account" && actingRoutes(this.model, g.role).follow.length > 0) {
          what = `could impersonate ${describeLevel(g)}`;
        } else if (g.level === "project" && g.target === target.project) {
          const gives = denied.filter((p) => roleHolds(this.model, g.role, p).holds && conditionOnTarget(g.condition, target, p, time).verdict !== "no");
          if (gives.length > 0) what = `holds ${g.role} on ${target.name}`;
        }
        if (what === undefined) continue;
        for (const m of g.parsedMembers) {
          if (m.kind !== "federated" || !pools.includes(`pool:${m.pool.poolId}`)) continue;
          const own = actor.valuesOf?.(m.key) ?? [];
          const mine = m.key === "*" ? "" : own.length > 0 ? `; this token maps ${m.key} to ${own.join(", ")}` : `; this token maps no ${m.key}`;
          out.push(`near miss: ${m.raw} ${what} (${g.resource.address})${mine}`);
        }
      }
    }
    reasons.push(...out.slice(0, MAX_NEAR_MISSES));
  }

  private grantsFor(actor: Actor, target: RequestTarget, permission: string, time: Date, reasons: string[]): SimulatedAccessChain[] {
    // A delegate lends its permissions on other accounts, never its own grants.
    if (actor.delegate) return [];
    const chains: SimulatedAccessChain[] = [];
    let denial: ReturnType<DenyRules["denies"]> | undefined;
    for (const g of this.model.grantsWithMemberKeys(actor.keys)) {
      if (g.level !== "project" && g.level !== "folder" && g.level !== "organization") continue;
      const member = anyMember(actor, g);
      if (member.verdict === "no") continue;
      // Where and when first: a grant on another project, or whose condition refuses the database, gives nothing whatever its role.
      const scope = projectScope(g, target.project);
      if (scope.verdict === "no") continue;
      const condition = conditionOnTarget(g.condition, target, permission, time);
      const role = roleHolds(this.model, g.role, permission);
      if (condition.verdict === "no") {
        if (role.holds) reasons.push(`${actor.label} holds ${g.role} (${g.resource.address}), but its ${condition.reason}`);
        continue;
      }
      if (!role.holds && !role.unknown) {
        if (role.isFirestore) reasons.push(`${actor.label} holds ${g.role} (${g.resource.address}), which does not include ${permission}`);
        continue;
      }
      // Deny before allow: a rule that denies the actor this permission in the database's project takes every grant away.
      denial ??= this.model.denyRules.denies(actor, permission, target.project, conditionTargetOf(target), time);
      if (denial.verdict === "yes") {
        reasons.push(denial.reason);
        break;
      }
      const verdict = combine(member, scope, condition, role.unknown ? { verdict: "unknown", reason: role.unknown } : YES, denial.verdict === "unknown" ? { verdict: "unknown", reason: denial.reason } : YES);
      const where = g.condition === undefined ? `on ${describeLevel(g)}, unconditioned` : `on ${describeLevel(g)} if ${g.condition}`;
      const step = stepOf(AccessStepKind.GRANT, `holds ${g.role} ${where}`, g);
      const unknowns = [...actor.unknowns, ...(verdict.verdict === "unknown" ? [verdict.reason] : [])];
      chains.push({
        decision: unknowns.length > 0 ? AccessDecision.UNKNOWN : AccessDecision.ALLOWED,
        permissions: [permission],
        steps: [...actor.steps, step],
        unknowns,
      });
    }
    return chains;
  }
}

/** Whether a project, folder or organization grant reaches the database's project. */
function projectScope(g: GrantModel, project: string): ConditionVerdict {
  if (g.level !== "project") {
    return { verdict: "unknown", reason: `${g.resource.address} grants on ${g.level} ${g.target}; whether project ${project} sits under it is not in the configuration` };
  }
  if (g.target === project) return YES;
  if (g.target === "" || g.target.includes("${") || /^[0-9]+$/.test(g.target)) {
    return { verdict: "unknown", reason: `${g.resource.address} is on project ${g.target || "(the provider's default, not set literally)"}, which only apply can compare with ${project}` };
  }
  return NO;
}

/**
 * How the providers that trust the token's issuer (and GKE, for a cluster's token) judge it.
 * Only providers that accept the audience can admit; the others are judged in words only
 * when none does, so thousands of providers cost little per question.
 */
export function admitToken(model: IamModel, token: TokenClaims): Admission[] {
  const gke = admitGkeToken(token);
  const candidates = model.providersTrusting(token.iss);
  const auds = audiences(token);
  const accepting = candidates.filter((p) => acceptsAudience(p, auds) !== false);
  const judged = (accepting.length > 0 ? accepting : candidates).map((p) => admitThroughProvider(p, token));
  // The default audience names the project by number, unknown before apply: providers with the same pool and provider
  // ids in several projects all match it, and only apply can tell which one the token was meant for.
  const byName = new Map<string, number>();
  for (const p of accepting) if (p.allowedAudiences.length === 0) byName.set(`${p.pool.poolId}/${p.providerId}`, (byName.get(`${p.pool.poolId}/${p.providerId}`) ?? 0) + 1);
  const ambiguous = judged.map((a, i) => {
    const p = accepting.length > 0 ? accepting[i] : undefined;
    if (!p || a.verdict !== "admitted" || p.allowedAudiences.length > 0 || (byName.get(`${p.pool.poolId}/${p.providerId}`) ?? 0) < 2) return a;
    return { ...a, verdict: "unknown" as const, step: "audience" as const, reason: `pool ${p.pool.poolId} with provider ${p.providerId} exists in several projects, and the audience names the project by number, known only after apply` };
  });
  return [...(gke ? [gke] : []), ...ambiguous.filter((a) => a.issuerMatches || a.verdict !== "refused")];
}

function describeLevel(g: GrantModel): string {
  return g.level === "service_account" ? `service account ${g.target}` : `${g.level.replace(/_/g, " ")} ${g.target}`;
}

export function anyMember(actor: Actor, g: GrantModel): ConditionVerdict {
  let best: ConditionVerdict = NO;
  for (const m of g.parsedMembers) {
    const v = actor.matches(m);
    if (v.verdict === "yes") return YES;
    if (v.verdict === "unknown") best = v;
  }
  return best;
}

/** Whether a role holds a permission (IamModel.permissionsOf), and why not known when it is not. */
export function roleHolds(model: IamModel, role: string, permission: string): { holds: boolean; unknown?: string; isFirestore: boolean } {
  const permissions = model.permissionsOf(role);
  if (permissions === undefined) {
    const why = role.includes("${") ? `role ${role} is a reference Terraform fills in` : `custom role ${role} is not declared in these stacks, so its permissions are unknown`;
    return { holds: false, unknown: why, isFirestore: false };
  }
  return { holds: permissions.has(permission), isFirestore: model.isFirestoreRole(role) };
}

/** The same path found for several permissions is one chain (or escalation) listing them all. */
export function mergeChains<T extends SimulatedAccessChain>(chains: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const c of chains) {
    const key = JSON.stringify([c.decision, c.steps, c.unknowns]);
    const prior = byKey.get(key);
    byKey.set(key, prior ? { ...prior, permissions: [...new Set([...prior.permissions, ...c.permissions])] } : c);
  }
  return [...byKey.values()];
}
