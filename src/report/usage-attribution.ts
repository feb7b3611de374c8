import { AccessDecision, AccessExplanation, AccessSimulator, AccessStepKind, roleHolds } from "../analysis/access-simulator";
import { databaseScopeOf, evaluateCondition, firestoreDatabaseTarget, parseDatabaseName } from "../analysis/conditions";
import { GrantModel, IamModel } from "../analysis/iam-model";
import { ParsedMember, describeFederatedMatch, parseMember, projectOfServiceAccount } from "../analysis/members";
import { GET_ACCESS_TOKEN } from "../analysis/role-permissions";
import { environmentOf } from "../guardrails/environment";
import { AMBIGUOUS_METHOD_PERMISSIONS, ExchangeRow, FirestoreCallRow, ImpersonationRow, Observations } from "./usage-observations";

/**
 * The join: each aggregated Firestore permission check is credited to exactly one declared
 * chain (identity → service account → grant on a database), or reported as unexpected, or
 * as denied. The grant is the simulator's (AccessSimulator.explain with the caller as
 * member); the way into the service account is the declared impersonation binding that
 * names the delegation origin.
 */

/** A Firestore grant the stacks declare, one per Terraform resource. */
export interface DeclaredGrant {
  readonly model: GrantModel;
  readonly environment: string;
  readonly project: string;
  readonly database: string;
  readonly permissions: readonly string[];
}

export interface ImpersonationLink {
  readonly address: string;
  readonly constructPath: string;
  readonly member: string;
  /** Set when the member is a principal set wider than one pipeline, workflow or identity: what it admits. */
  readonly broad?: string;
}

export type Attribution =
  | { readonly kind: "credited"; readonly row: FirestoreCallRow; readonly grant: DeclaredGrant; readonly permissions: readonly string[]; readonly link?: ImpersonationLink; readonly identity: string }
  | { readonly kind: "unexpected"; readonly row: FirestoreCallRow; readonly reason: string; readonly grant?: DeclaredGrant }
  | { readonly kind: "denied"; readonly row: FirestoreCallRow; readonly missing: readonly string[] };

/**
 * Principal-set attributes that name one pipeline, workflow or workload identity in this
 * library's provider mappings (src/gcp/buildkite-provider.ts, github-actions-provider.ts,
 * entra-id-provider.ts). A principal set on any other attribute (an organization, a
 * repository, a branch, a group, the whole pool) admits more than one.
 */
const ONE_WORKLOAD_ATTRIBUTES: ReadonlySet<string> = new Set([
  "attribute.pipeline",
  "attribute.pipeline_id",
  "attribute.pipeline_branch",
  "attribute.pipeline_id_branch",
  "attribute.workflow",
  "attribute.workflow_ref",
  "attribute.repository_id_workflow",
  "attribute.repository_id_workflow_ref",
  "attribute.job_workflow_ref",
  "attribute.environment",
  "attribute.repository_id_environment",
  "attribute.oid",
]);

export function declaredGrants(model: IamModel): DeclaredGrant[] {
  const out: DeclaredGrant[] = [];
  for (const g of model.grants) {
    if (g.level !== "project" || !model.isFirestoreRole(g.role)) continue;
    const scope = databaseScopeOf(g.condition, g.target);
    out.push({
      model: g,
      environment: environmentOf(g.stack),
      project: g.target,
      database: scope.kind === "one" ? scope.database : `projects/${g.target}/databases/*`,
      permissions: [...(model.permissionsOf(g.role) ?? [])].filter((p) => p.startsWith("datastore.")).sort(),
    });
  }
  return out;
}

/** The IAM member an entry's caller is: principalEmail → user:/serviceAccount:, principalSubject as written. */
export function memberOfCaller(caller: string): string | undefined {
  if (caller.startsWith("principal://") || caller.startsWith("serviceAccount:") || caller.startsWith("user:")) return caller;
  if (!caller.includes("@")) return undefined;
  return /\.gserviceaccount\.com$/i.test(caller) ? `serviceAccount:${caller.toLowerCase()}` : `user:${caller.toLowerCase()}`;
}

function sameGrant(a: GrantModel, stack: string | undefined, address: string | undefined): boolean {
  return a.stack.name === stack && a.resource.address === address;
}

/** Projects named differently (id vs number, or a reference) cannot be told apart offline: only a literal mismatch of the same kind is a mismatch. */
function samePoolProject(a: string, b: string): boolean {
  if (a === b || a.includes("${") || b.includes("${")) return true;
  return /^[0-9]+$/.test(a) !== /^[0-9]+$/.test(b);
}

export class UsageAttributor {
  private readonly grants: DeclaredGrant[];
  private readonly exchangesByPrincipal = new Map<string, ExchangeRow[]>();
  private readonly minted = new Map<string, number>();

