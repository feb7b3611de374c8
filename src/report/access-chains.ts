import { capabilitiesOf } from "../analysis/capabilities";
import { databaseScopeOf } from "../analysis/conditions";
import { IamModel } from "../analysis/iam-model";
import { describeFederatedMatch, parseMember, projectOfServiceAccount } from "../analysis/members";
import { mintsAccessToken } from "../analysis/acting-as";
import { StackModel } from "../analysis/terraform-json";
import { BUILDKITE_ISSUER, GITHUB_ACTIONS_ISSUER } from "../core/issuers";
import { environmentOf } from "../guardrails/environment";

/** How an external identity reaches the role. */
export enum AccessPath {
  /** A federated identity (principal / principalSet) holds the Firestore role itself. */
  FEDERATION = "federation",
  /** A federated identity impersonates a service account that holds the role. */
  FEDERATION_IMPERSONATION = "federation + impersonation",
  /** A Kubernetes service account, through GKE Workload Identity (directly or via a service account). */
  GKE = "GKE Workload Identity",
  /** A Google user, group or service account impersonates a service account that holds the role. */
  IMPERSONATION = "impersonation",
  /** A Google user, group or service account holds the role itself. */
  DIRECT = "direct",
}

/** One chain: who, how they get in, as which service account, to which database, with which role. */
export interface AccessChain {
  readonly environment: string;
  /** Stack that grants the Firestore role. */
  readonly stack: string;
  /** The external identity, e.g. `attribute.pipeline = acme/deploy` or `k8s airflow/scheduler`. */
  readonly identity: string;
  /** Who vouches for the identity, e.g. `Buildkite (pool buildkite-dev)`; empty for Google identities. */
  readonly issuer: string;
  readonly accessPath: AccessPath;
  /** The service account impersonated on the way; empty when the identity holds the role itself. */
  readonly serviceAccount: string;
  readonly project: string;
  /** `projects/P/databases/D`, or `projects/P/databases/*` when the grant has no database condition. */
  readonly database: string;
  readonly role: string;
  /** The role's Firestore permissions (`datastore.*`), from Google's role data or the custom role. */
  readonly permissions: string[];
  /** The same in words a reviewer reads, e.g. "read documents, write and delete documents". */
  readonly canDo: string;
}

interface Impersonator {
  readonly member: string;
}

function issuerName(uri: string): string {
  const clean = uri.replace(/\/+$/, "");
  if (clean === BUILDKITE_ISSUER) return "Buildkite";
  if (clean === GITHUB_ACTIONS_ISSUER) return "GitHub Actions";
  const entra = /^https:\/\/(?:sts\.windows\.net\/([^/]+)|login\.microsoftonline\.com\/([^/]+)\/v2\.0)$/.exec(clean);
  if (entra) return `Entra ID (tenant ${entra[1] ?? entra[2]})`;
  return clean;
}

/** Issuers per pool id, from the providers of every stack of the environment. */
export function issuersByPool(model: IamModel): Map<string, string[]> {
  const byPool = new Map<string, Set<string>>();
  for (const p of model.providers) {
    if (p.issuer === "") continue;
    const set = byPool.get(p.pool.poolId) ?? new Set<string>();
    set.add(issuerName(p.issuer));
    byPool.set(p.pool.poolId, set);
  }
  return new Map([...byPool].map(([k, v]) => [k, [...v].sort()]));
}

/** Readable identity and issuer for an IAM member string. */
export function describe(member: string, issuers: Map<string, string[]>): { identity: string; issuer: string; federated: boolean; gke: boolean } {
  const m = parseMember(member);
  if (m.kind === "federated") {
    const gke = m.pool.poolId.endsWith(".svc.id.goog");
    const ksa = gke && m.key === "subject" ? /^ns\/([^/]+)\/sa\/(.+)$/.exec(m.value) : null;
    if (ksa) return { identity: `k8s ${ksa[1]}/${ksa[2]}`, issuer: `GKE (${m.pool.poolId})`, federated: false, gke: true };
    const names = issuers.get(m.pool.poolId);
    const issuer = gke ? `GKE (${m.pool.poolId})` : names && names.length > 0 ? `${names.join(", ")} (pool ${m.pool.poolId})` : `pool ${m.pool.poolId}`;
    return { identity: describeFederatedMatch(m.key, m.value), issuer, federated: !gke, gke };
  }
  return { identity: member, issuer: "", federated: false, gke: false };
}

