import { BUILDKITE_ISSUER, GITHUB_ACTIONS_ISSUER } from "../core/issuers";
import { show } from "../core/validate";

/**
 * What a decoded OIDC token must look like before anyone can ask whether Google admits it.
 * A token no issuer would send cannot be explained: an answer (even DENIED) would describe a
 * request that never happens, so it is refused with the claim, the rule and the source.
 */

/**
 * OpenID Connect Core 1.0 §2 (ID Token): iss, sub and aud are REQUIRED; iss is a
 * case-sensitive URL, sub a case-sensitive string, aud "an array of case-sensitive strings"
 * or, in the common case of one audience, a single string.
 * https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
const OIDC_CORE = "OpenID Connect Core 1.0 §2, https://openid.net/specs/openid-connect-core-1_0.html#IDToken";

type ClaimType = "string" | "string or null" | "integer" | "array of strings" | "object";

const IS: Record<ClaimType, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  "string or null": (v) => v === null || typeof v === "string",
  integer: (v) => typeof v === "number" && Number.isSafeInteger(v),
  "array of strings": (v) => Array.isArray(v) && v.every((e) => typeof e === "string"),
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
};

/** The claims an issuer documents, with their JSON types: those a provider's mapping or condition may read. */
interface IssuerClaims {
  readonly issuer: string;
  readonly matches: (iss: string) => boolean;
  readonly source: string;
  readonly claims: Readonly<Record<string, ClaimType>>;
}

const GITHUB_STRINGS = [
  "actor", "actor_id", "base_ref", "environment", "event_name", "head_ref", "job_workflow_ref", "job_workflow_sha", "ref", "ref_protected", "ref_type",
  "repository", "repository_id", "repository_owner", "repository_owner_id", "repository_visibility", "run_attempt", "run_id", "run_number",
  "runner_environment", "sha", "workflow", "workflow_ref", "workflow_sha",
];

/** One table of documented claim types per issuer; every other claim is the issuer's own business. */
const ISSUER_CLAIMS: readonly IssuerClaims[] = [
  {
    issuer: "Buildkite",
    matches: (iss) => iss === BUILDKITE_ISSUER,
    // Claim table and example payload (build_number a number, step_key null when the step has no key).
    source: "https://buildkite.com/docs/agent/cli/reference/oidc",
    claims: {
      organization_slug: "string", pipeline_slug: "string", build_number: "integer", build_branch: "string", build_tag: "string or null",
      build_commit: "string", build_source: "string", step_key: "string or null", job_id: "string", agent_id: "string",
      runner_environment: "string", organization_id: "string", pipeline_id: "string",
    },
  },
  {
    issuer: "GitHub Actions",
    matches: (iss) => iss === GITHUB_ACTIONS_ISSUER || iss.startsWith(`${GITHUB_ACTIONS_ISSUER}/`),
    // The claims reference writes every claim, ids and numbers included, as a string ("repository_id": "74").
    source: "https://docs.github.com/en/actions/reference/security/oidc",
    claims: Object.fromEntries(GITHUB_STRINGS.map((c) => [c, "string" as const])),
  },
  {
    issuer: "Microsoft Entra ID",
    matches: (iss) => /^https:\/\/(sts\.windows\.net\/[^/]+\/|login\.microsoftonline\.com\/[^/]+\/v2\.0)$/.test(iss),
    source: "https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference",
    claims: { oid: "string", tid: "string", azp: "string", appid: "string", idtyp: "string", ver: "string", scp: "string", roles: "array of strings", groups: "array of strings", upn: "string", email: "string" },
  },
  {
    issuer: "GKE",
    matches: (iss) => iss.startsWith("https://container.googleapis.com/v1/projects/"),
    // Kubernetes service account tokens: the kubernetes.io claim is an object (namespace, serviceaccount, pod).
    source: "https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/",
    claims: { "kubernetes.io": "object" },
  },
];

/** The message every refusal shares: where, which claim, what was there, the rule and why it cannot be asked. */
function refusal(where: string, claim: string, value: unknown, rule: string): Error {
  return new Error(`${where}: invalid token.${claim} ${value === undefined ? "(missing)" : show(value)}: ${rule}; no issuer sends such a token, so there is no request to explain`);
}

/** Throws when the claims cannot be a token any issuer sends. */
export function validateTokenClaims(where: string, token: unknown): void {
  if (typeof token !== "object" || token === null || Array.isArray(token)) {
    throw new Error(`${where}: invalid token ${show(token)}: must be the decoded claims, a JSON object (a JWT payload is one); no issuer sends anything else`);
  }
  if (nestedDeeperThan(token, MAX_CLAIM_DEPTH)) {
    throw new Error(`${where}: invalid token: its claims are nested more than ${MAX_CLAIM_DEPTH} levels deep; no issuer sends such a token, so there is no request to explain`);
  }
  const claims = token as Record<string, unknown>;
  for (const claim of ["iss", "sub"]) {
    if (typeof claims[claim] !== "string") throw refusal(where, claim, claims[claim], `must be a string, and is REQUIRED (${OIDC_CORE})`);
  }
  if (!IS.string(claims.aud) && !(IS["array of strings"](claims.aud) && (claims.aud as unknown[]).length > 0)) {
    throw refusal(where, "aud", claims.aud, `must be a string or a non-empty array of strings, and is REQUIRED (${OIDC_CORE})`);
  }
  const documented = ISSUER_CLAIMS.find((i) => i.matches(claims.iss as string));
  if (!documented) return;
  for (const [claim, type] of Object.entries(documented.claims)) {
    if (!Object.prototype.hasOwnProperty.call(claims, claim)) continue;
    if (!IS[type](claims[claim])) throw refusal(where, claim, claims[claim], `${documented.issuer} documents ${claim} as ${/^[aeiou]/.test(type) ? "an" : "a"} ${type} (${documented.source})`);
  }
}


/** JWT claims are flat or nearly so (GKE's kubernetes.io is two levels); far deeper is not a token, and would exhaust the stack of whoever walks it. */
const MAX_CLAIM_DEPTH = 32;

/** Walks without recursion, so any depth is measured safely. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (typeof v !== "object" || v === null) continue;
    if (depth > limit) return true;
    for (const key of Object.keys(v)) pending.push([(v as Record<string, unknown>)[key], depth + 1]);
  }
  return false;
}