  constructor(
    private readonly simulator: AccessSimulator,
    private readonly model: IamModel,
    observations: Observations,
  ) {
    this.grants = declaredGrants(model);
    for (const e of observations.exchanges) this.exchangesByPrincipal.set(e.mappedPrincipal, [...(this.exchangesByPrincipal.get(e.mappedPrincipal) ?? []), e]);
    for (const i of observations.impersonations) {
      if (!i.granted) continue;
      const key = `${i.caller}\n${i.serviceAccount}`;
      this.minted.set(key, (this.minted.get(key) ?? 0) + i.calls);
    }
  }

  /** Tokens the caller minted for the account (GenerateAccessToken, SignJwt) in the window. */
  public tokensMinted(caller: string, serviceAccount: string): number {
    return this.minted.get(`${caller}\n${serviceAccount.toLowerCase()}`) ?? 0;
  }

  /**
   * Tokens minted for an account that holds a declared Firestore grant, by a caller no
   * declared binding lets impersonate it: the way in of a call the Firestore entries may
   * show only as the account itself.
   */
  public undeclaredImpersonations(observations: Observations): Array<{ row: ImpersonationRow; grant: DeclaredGrant }> {
    const out: Array<{ row: ImpersonationRow; grant: DeclaredGrant }> = [];
    for (const row of observations.impersonations) {
      if (!row.granted) continue;
      const grant = this.grants.find((g) => g.model.members.some((m) => m.toLowerCase() === `serviceaccount:${row.serviceAccount}`));
      if (grant && !this.impersonationLink(row.caller, row.serviceAccount)) out.push({ row, grant });
    }
    return out;
  }

  public get declared(): readonly DeclaredGrant[] {
    return this.grants;
  }

  /** Token subjects that exchanged for this principal, from STS entries. */
  public subjectsOf(principal: string): string[] {
    return [...new Set((this.exchangesByPrincipal.get(principal) ?? []).map((e) => e.subject))].sort();
  }

  public exchangesOf(principal: string): readonly ExchangeRow[] {
    return this.exchangesByPrincipal.get(principal) ?? [];
  }

  public environmentOfDatabase(database: string): string {
    const project = parseDatabaseName(database)?.project;
    const g = this.grants.find((d) => d.database === database) ?? this.grants.find((d) => d.project === project);
    return g?.environment ?? "(not declared)";
  }

  public attribute(row: FirestoreCallRow): Attribution {
    const permissions = row.permission !== "" ? [row.permission] : [...(AMBIGUOUS_METHOD_PERMISSIONS[row.method] ?? [])];
    if (permissions.length === 0) {
      return { kind: "unexpected", row, reason: `the entries of ${row.method || "(no method)"} carry no authorizationInfo, and the method is not one whose permission is known, so no grant can be credited` };
    }
    const member = memberOfCaller(row.caller);
    if (!member) return { kind: "unexpected", row, reason: `caller ${JSON.stringify(row.caller)} is neither an email nor a principal:// identifier` };
    if (!parseDatabaseName(row.database)) return { kind: "unexpected", row, reason: `the entries name no Firestore database (resource ${JSON.stringify(row.database)})` };
    const time = row.first;
    if (!row.granted) {
      const e = this.explainSafely(member, row.database, permissions[0], time);
      const missing =
        "refused" in e
          ? [`the simulator cannot evaluate ${member}: ${e.refused}`]
          : e.decision === AccessDecision.ALLOWED
            ? ["the simulator finds a declared chain that allows it: something outside these stacks refused it (a deny policy, an org policy, or a change not yet applied)"]
            : e.reasons.length > 0
              ? e.reasons
              : [`no declared grant gives ${member} ${permissions[0]} on ${row.database}`];
      return { kind: "denied", row, missing };
    }
    const { grant, refused } = this.grantOf(member, row.database, permissions, time);
    if (!grant) {
      const why = refused === undefined ? "(a grant made outside these stacks?)" : `(the simulator could not evaluate the call: ${refused})`;
      return { kind: "unexpected", row, reason: `no declared grant gives ${member} ${permissions.join(" or ")} on ${row.database} ${why}` };
    }
    const sa = member.startsWith("serviceAccount:") ? member.slice("serviceAccount:".length) : undefined;
    if (row.origin === "" || sa === undefined) return { kind: "credited", row, grant, permissions, identity: member };
    const link = this.impersonationLink(row.origin, sa);
    if (!link) {
      return { kind: "unexpected", row, grant, reason: `${row.origin} acted as ${sa}, and no declared binding lets it impersonate that account (a hand-made grant?)` };
    }
    if (link.broad) {
      const seen = this.subjectsOf(row.origin);
      const tokens = seen.length > 0 ? ` (token subject ${seen.join(", ")} in the STS entries)` : "";
      return {
        kind: "unexpected",
        row,
        grant,
        reason: `${row.origin}${tokens} reached ${sa} through ${link.member} (${link.address}), which admits ${link.broad}, not one pipeline or workflow`,
      };
    }
    return { kind: "credited", row, grant, permissions, link, identity: row.origin };
  }

