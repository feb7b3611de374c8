/** A token that differs from a legitimate one in exactly one respect. */
export interface NearMiss {
  /** What was changed, e.g. `organization_slug "acme" -> "acme-other"`. */
  readonly change: string;
  readonly token: { readonly [claim: string]: unknown };
}

function variants(value: unknown): unknown[] {
  if (typeof value === "string") {
    const out = [`${value}-other`, `other-${value}`];
    if (value.toUpperCase() !== value) out.push(value.toUpperCase());
    if (value.length > 1) out.push(value.slice(0, -1));
    return out;
  }
  if (typeof value === "number") return [value + 1];
  if (Array.isArray(value)) return value.map((_, i) => value.filter((__, j) => j !== i));
  return [];
}

/**
 * From one legitimate token, the tokens that must be refused: each named pinning claim
 * changed (suffix, prefix, case, truncation; each list element dropped), another issuer and
 * another audience. Feed them to `.not.toAllowFirestoreAccess` or a property test. Claims
 * not named here (build numbers, commit ids) are not pins and stay as they are. A changed
 * value can happen to be another legitimate one (`prod2` truncated is `prod`): pick pins
 * whose variants your configuration must all refuse.
 */
export function nearMisses(token: { readonly [claim: string]: unknown }, pinningClaims: readonly string[]): NearMiss[] {
  if (token === null || typeof token !== "object") throw new Error(`nearMisses: token must be the decoded claims object, got ${typeof token}`);
  const out: NearMiss[] = [];
  for (const claim of pinningClaims) {
    if (!Object.prototype.hasOwnProperty.call(token, claim)) throw new Error(`nearMisses: the token has no claim ${claim}; name claims the legitimate token carries`);
    for (const v of variants(token[claim])) out.push({ change: `${claim} ${JSON.stringify(token[claim])} -> ${JSON.stringify(v)}`, token: { ...token, [claim]: v } });
  }
  if (typeof token.iss === "string") out.push({ change: `iss -> another issuer`, token: { ...token, iss: `${token.iss.replace(/\/$/, "")}.evil.example/` } });
  const aud = token.aud;
  if (aud !== undefined) out.push({ change: "aud -> another audience", token: { ...token, aud: typeof aud === "string" ? `${aud}-other` : ["https://other.example"] } });
  return out;
}
