import { EscalationMethod, escalationMoves, holdsEscalationPermission, memberActor } from "../analysis/escalations";
import { IamModel } from "../analysis/iam-model";
import { StackModel } from "../analysis/terraform-json";
import { AccessChain, AccessPath, compareBy, describe, issuersByPool, stacksByEnvironment } from "./access-chains";

/**
 * One escalation step to a database: an identity that holds no grant on it, but can deploy
 * code as an account that does, edit an IAM policy, or create a key, and so reach it.
 */
export interface EscalationPath {
  readonly environment: string;
  /** The identity that holds the escalation, described like a chain's identity. */
  readonly identity: string;
  /** Who vouches for the identity; empty for Google identities. */
  readonly issuer: string;
  /** How it escalates: deploying code as an account, creating pods, editing an IAM policy, creating a key. */
  readonly method: EscalationMethod;
  /** The escalation in words, e.g. "deploys Cloud Run code as runtime@p.iam.gserviceaccount.com". */
  readonly how: string;
  /** `stack: address` of each binding the escalation needs. */
  readonly bindings: string[];
  /** The account it leads to; empty when it grants itself roles on the project. */
  readonly serviceAccount: string;
  /** `projects/P/databases/D`, or `projects/P/databases/*`. */
  readonly database: string;
  /** The role it ends up with; for a project IAM policy, any role. */
  readonly role: string;
  readonly canDo: string;
  /** False when a step cannot be decided offline (another project's account, a folder, a condition on the resource). */
  readonly decided: boolean;
}

const ANY_ROLE = "any role (it grants itself)";

/**
 * The first escalation step of every identity a binding names that holds an escalation
 * permission, joined to the chains of the environment that start where the step leads: an
 * account (its own grants, or those of accounts it impersonates), a GKE project's
 * Kubernetes service accounts, or a project's whole policy. Deeper paths show as the
 * reached account's own rows; `explain` follows them to any depth for one identity.
 */
export function escalationPathsOf(environment: string, stacks: readonly StackModel[], chains: readonly AccessChain[]): EscalationPath[] {
  const model = IamModel.of(stacks);
  const issuers = issuersByPool(model);
  const holders = new Set<string>();
  for (const g of model.grants) if (holdsEscalationPermission(model, g.role)) for (const m of g.members) if (!m.includes("${")) holders.add(m);
  const out = new Map<string, EscalationPath>();
  const time = new Date();
  for (const member of [...holders].sort()) {
    const who = describe(member, issuers);
    for (const move of escalationMoves(model, memberActor(member), time)) {
      const base = {
        environment,
        identity: who.identity,
        issuer: who.issuer,
        method: move.method,
        how: move.summary,
        bindings: move.steps.map((s) => `${s.stack}: ${s.address}`),
        decided: move.verdict.verdict === "yes",
      };
      const to = move.to;
      let reached: readonly AccessChain[];
      if (to.kind === "account" && member === `serviceAccount:${to.email}`) continue;
      if (to.kind === "account") reached = chains.filter((c) => c.identity === `serviceAccount:${to.email}` || (c.serviceAccount === to.email && c.accessPath === AccessPath.DIRECT));
      else if (to.kind === "gke") reached = chains.filter((c) => c.accessPath === AccessPath.GKE && c.issuer === `GKE (${to.project}.svc.id.goog)`);
      else {
        if (to.project === undefined || !chains.some((c) => c.project === to.project)) continue;
        const row = { ...base, serviceAccount: "", database: `projects/${to.project}/databases/*`, role: ANY_ROLE, canDo: "anything a role grants on the project" };
        out.set(JSON.stringify(row), row);
        continue;
      }
      for (const c of reached) {
        const row = { ...base, serviceAccount: c.serviceAccount, database: c.database, role: c.role, canDo: c.canDo };
        out.set(JSON.stringify(row), row);
      }
    }
  }
  return [...out.values()].sort(compareBy<EscalationPath>(["database", "identity", "method", "serviceAccount", "role", "how"]));
}

/** Every escalation path of every environment, beside that environment's chains. */
export function allEscalationPaths(stacks: readonly StackModel[], chains: readonly AccessChain[]): EscalationPath[] {
  return stacksByEnvironment(stacks).flatMap(([env, envStacks]) => escalationPathsOf(env, envStacks, chains.filter((c) => c.environment === env)));
}