  /** The simulator's answer, or why it refused to answer (a name the logs carry that no request may hold), never a silent nothing. */
  private explainSafely(member: string, database: string, permission: string, time: string): AccessExplanation | { refused: string } {
    try {
      return this.simulator.explain({ member, database, permission, time });
    } catch (e) {
      return { refused: (e as Error).message };
    }
  }

  /** The narrowest declared grant the caller holds itself (no impersonation on the way) that gives one of the permissions. */
  private grantOf(member: string, database: string, permissions: readonly string[], time: string): { grant?: DeclaredGrant; refused?: string } {
    const found: DeclaredGrant[] = [];
    let refused: string | undefined;
    for (const permission of permissions) {
      const e = this.explainSafely(member, database, permission, time);
      if ("refused" in e) {
        refused = e.refused;
        continue;
      }
      for (const chain of e.chains) {
        if (chain.steps.some((s) => s.kind !== AccessStepKind.GRANT)) continue;
        const step = chain.steps[chain.steps.length - 1];
        const g = this.grants.find((d) => sameGrant(d.model, step.stack, step.address));
        if (g) found.push(g);
      }
    }
    const parsed = parseMember(member);
    if (found.length === 0 && parsed.kind === "federated") found.push(...this.principalSetGrants(parsed, database, permissions, time));
    return { grant: found.sort((a, b) => a.permissions.length - b.permissions.length || (a.model.resource.address < b.model.resource.address ? -1 : 1))[0], refused };
  }

  /**
   * A federated principal granted a role through a principal set (attribute, group): the
   * simulator needs the token's claims to decide membership, which the entry does not carry.
   * A principal set of the caller's own pool that holds the permission is the declared way it
   * could have got in; IAM let the call through, so it did get in by some grant.
   */
  private principalSetGrants(caller: Extract<ParsedMember, { kind: "federated" }>, database: string, permissions: readonly string[], time: string): DeclaredGrant[] {
    const db = parseDatabaseName(database)!;
    return this.grants.filter(
      (d) =>
        d.project === db.project &&
        permissions.some((p) => roleHolds(this.model, d.model.role, p).holds) &&
        evaluateCondition(d.model.condition, firestoreDatabaseTarget(database), new Date(time)).verdict !== "no" &&
        d.model.parsedMembers.some((m) => m.kind === "federated" && m.principalSet && m.pool.poolId === caller.pool.poolId && samePoolProject(m.pool.project, caller.pool.project)),
    );
  }

  /** The declared binding that lets the origin act as the account: an exact principal first, else the narrowest principal set of its pool. */
  public impersonationLink(origin: string, sa: string): ImpersonationLink | undefined {
    const who = parseMember(memberOfCaller(origin) ?? origin);
    const project = projectOfServiceAccount(sa);
    let best: { link: ImpersonationLink; rank: number } | undefined;
    for (const g of this.model.grants) {
      const onAccount = (g.level === "service_account" && g.target.toLowerCase() === sa) || (g.level === "project" && g.target === project);
      if (!onAccount || !roleHolds(this.model, g.role, GET_ACCESS_TOKEN).holds) continue;
      for (const m of g.parsedMembers) {
        const rank = matchRank(who, m);
        if (rank === undefined || (best && best.rank <= rank)) continue;
        const path = g.resource.path === g.resource.address ? "" : g.resource.path;
        const broad = m.kind === "federated" && m.principalSet && !ONE_WORKLOAD_ATTRIBUTES.has(m.key) ? broadness(m.key, describeFederatedMatch(m.key, m.value)) : undefined;
        best = { rank, link: { address: g.resource.address, constructPath: path, member: m.raw, broad } };
      }
    }
    return best?.link;
  }
}

/** 0: the very principal; 1: a principal set naming one workload; 2: a wider principal set; undefined: not a match. */
function matchRank(who: ParsedMember, m: ParsedMember): number | undefined {
  if (who.kind === "google" && m.kind === "google") return m.type === who.type && m.value === who.value ? 0 : undefined;
  if (who.kind !== "federated") return undefined;
  if (m.kind !== "federated") return undefined;
  if (m.pool.poolId !== who.pool.poolId || !samePoolProject(m.pool.project, who.pool.project)) return undefined;
  if (!m.principalSet) return m.key === who.key && m.value === who.value ? 0 : undefined;
  return ONE_WORKLOAD_ATTRIBUTES.has(m.key) ? 1 : 2;
}

function broadness(key: string, described: string): string {
  if (key === "*") return "every identity of the pool";
  if (key === "group") return `every member of ${described}`;
  return `every identity with ${described}`;
}
