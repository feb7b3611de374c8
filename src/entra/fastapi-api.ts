import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { entraJwksUri, entraOpenIdConfigurationUrl } from "../core/issuers";
import { check, checkShape, inputError } from "../core/validate";
import { EntraApiScope, EntraAppRegistration, EntraAppRole } from "./entra-app-registration";
import { TENANT_ID } from "./entra-rules";
import { requireCdktfApp } from "../core/supported-core";

export interface FastApiEntraApiProps {
  readonly tenantId: string;
  /** Display name of the app registration, 1-256 characters. */
  readonly displayName: string;
  /** Roles callers get (`roles` claim): for users, groups and other workloads. */
  readonly appRoles?: EntraAppRole[];
  /** Delegated permissions (`scp` claim) for clients acting on behalf of a user. */
  readonly scopes?: EntraApiScope[];
  /**
   * Identifier URI clients use to request tokens (`<uri>/.default`, `<uri>/<scope>`).
   * @default `api://<client id>`
   */
  readonly identifierUri?: string;
  readonly owners?: string[];
  /** @default true */
  readonly appRoleAssignmentRequired?: boolean;
}

/**
 * An API that a FastAPI service protects with Entra ID access tokens (version 2): its
 * app roles and scopes, and an output with what the service validates tokens against.
 */
export class FastApiEntraApi extends Construct {
  public readonly application: EntraAppRegistration;
  /** Expected `aud`: the client id (v2 tokens). */
  public readonly audience: string;
  /** Expected `iss`. */
  public readonly issuer: string;
  public readonly jwksUri: string;
  public readonly openIdConfigurationUrl: string;
  /** Non-sensitive validation settings (tenant, audience, issuer, JWKS URI, OpenID configuration URL). */
  public readonly settings: TerraformOutput;

  constructor(scope: Construct, id: string, props: FastApiEntraApiProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { tenantId: "string", displayName: "string", appRoles: "object[]?", scopes: "object[]?", identifierUri: "string?", owners: "string[]?", appRoleAssignmentRequired: "boolean?" });
    const tenantId = check(this, "tenantId", props.tenantId, TENANT_ID);
    if ((props.appRoles ?? []).length === 0 && (props.scopes ?? []).length === 0) {
      throw inputError(this, "appRoles/scopes", [], "an API needs at least one app role or scope, or every caller is authorized alike");
    }
    this.application = new EntraAppRegistration(this, "App", {
      tenantId,
      displayName: props.displayName,
      appRoles: props.appRoles,
      scopes: props.scopes,
      identifierUri: props.identifierUri,
      defaultIdentifierUri: props.identifierUri === undefined,
      accessTokenVersion: 2,
      owners: props.owners,
      appRoleAssignmentRequired: props.appRoleAssignmentRequired,
    });
    this.audience = this.application.tokenAudience;
    this.issuer = this.application.issuer;
    this.jwksUri = entraJwksUri(tenantId);
    this.openIdConfigurationUrl = entraOpenIdConfigurationUrl(tenantId);

    this.settings = new TerraformOutput(this, "Settings", {
      description: "Entra ID access-token validation settings for the FastAPI service; contains no secret",
      sensitive: false,
      value: {
        tenant_id: tenantId,
        client_id: this.application.clientId,
        audience: this.audience,
        issuer: this.issuer,
        jwks_uri: this.jwksUri,
        openid_configuration_url: this.openIdConfigurationUrl,
        identifier_uri: this.application.identifierUri,
        app_roles: this.application.appRoleValues,
        scopes: this.application.scopeValues,
      },
    });
  }
}
