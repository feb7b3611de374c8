/**
 * An API whose access tokens an OIDC relying party (a Google workload identity provider,
 * a FastAPI service) must accept. Implemented by EntraAppRegistration, so the token
 * version, issuer and audience come from one declaration.
 */
export interface IEntraTokenAudience {
  /** The Entra tenant (directory) id. */
  readonly tenantId: string;
  /** 1 or 2: decides the issuer and the form of `aud`. */
  readonly accessTokenVersion: number;
  /** The `aud` claim of access tokens issued for this API (client id for v2, identifier URI for v1). */
  readonly tokenAudience: string;
}
