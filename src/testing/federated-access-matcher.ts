import { admitToken, anyMember, federatedActor } from "../analysis/access-simulator";
import { IamModel } from "../analysis/iam-model";
import { parseMember } from "../analysis/members";
import { resolveSubject } from "../analysis/request-subjects";
import { mintsAccessToken } from "../analysis/acting-as";
import { TokenClaims } from "../analysis/token-admission";
import { MemberLike } from "./grant-expectation";
import { MatcherResult, bullets, result } from "./matcher-result";
import { preview, readStack, untokenize } from "./received-stack";

const MATCHER = "toAllowFederatedAccess";

/** A token, and optionally what must be true of the identity Google makes of it. */
export interface FederatedAccessExpectation {
  /** The decoded OIDC token (claims, `iss` and `aud` included) that a workload presents. */
  readonly token: TokenClaims;
  /** The issuer that must admit it, exactly as the provider's `oidc.issuer_uri` (Entra v1 ends in a slash). */
  readonly issuer?: string;
  /** A `principal://` or `principalSet://` member (or a FederatedPrincipal) the admitted identity must belong to. */
  readonly principal?: MemberLike;
}

/**
 * Passes when a workload identity provider admits the token (issuer, audience, attribute
 * mapping and condition evaluated with CEL, as Google does) and the identity it becomes is
 * bound to something: it may impersonate a service account, or holds a role itself. With
 * `principal`, the identity must also be a member of that principal. `.not` passes only
 * when Google would refuse the token or the identity is bound to nothing.
 */
export function toAllowFederatedAccess(received: unknown, expected: FederatedAccessExpectation): MatcherResult {
  const stack = readStack(received, MATCHER);
  const { model: stackModel } = stack;
  if (expected === null || typeof expected !== "object") throw new Error(`${MATCHER}: expected { token, issuer?, principal? }, got ${preview(expected)}`);
  if (expected.token === null || typeof expected.token !== "object" || Array.isArray(expected.token)) {
    throw new Error(
      `${MATCHER}: give token, the decoded claims of the OIDC token the workload presents (iss, aud and the claims the provider reads); ` +
        `a principal alone cannot show what Google admits. Got ${preview(expected.token)}`,
    );
  }
  let principal: ReturnType<typeof parseMember> | undefined;
  if (expected.principal !== undefined) {
    const raw = typeof expected.principal === "string" ? expected.principal : expected.principal?.iamMember;
    if (typeof raw !== "string") throw new Error(`${MATCHER}: principal must be a principal:// or principalSet:// member or a FederatedPrincipal, got ${preview(expected.principal)}`);
    principal = parseMember(resolveSubject(IamModel.ofStack(stackModel), untokenize(raw, stack, `${MATCHER}: principal`), "principal", MATCHER));
    if (principal.kind !== "federated") throw new Error(`${MATCHER}: principal must be a principal:// or principalSet:// member of a workload identity pool, got ${preview(principal.raw)}`);
  }
  const model = IamModel.of([stackModel]);
  const token = expected.token;
  const admissions = expected.issuer !== undefined && token.iss !== expected.issuer ? [] : admitToken(model, token);
  const admitted = admissions.filter((a) => a.verdict === "admitted" && a.identity);
  const unknown = admissions.filter((a) => a.verdict === "unknown");
  const findings = admitted.map((a) => {
    const actor = federatedActor(a.identity!, [], []);
    const inPrincipal = principal === undefined || actor.matches(principal).verdict === "yes";
    const bindings = model.grants.filter(
      (g) =>
        anyMember(actor, g).verdict === "yes" &&
        ((g.level === "service_account" && mintsAccessToken(model, g.role)) || g.level === "project" || g.level === "folder" || g.level === "organization"),
    );
    return { admission: a, actor, inPrincipal, bindings };
  });
  const passing = findings.filter((f) => f.inPrincipal && f.bindings.length > 0);
  const undecided = passing.length > 0 ? [] : findings.flatMap((f) => model.grants.filter((g) => anyMember(f.actor, g).verdict === "unknown").map((g) => `${g.resource.address} may name the identity: ${anyMember(f.actor, g).reason}`));
  if (undecided.length > 0) throw new Error(`${MATCHER}: cannot tell offline whether the identity is bound:\n${bullets(undecided).join("\n")}`);
  if (passing.length === 0 && unknown.length > 0) {
    throw new Error(`${MATCHER}: cannot tell offline whether the token is admitted:\n${bullets(unknown.map((a) => `${a.by} at ${a.step}: ${a.reason}`)).join("\n")}`);
  }
  const issuerNote = expected.issuer !== undefined && token.iss !== expected.issuer ? [`  the token's iss ${JSON.stringify(token.iss)} is not the expected issuer ${expected.issuer}`] : [];
  return result(
    MATCHER,
    passing.length > 0,
    () => {
      const lines = ["Expected Google to admit the token and the identity to be bound, but:", ...issuerNote];
      if (admissions.length === 0 && issuerNote.length === 0) lines.push(`  no workload identity pool provider trusts issuer ${JSON.stringify(token.iss)}`);
      lines.push(...bullets(admissions.filter((a) => a.verdict === "refused").map((a) => `refused by ${a.by} at ${a.step}: ${a.reason}`)));
      for (const f of findings) {
        lines.push(`  ${f.admission.by} admits it as subject ${f.admission.identity!.subject}, which is:`, ...bullets(f.actor.members, "    "));
        if (!f.inPrincipal) lines.push(`  not a member of ${principal!.raw}`);
        if (f.bindings.length === 0) {
          const pool = f.admission.identity!.pool.poolId;
          const bound = [...new Set(model.grants.flatMap((g) => g.parsedMembers.filter((m) => m.kind === "federated" && m.pool.poolId === pool).map((m) => m.raw)))].sort();
          lines.push("  and bound to nothing: no role binding names any of those members");
          if (bound.length > 0) lines.push(`  members of pool ${pool} that are bound:`, ...bullets(bound, "    "));
        }
      }
      return lines;
    },
    () => [
      "Expected Google to refuse the token or the identity to be bound to nothing, but:",
      ...passing.flatMap((f) => [
        `  ${f.admission.by} admits it as subject ${f.admission.identity!.subject}`,
        ...bullets(f.bindings.map((g) => `bound by ${g.resource.address}: ${g.role} on ${g.level.replace(/_/g, " ")} ${g.target}${g.condition ? ` if ${g.condition}` : ""}`), "    "),
      ]),
    ],
  );
}
