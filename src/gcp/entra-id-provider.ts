import { celStringLiteral } from "../core/cel";
import { ABSOLUTE_PATH, UUID } from "../core/formats";
import { azureManagedIdentityTokenUrl, entraIssuer } from "../core/issuers";
import { IEntraTokenAudience } from "../core/token-audience";
import { check, checkOptional, checkOptions, checkType, inputError, oneOf } from "../core/validate";
import { azureAppServiceTokenScript } from "./azure-token-script";
import { CredentialConfigurationOptions } from "./credential-configuration";
import { FederatedMatch, FederatedPrincipal } from "./federated-principal";
import { ATTRIBUTE_VALUE, AUDIENCE } from "./gcp-rules";
import { ProviderCommonOptions, WorkloadIdentityOidcProvider } from "./oidc-providers";
import type { WorkloadIdentityPool } from "./workload-identity-pool";
import { rememberPresetCel } from "../core/library-cel";

export interface EntraIdProviderOptions extends ProviderCommonOptions {
  /**
   * The app registration whose access tokens are exchanged; issuer, audience and token
   * version are derived from it. Give either this or tenantId + audience.
   */
  readonly application?: IEntraTokenAudience;
  /** Entra tenant id (a UUID). */
  readonly tenantId?: string;
  /** The `aud` of the tokens: client id for v2 tokens, identifier URI for v1. */
  readonly audience?: string;
  /** 1 or 2. @default 2 */
  readonly tokenVersion?: number;
  /** @default "entra-id" */
  readonly providerId?: string;
}

export interface AzureManagedIdentityOptions {
  /** Client id of a user-assigned managed identity; omit for the app's system-assigned one. */
  readonly clientId?: string;
}

/** Entra ID access tokens of one tenant and one audience. */
export class EntraIdOidcProvider extends WorkloadIdentityOidcProvider {
  public readonly tenantId: string;
  public readonly tokenVersion: number;

  constructor(pool: WorkloadIdentityPool, id: string, options: EntraIdProviderOptions) {
    checkOptions(`${pool.node.path}/${id}`, "", options, { application: "object?", tenantId: "string?", audience: "string?", tokenVersion: "number?", providerId: "string?", displayName: "string?", description: "string?", allowedAudiences: "string[]?" });
    const site = `${pool.node.path}/${id}`;
    const app = options.application;
    if (app && (options.tenantId !== undefined || options.audience !== undefined || options.tokenVersion !== undefined)) {
      throw new Error(`${site}: give either application or tenantId/audience/tokenVersion, not both; the application decides them`);
    }
    const tenantId = app ? app.tenantId : options.tenantId;
    const audience = app ? app.tokenAudience : options.audience;
    const version = app ? app.accessTokenVersion : options.tokenVersion ?? 2;
    if (tenantId === undefined) throw inputError(site, "tenantId", tenantId, "is required (or pass application)");
    if (audience === undefined) throw inputError(site, "audience", audience, "is required (or pass application)");
    check(site, "tenantId", tenantId, UUID);
    check(site, "tokenVersion", String(version), oneOf(["1", "2"]));
    check(site, "audience", audience, AUDIENCE);
    if (options.allowedAudiences !== undefined) {
      throw inputError(site, "allowedAudiences", options.allowedAudiences, "is derived from audience for Entra ID; set audience instead");
    }
    super(pool, id, {
      ...options,
      providerId: options.providerId ?? "entra-id",
      issuerUri: entraIssuer(tenantId, version),
      allowedAudiences: [audience],
      attributeMapping: {
        "google.subject": "assertion.sub",
        // App roles become groups so `appRole(value)` can use principalSet://.../group/VALUE.
        "google.groups": "has(assertion.roles) ? assertion.roles : []",
        "attribute.oid": "assertion.oid",
        "attribute.tid": "assertion.tid",
      },
      attributeCondition: `assertion.tid == ${celStringLiteral(tenantId)}`,
    });
    rememberPresetCel(this);
    this.tenantId = tenantId;
    this.tokenVersion = version;
    // Azure VMs hand the managed identity its token from instance metadata; App Service and
    // its kin do not: appServiceCredentialConfiguration.
    this._setDefaultCredentialSource({
      url: azureManagedIdentityTokenUrl(audience),
      headers: { Metadata: "True" },
      format: { type: "json", subject_token_field_name: "access_token" },
    });
  }

  /**
   * A POSIX sh script (curl, sed) that prints the managed identity's token for this provider's
   * audience in Google's executable format, for App Service, Functions and Container Apps on
   * Linux, which hand the token out at IDENTITY_ENDPOINT with a rotating IDENTITY_HEADER (the
   * instance metadata endpoint is documented for VMs). Ship it with the app and point
   * appServiceCredentialConfiguration at it.
   */
  public appServiceTokenScript(options: AzureManagedIdentityOptions = {}): string {
    checkOptions(this, "options", options, { clientId: "string?" });
    checkOptional(this, "clientId", options.clientId, UUID);
    return azureAppServiceTokenScript(this.allowedAudiences[0], options.clientId);
  }

  /**
   * Credential configuration that runs appServiceTokenScript from `scriptPath` (absolute, on
   * the app's file system) with /bin/sh, so it needs no execute bit. The app sets
   * GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1.
   */
  public appServiceCredentialConfiguration(scriptPath: string, options: CredentialConfigurationOptions = {}): string {
    checkType(this, "scriptPath", scriptPath, "string");
    check(this, "scriptPath", scriptPath, ABSOLUTE_PATH);
    return this.credentialConfiguration({ ...options, executableCommand: `/bin/sh ${scriptPath}` });
  }

  /** One Entra identity (user, service principal or managed identity) by object id. */
  public objectId(oid: string): FederatedPrincipal {
    checkType(this, "objectId", oid, "string");
    check(this, "objectId", oid, UUID);
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.ATTRIBUTE,
      attribute: "oid",
      value: oid,
      principalName: `${this.pool.poolId}/entra/oid/${oid}`,
    });
  }

  /** Every identity whose token carries this app role in its `roles` claim. */
  public appRole(value: string): FederatedPrincipal {
    checkType(this, "appRole", value, "string");
    check(this, "appRole", value, ATTRIBUTE_VALUE);
    return new FederatedPrincipal({
      poolName: this.pool.poolName,
      match: FederatedMatch.GROUP,
      value,
      principalName: `${this.pool.poolId}/entra/role/${value}`,
    });
  }
}
