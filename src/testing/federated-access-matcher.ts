import { StackModel, TfResource, block } from "../analysis/terraform-json";
import { IMPERSONATION_ROLES, federatedMember } from "../report/access-chains";
import { FoundGrant, foundGrants, memberKey } from "./found-grants";
import { MemberLike } from "./grant-expectation";
import { MatcherResult, bullets, result } from "./matcher-result";
import { preview, readStack, untokenize } from "./received-stack";

const MATCHER = "toAllowFederatedAccess";

/** A workload identity federation chain: who issues the token, what the provider demands of it, and who gets in. */
export interface FederatedAccessExpectation {
  /** The provider's `oidc.issuer_uri`, exactly (Entra v1 issuers end in a slash). */
  readonly issuer: string;
  /** Text the provider's attribute_condition must contain, e.g. `assertion.organization_slug == "acme"`. */
  readonly conditionContains?: string;
  /** A `principal://` or `principalSet://` member, or a FederatedPrincipal (its iamMember). */
  readonly principal: MemberLike;
}

interface Provider {
  readonly resource: TfResource;
  readonly issuer: string;
  readonly pool: string;
  readonly condition: string;
}

function providersOf(model: StackModel): Provider[] {
  const text = (v: unknown) => (typeof v === "string" ? model.resolve(v) : "");
  return model.ofType("google_iam_workload_identity_pool_provider").map((resource) => ({
    resource,
    issuer: text(block(resource.config.oidc)?.issuer_uri),
    pool: text(resource.config.workload_identity_pool_id),
    condition: text(resource.config.attribute_condition),
  }));
}

/** What the principal can do once in: act as a service account, or hold a project role itself. */
function binds(g: FoundGrant): boolean {
  return (g.level === "service_account" && IMPERSONATION_ROLES.has(g.role)) || g.level === "project";
}

function describeBinding(model: StackModel, g: FoundGrant): string {
  if (g.level === "service_account") {
    const account = typeof g.config.service_account_id === "string" ? model.resolve(g.config.service_account_id) : "a service account";
    return `impersonates ${account.replace(/^projects\/[^/]+\/serviceAccounts\//, "")} (${g.role}, ${g.address})`;
  }
  const condition = g.condition === undefined ? "" : ` if ${g.condition}`;
  return `holds ${g.role} in project ${g.project ?? "(provider default)"}${condition} (${g.address})`;
}

/**
 * Passes when a workload identity pool provider with the issuer (and a condition containing
 * the text) admits identities into the principal's pool, and the principal is bound to
 * something: Workload Identity User (or Token Creator) on a service account, or a project
 * IAM grant of its own.
 */
export function toAllowFederatedAccess(received: unknown, expected: FederatedAccessExpectation): MatcherResult {
  const stack = readStack(received, MATCHER);
  const { model } = stack;
  if (expected === null || typeof expected !== "object" || typeof expected.issuer !== "string") {
    throw new Error(`${MATCHER}: expected { issuer, conditionContains?, principal }, got ${preview(expected)}`);
  }
  const raw = typeof expected.principal === "string" ? expected.principal : expected.principal?.iamMember;
  if (typeof raw !== "string") throw new Error(`${MATCHER}: principal must be a principal:// or principalSet:// member or a FederatedPrincipal, got ${preview(expected.principal)}`);
  const principal = model.resolve(untokenize(raw, stack, `${MATCHER}: principal`));
  const fed = federatedMember(principal);
  if (!fed) {
    const unresolved = principal.includes("${") ? " (a reference this stack cannot resolve: is the pool declared in another stack?)" : "";
    throw new Error(`${MATCHER}: principal must be a principal:// or principalSet:// member of a pool, got ${principal}${unresolved}`);
  }
  const key = memberKey(principal);

  const providers = providersOf(model);
  const trusting = providers.filter((p) => p.issuer === expected.issuer);
  const inPool = trusting.filter((p) => p.pool === fed.pool);
  const text = expected.conditionContains;
  const admitting = inPool.filter((p) => text === undefined || p.condition.includes(text));
  const grants = foundGrants(model);
  const bindings = grants.filter((g) => g.memberKey === key && binds(g));
  const wanted = `${principal} through issuer ${expected.issuer}${text === undefined ? "" : ` with a condition containing \`${text}\``}`;

  return result(
    MATCHER,
    admitting.length > 0 && bindings.length > 0,
    () => {
      const lines = [`Expected ${wanted} to be allowed in and bound to a role, but:`];
      if (providers.length === 0) {
        lines.push("  the stack declares no google_iam_workload_identity_pool_provider");
      } else if (trusting.length === 0) {
        lines.push(`  no google_iam_workload_identity_pool_provider has issuer_uri ${expected.issuer}; providers in the stack:`);
        lines.push(...bullets(providers.map((p) => `${p.resource.address}: issuer ${p.issuer || "(none)"}, pool ${p.pool}`), "    "));
      } else if (inPool.length === 0) {
        lines.push(...bullets(trusting.map((p) => `provider ${p.resource.address} trusts ${p.issuer} but belongs to pool ${p.pool}, not to the principal's pool ${fed.pool}`)));
      } else if (admitting.length === 0) {
        lines.push(...bullets(inPool.map((p) => `provider ${p.resource.address} has attribute_condition \`${p.condition}\`, which does not contain \`${text}\``)));
      }
      if (bindings.length === 0) {
        const others = [...new Set(grants.filter((g) => federatedMember(g.member)?.pool === fed.pool && binds(g)).map((g) => g.member))].sort();
        lines.push(`  ${principal} is bound to nothing: no ${[...IMPERSONATION_ROLES].join(" or ")} on a service account and no project IAM grant names it`);
        if (others.length > 0) lines.push(`  members of pool ${fed.pool} that are bound:`, ...bullets(others, "    "));
      }
      return lines;
    },
    () => [
      `Expected ${wanted} not to be allowed, but:`,
      ...bullets(admitting.map((p) => `provider ${p.resource.address} admits it with attribute_condition \`${p.condition}\``)),
      ...bullets(bindings.map((g) => `it ${describeBinding(model, g)}`)),
    ],
  );
}
