import { Fn, Token } from "cdktf";

/**
 * OIDC issuers and endpoints, written once. Both the Entra app registration and the
 * Google provider that trusts it read these, so the two sides cannot disagree.
 */

export const BUILDKITE_ISSUER = "https://agent.buildkite.com";
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/** Enterprises that configured a unique issuer get `https://token.actions.githubusercontent.com/<enterprise>`. */
export function githubActionsIssuer(enterprise?: string): string {
  return enterprise === undefined ? GITHUB_ACTIONS_ISSUER : `${GITHUB_ACTIONS_ISSUER}/${enterprise}`;
}

/** Entra issues v1 and v2 access tokens from different issuers. */
export function entraIssuer(tenantId: string, tokenVersion: number): string {
  return tokenVersion === 1 ? `https://sts.windows.net/${tenantId}/` : `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

export function entraAuthority(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}`;
}

/** OAuth 2.0 authorization endpoint (v2) of a tenant: where a web app sends users to sign in. */
export function entraAuthorizeUrl(tenantId: string): string {
  return `${entraAuthority(tenantId)}/oauth2/v2.0/authorize`;
}

/** OAuth 2.0 token endpoint (v2) of a tenant: where a web app redeems the authorization code. */
export function entraTokenUrl(tenantId: string): string {
  return `${entraAuthority(tenantId)}/oauth2/v2.0/token`;
}

export function entraJwksUri(tenantId: string): string {
  return `${entraAuthority(tenantId)}/discovery/v2.0/keys`;
}

export function entraOpenIdConfigurationUrl(tenantId: string): string {
  return `${entraAuthority(tenantId)}/v2.0/.well-known/openid-configuration`;
}

/** Google STS and IAM Credentials endpoints used in external_account configurations. */
export const GOOGLE_STS_TOKEN_URL = "https://sts.googleapis.com/v1/token";
export const GOOGLE_JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

export function googleImpersonationUrl(serviceAccountEmail: string): string {
  return `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${serviceAccountEmail}:generateAccessToken`;
}

/** A value placed in a URL query: encoded now, or by Terraform when it fills the value in. */
export function queryValue(value: string): string {
  return Token.isUnresolved(value) ? Fn.urlencode(value) : encodeURIComponent(value);
}

/**
 * Azure instance metadata endpoint that hands a VM's managed identity its token
 * (https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service, which
 * documents it for VMs and scale sets; App Service and its kin use IDENTITY_ENDPOINT).
 */
export function azureManagedIdentityTokenUrl(resource: string): string {
  return `http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${queryValue(resource)}`;
}

/**
 * The token endpoint of App Service, Functions and Container Apps: `$IDENTITY_ENDPOINT`, asked
 * with this api-version and the `X-IDENTITY-HEADER: $IDENTITY_HEADER` header, answers JSON with
 * `access_token` and `expires_on` in epoch seconds
 * (https://learn.microsoft.com/azure/app-service/overview-managed-identity, "REST endpoint reference";
 * https://learn.microsoft.com/azure/container-apps/managed-identity).
 */
export const AZURE_APP_SERVICE_IDENTITY_API_VERSION = "2019-08-01";
