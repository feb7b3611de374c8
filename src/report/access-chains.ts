import { BUILDKITE_ISSUER, GITHUB_ACTIONS_ISSUER } from "../core/issuers";
import { environmentOf } from "../guardrails/environment";
import { grantsFirestore, iamGrants } from "../analysis/iam-grants";
import { onlyDatabaseOf } from "../guardrails/rules/firestore-database-condition";
import { StackModel, block } from "../analysis/terraform-json";

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
}

/** Roles on a service account that let a member act as it: the links of an access chain. */
export const IMPERSONATION_ROLES: ReadonlySet<string> = new Set(["roles/iam.workloadIdentityUser", "roles/iam.serviceAccountTokenCreator"]);
const FEDERATED = /^(principal|principalSet):\/\/iam\.googleapis\.com\/(?:projects\/[^/]+\/locations\/global\/workloadIdentityPools|locations\/global\/workforcePools)\/([^/]+)\/(.+)$/;

/** A `principal://` or `principalSet://` member, split into its pool id and what it matches inside the pool. */
export interface FederatedMember {
  readonly kind: "principal" | "principalSet";
  readonly pool: string;
  /** `attribute.K/V`, `subject/S`, `group/G` or `*`. */
  readonly match: string;
}

/**
 * Parses a resolved federated member. The pool is named by id only: before apply the
 * project number in a pool's name is unknown and references resolve to the project id.
 */
export function federatedMember(member: string): FederatedMember | undefined {
  const m = FEDERATED.exec(member);
  return m ? { kind: m[1] as FederatedMember["kind"], pool: m[2], match: m[3] } : undefined;
}
const GKE = /^serviceAccount:([^.]+)\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/;
const SA_EMAIL = /^serviceAccount:(.+)$/;

interface Impersonator {
  readonly member: string;
  readonly stack: StackModel;
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
function issuersByPool(stacks: readonly StackModel[]): Map<string, string[]> {
  const byPool = new Map<string, Set<string>>();
  for (const stack of stacks) {
    for (const p of stack.ofType("google_iam_workload_identity_pool_provider")) {
      const pool = typeof p.config.workload_identity_pool_id === "string" ? stack.resolve(p.config.workload_identity_pool_id) : "";
      const uri = block(p.config.oidc)?.issuer_uri;
      if (typeof uri !== "string") continue;
      const set = byPool.get(pool) ?? new Set<string>();
      set.add(issuerName(stack.resolve(uri)));
      byPool.set(pool, set);
    }
  }
  return new Map([...byPool].map(([k, v]) => [k, [...v].sort()]));
}

/** Readable identity and issuer for an IAM member string. */
function describe(member: string, issuers: Map<string, string[]>): { identity: string; issuer: string; federated: boolean; gke: boolean } {
  const fed = federatedMember(member);
  if (fed) {
    const { pool, match: rest } = fed;
    const names = issuers.get(pool);
    const issuer = names && names.length > 0 ? `${names.join(", ")} (pool ${pool})` : `pool ${pool}`;
    let identity = rest;
    let m: RegExpExecArray | null;
    if ((m = /^attribute\.([^/]+)\/(.+)$/.exec(rest))) identity = `attribute.${m[1]} = ${m[2]}`;
    else if ((m = /^subject\/(.+)$/.exec(rest))) identity = `subject ${m[1]}`;
    else if ((m = /^group\/(.+)$/.exec(rest))) identity = `group ${m[1]}`;
    else if (rest === "*") identity = "any identity in the pool";
    return { identity, issuer, federated: true, gke: false };
  }
  const gke = GKE.exec(member);
  if (gke) return { identity: `k8s ${gke[2]}/${gke[3]}`, issuer: `GKE (${gke[1]}.svc.id.goog)`, federated: false, gke: true };
  return { identity: member, issuer: "", federated: false, gke: false };
}

/** `projects/P/serviceAccounts/EMAIL`, `EMAIL` or a resolved reference to either, as the email. */
function serviceAccountEmail(value: string): string {
  const m = /^projects\/[^/]+\/serviceAccounts\/(.+)$/.exec(value);
  return m ? m[1] : value;
}

function projectOfEmail(email: string): string | undefined {
  return /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
}

/**
 * Builds every chain of one environment. Impersonation grants are indexed once per
 * environment (by service account email, and by project for project-wide grants), so a
 * service account created in one stack and granted in another still links up.
 */
export function chainsOf(environment: string, stacks: readonly StackModel[]): AccessChain[] {
  const issuers = issuersByPool(stacks);
  const impersonators = new Map<string, Impersonator[]>();
  const add = (key: string, imp: Impersonator) => impersonators.set(key, [...(impersonators.get(key) ?? []), imp]);
  for (const stack of stacks) {
    for (const g of iamGrants(stack)) {
      if (!IMPERSONATION_ROLES.has(g.role)) continue;
      let key: string | undefined;
      if (g.level === "service_account" && typeof g.resource.config.service_account_id === "string") {
        key = serviceAccountEmail(stack.resolve(g.resource.config.service_account_id));
      } else if (g.level === "project") {
        key = `project:${stack.projectOf(g.resource) ?? ""}`;
      }
      if (key !== undefined) for (const m of g.members) add(key, { member: stack.resolve(m), stack });
    }
  }

  const chains = new Map<string, AccessChain>();
  const push = (c: AccessChain) => chains.set(JSON.stringify(c), c);
  for (const stack of stacks) {
    for (const g of iamGrants(stack)) {
      if (g.level !== "project" || !grantsFirestore(stack, g.role)) continue;
      const project = stack.projectOf(g.resource) ?? "";
      // A condition with an alternative beside the database comparison reaches the whole project.
      const db = onlyDatabaseOf(g.condition === undefined ? undefined : stack.resolve(g.condition));
      const base = { environment, stack: stack.name, project, database: db ?? `projects/${project}/databases/*`, role: stack.resolve(g.role) };
      for (const raw of g.members) {
        const member = stack.resolve(raw);
        const who = describe(member, issuers);
        const email = SA_EMAIL.exec(member)?.[1];
        if (who.federated || who.gke || email === undefined) {
          const accessPath = who.federated ? AccessPath.FEDERATION : who.gke ? AccessPath.GKE : AccessPath.DIRECT;
          push({ ...base, identity: who.identity, issuer: who.issuer, accessPath, serviceAccount: "" });
          continue;
        }
        const via = [...(impersonators.get(email) ?? []), ...(impersonators.get(`project:${projectOfEmail(email) ?? ""}`) ?? [])];
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
  }
  return [...chains.values()].sort(compareChains);
}

const ORDER: Array<keyof AccessChain> = ["environment", "database", "role", "serviceAccount", "identity", "issuer", "accessPath", "stack"];

function compareChains(a: AccessChain, b: AccessChain): number {
  for (const k of ORDER) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

/** Environments in deployment order (dev, staging, prod), then any others alphabetically. */
export function sortEnvironments(envs: Iterable<string>): string[] {
  const rank = (e: string) => {
    const i = ["dev", "test", "qa", "staging", "preprod", "prod"].indexOf(e);
    return i < 0 ? 100 : i;
  };
  return [...new Set(envs)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Every chain of every environment of a synthesized app. */
export function allChains(stacks: readonly StackModel[]): AccessChain[] {
  const byEnv = new Map<string, StackModel[]>();
  for (const s of stacks) {
    const env = environmentOf(s);
    byEnv.set(env, [...(byEnv.get(env) ?? []), s]);
  }
  return sortEnvironments(byEnv.keys()).flatMap((env) => chainsOf(env, byEnv.get(env)!));
}