/**
 * Builds every chain of one environment from the IAM model. Impersonation (any role that
 * mints an access token: role-permissions.ts ACTING_AS_ACCOUNT) is indexed once per environment, by service account
 * email and by project for project-wide grants, so an account created in one stack and
 * granted in another still links up.
 */
export function chainsOf(environment: string, stacks: readonly StackModel[]): AccessChain[] {
  const model = IamModel.of(stacks);
  const issuers = issuersByPool(model);
  const impersonators = new Map<string, Impersonator[]>();
  const add = (key: string, imp: Impersonator) => impersonators.set(key, [...(impersonators.get(key) ?? []), imp]);
  for (const g of model.grants) {
    if (!mintsAccessToken(model, g.role)) continue;
    const key = g.level === "service_account" ? g.target : g.level === "project" ? `project:${g.target}` : undefined;
    if (key !== undefined) for (const member of g.members) add(key, { member });
  }

  const chains = new Map<string, AccessChain>();
  const push = (c: AccessChain) => chains.set(JSON.stringify(c), c);
  for (const g of model.grants) {
    if (g.level !== "project") continue;
    const permissions = [...(model.permissionsOf(g.role) ?? [])].filter((p) => p.startsWith("datastore.")).sort();
    if (permissions.length === 0) continue;
    const project = g.target;
    // Anything but one database is shown as the whole project: a reviewer must see a grant the probes could not place.
    const scope = databaseScopeOf(g.condition, project);
    const base = {
      environment,
      stack: g.stack.name,
      project,
      database: scope.kind === "one" ? scope.database : `projects/${project}/databases/*`,
      role: g.role,
      permissions,
      canDo: capabilitiesOf(permissions).join(", "),
    };
    for (const member of g.members) {
      const who = describe(member, issuers);
      const parsed = parseMember(member);
      const email = parsed.kind === "google" && parsed.type === "serviceAccount" ? parsed.value : undefined;
      if (who.federated || who.gke || email === undefined) {
        const accessPath = who.federated ? AccessPath.FEDERATION : who.gke ? AccessPath.GKE : AccessPath.DIRECT;
        push({ ...base, identity: who.identity, issuer: who.issuer, accessPath, serviceAccount: "" });
        continue;
      }
      const via = [...(impersonators.get(email) ?? []), ...(impersonators.get(`project:${projectOfServiceAccount(email) ?? ""}`) ?? [])];
      if (via.length === 0) {
        push({ ...base, identity: member, issuer: "", accessPath: AccessPath.DIRECT, serviceAccount: email });
        continue;
      }
      for (const imp of via) {
        const outer = describe(imp.member, issuers);
        const accessPath = outer.federated ? AccessPath.FEDERATION_IMPERSONATION : outer.gke ? AccessPath.GKE : AccessPath.IMPERSONATION;
        push({ ...base, identity: outer.identity, issuer: outer.issuer, accessPath, serviceAccount: email });
      }
    }
  }
  return [...chains.values()].sort(compareBy<AccessChain>(["environment", "database", "role", "serviceAccount", "identity", "issuer", "accessPath", "stack"]));
}

/** Orders report rows by these fields, as text, in turn: deterministic output. */
export function compareBy<T>(keys: ReadonlyArray<keyof T>): (a: T, b: T) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = String(a[k]);
      const y = String(b[k]);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

/** Environments in deployment order (dev, staging, prod), then any others alphabetically. */
export function sortEnvironments(envs: Iterable<string>): string[] {
  const rank = (e: string) => {
    const i = ["dev", "test", "qa", "staging", "preprod", "prod"].indexOf(e);
    return i < 0 ? 100 : i;
  };
  return [...new Set(envs)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The stacks of each environment, in deployment order. */
export function stacksByEnvironment(stacks: readonly StackModel[]): Array<[string, StackModel[]]> {
  const byEnv = new Map<string, StackModel[]>();
  for (const s of stacks) {
    const env = environmentOf(s);
    byEnv.set(env, [...(byEnv.get(env) ?? []), s]);
  }
  return sortEnvironments(byEnv.keys()).map((env) => [env, byEnv.get(env)!]);
}

/** Every chain of every environment of a synthesized app. */
export function allChains(stacks: readonly StackModel[]): AccessChain[] {
  return stacksByEnvironment(stacks).flatMap(([env, envStacks]) => chainsOf(env, envStacks));
}
