import { ConditionVerdict } from "./conditions";
import { GrantModel, IamModel } from "./iam-model";
import { ACTING_AS_ACCOUNT, ActingAsPermission, actingAs } from "./role-permissions";

/**
 * What a role held on a service account (or above it) lets a member do with the account,
 * read from the one table of acting-as permissions (role-permissions.ts ACTING_AS_ACCOUNT):
 * the hops the simulator follows (an access token, a signed JWT or blob exchanged for one,
 * or naming the account as a delegate), and whether it holds ID tokens only.
 */
export interface ActingRoutes {
  /** The permissions the simulator follows, best first: those that mint an access token, then delegation. */
  readonly follow: readonly ActingAsPermission[];
  /** The role yields ID tokens only (getOpenIdToken), which Firestore does not accept. */
  readonly idTokenOnly: boolean;
  /** Set when the role's permissions are unknown (a custom role declared elsewhere, a reference): it may act as the account. */
  readonly unknown?: string;
}

const NONE: ActingRoutes = { follow: [], idTokenOnly: false };
const cache = new WeakMap<IamModel, Map<string, ActingRoutes>>();

/** The routes of a role, computed once per role and model: asked for every grant on every hop. */
export function actingRoutes(model: IamModel, role: string): ActingRoutes {
  let byRole = cache.get(model);
  if (!byRole) cache.set(model, (byRole = new Map()));
  let routes = byRole.get(role);
  if (!routes) byRole.set(role, (routes = routesOf(model, role)));
  return routes;
}

function routesOf(model: IamModel, role: string): ActingRoutes {
  const permissions = model.permissionsOf(role);
  if (permissions === undefined) {
    const why = role.includes("${") ? `role ${role} is a reference Terraform fills in` : `custom role ${role} is not declared in these stacks`;
    return { follow: [actingAs("access-token")], idTokenOnly: false, unknown: `${why}, so it may let the member act as the account` };
  }
  const held = ACTING_AS_ACCOUNT.filter((p) => permissions.has(p.permission));
  if (held.length === 0) return NONE;
  const mint = held.filter((p) => p.mintsAccessToken);
  const delegation = held.filter((p) => p.kind === "delegation");
  const follow = [...mint, ...delegation];
  return { follow, idTokenOnly: follow.length === 0 && held.some((p) => p.kind === "id-token") };
}

/** True when the role certainly lets its holder mint an access token for the account (getAccessToken, signJwt, signBlob). */
export function mintsAccessToken(model: IamModel, role: string): boolean {
  const routes = actingRoutes(model, role);
  return routes.unknown === undefined && routes.follow.some((r) => r.mintsAccessToken);
}

/**
 * The service accounts a binding on an account, a project, or a folder or organization covers
 * (the last unknown: which projects sit under it is not in the configuration). One table for
 * the simulator's impersonation and the escalation search.
 */
export function accountsCoveredBy(model: IamModel, g: GrantModel): Array<{ email: string; verdict: ConditionVerdict }> {
  if (g.level === "service_account") return g.target.includes("${") ? [] : [{ email: g.target, verdict: { verdict: "yes", reason: "" } }];
  if (g.level === "project") return model.serviceAccountsOfProject(g.target).map((email) => ({ email, verdict: { verdict: "yes", reason: "" } }));
  if (g.level === "folder" || g.level === "organization") {
    const reason = `${g.resource.address} grants ${g.role} on ${g.level} ${g.target}; which projects sit under it is not in the configuration`;
    return model.serviceAccounts.map((email) => ({ email, verdict: { verdict: "unknown", reason } }));
  }
  return [];
}
