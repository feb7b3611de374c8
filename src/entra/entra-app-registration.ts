import type { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import type { Application, ApplicationAppRole, ApplicationApiOauth2PermissionScope } from "@cdktf/provider-azuread/lib/application";
import type { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { Construct, IConstruct } from "constructs";
import { entraIssuer } from "../core/issuers";
import { StableIds } from "../core/naming";
import { requireOptionalPeer } from "../core/optional-peer";
import { IEntraTokenAudience } from "../core/token-audience";
import { check, checkEach, checkOptional, checkShape, checkText, checkTextOptional, checkUnique, inputError, isUnresolved } from "../core/validate";
import { EntraClientSecret, EntraClientSecretOptions } from "./client-secret";
import { entraPermissionId } from "./entra-ids";
import {
  ACCESS_TOKEN_VERSION,
  APP_DESCRIPTION,
  APP_DISPLAY_NAME,
  APP_ROLE_MEMBER_TYPE,
  CLAIM_VALUE,
  GROUP_MEMBERSHIP_CLAIM,
  IDENTIFIER_URI,
  NON_BLANK_TEXT,
  OBJECT_ID,
  OPTIONAL_CLAIM_NAME,
  REDIRECT_URI,
  SCOPE_CONSENT_TYPE,
  SIGN_IN_AUDIENCE,
  TENANT_ID,
} from "./entra-rules";
import { requireCdktfApp } from "../core/supported-core";

/**
 * The azuread bindings, loaded when the first app registration is declared rather than with
 * the library (~8 ms), so apps without Entra ID do not pay for them, nor install the
 * optional peer @cdktf/provider-azuread.
 */
function azureadBindings(scope: IConstruct) {
  const { Application } = requireOptionalPeer(scope, "@cdktf/provider-azuread/lib/application") as typeof import("@cdktf/provider-azuread/lib/application");
  const { ApplicationIdentifierUri } = requireOptionalPeer(scope, "@cdktf/provider-azuread/lib/application-identifier-uri") as typeof import("@cdktf/provider-azuread/lib/application-identifier-uri");
  const { AppRoleAssignment } = requireOptionalPeer(scope, "@cdktf/provider-azuread/lib/app-role-assignment") as typeof import("@cdktf/provider-azuread/lib/app-role-assignment");
  const { ServicePrincipal } = requireOptionalPeer(scope, "@cdktf/provider-azuread/lib/service-principal") as typeof import("@cdktf/provider-azuread/lib/service-principal");
  return { Application, ApplicationIdentifierUri, AppRoleAssignment, ServicePrincipal };
}

/** Who an app role can be assigned to. */
export enum EntraMemberType {
  /** Users and groups (group assignment needs Entra ID P1/P2; nested groups are not honoured). */
  USER = "User",
  /** Service principals and managed identities (application permissions). */
  APPLICATION = "Application",
}

/** Values of `group_membership_claims` (the `groups` claim). Prefer app roles: groups overflow above 200. */
export enum EntraGroupMembershipClaim {
  NONE = "None",
  SECURITY_GROUP = "SecurityGroup",
  DIRECTORY_ROLE = "DirectoryRole",
  APPLICATION_GROUP = "ApplicationGroup",
  ALL = "All",
}

/** Which accounts may sign in. */
export enum EntraSignInAudience {
  /** Only this tenant (the safe default for internal tools). */
  MY_ORG = "AzureADMyOrg",
  MULTIPLE_ORGS = "AzureADMultipleOrgs",
  /** Requires access token version 2. */
  ORGS_AND_PERSONAL_ACCOUNTS = "AzureADandPersonalMicrosoftAccount",
  /** Requires access token version 2. */
  PERSONAL_ACCOUNTS = "PersonalMicrosoftAccount",
}

/** Who may consent to a delegated scope. */
export enum EntraScopeConsent {
  ADMIN = "Admin",
  USER = "User",
}

/** An app role: lands in the `roles` claim of tokens issued to its members. */
export interface EntraAppRole {
  /** The claim value, e.g. `Airflow.Admin`: 1-249 characters, no spaces, unique with scope values. */
  readonly value: string;
  readonly displayName: string;
  readonly description: string;
  /** @default [EntraMemberType.USER] */
  readonly allowedMemberTypes?: EntraMemberType[];
  /** Object ids of users, groups or service principals to assign this role to. */
  readonly members?: string[];
  /**
   * Entra refuses to remove or change an enabled role: disable it in one apply, remove it in the next.
   * @default true
   */
  readonly enabled?: boolean;
}

/** A delegated permission (`scp` claim) the API exposes. */
export interface EntraApiScope {
  /** The claim value, e.g. `Items.Read`: 1-249 characters, no spaces, unique with role values. */
  readonly value: string;
  readonly adminConsentDisplayName: string;
  readonly adminConsentDescription: string;
  /** @default the admin consent display name */
  readonly userConsentDisplayName?: string;
  /** @default the admin consent description */
  readonly userConsentDescription?: string;
  /** @default EntraScopeConsent.ADMIN */
  readonly consent?: EntraScopeConsent;
  /** @default true */
  readonly enabled?: boolean;
}

/** Optional claims added to tokens, by name (e.g. `email`, `upn`). */
export interface EntraOptionalClaims {
  readonly idToken?: string[];
  readonly accessToken?: string[];
}

export interface EntraAppRegistrationProps {
  /** The tenant (directory) id, a UUID. */
  readonly tenantId: string;
  /** 1-256 characters. */
  readonly displayName: string;
  readonly description?: string;
  /** Web redirect URIs (authorization code flow): https, or http for localhost only. */
  readonly redirectUris?: string[];
  /** Application ID URI in one of the forms Entra accepts (see `defaultIdentifierUri` for `api://<client id>`). */
  readonly identifierUri?: string;
  /**
   * Register `api://<client id>` as identifier URI. The client id exists only after
   * apply, so this adds an `azuread_application_identifier_uri` resource.
   * @default false
   */
  readonly defaultIdentifierUri?: boolean;
  readonly appRoles?: EntraAppRole[];
  readonly scopes?: EntraApiScope[];
  /**
   * Access token format this API receives: 2 (issuer `login.microsoftonline.com/TENANT/v2.0`,
   * audience = client id) or 1 (issuer `sts.windows.net/TENANT/`, audience = identifier URI).
   * @default 2
   */
  readonly accessTokenVersion?: number;
  /** @default none: prefer app roles, the `groups` claim is dropped above 200 groups */
  readonly groupMembershipClaims?: EntraGroupMembershipClaim[];
  readonly optionalClaims?: EntraOptionalClaims;
  /** Object ids of owners of the application and its service principal. */
  readonly owners?: string[];
  /** @default EntraSignInAudience.MY_ORG */
  readonly signInAudience?: EntraSignInAudience;
  /**
   * Only assigned users, groups and service principals get tokens for this application.
   * @default true
   */
  readonly appRoleAssignmentRequired?: boolean;
  /**
   * Create a rotating client secret, stored only in Google Secret Manager. Prefer
   * federated credentials; use this for clients that cannot federate (e.g. Airflow's login).
   * @default no secret
   */
  readonly clientSecret?: EntraClientSecretOptions;
}

/**
 * An Entra ID app registration with its service principal, deterministic app-role and
 * scope ids, role assignments and (optionally) a rotating client secret. It is an
 * `IEntraTokenAudience`, so a Google workload identity provider or a FastAPI service
 * configured from it agrees on issuer and audience.
 */
export class EntraAppRegistration extends Construct implements IEntraTokenAudience {
  /** The id every app role or scope with this value gets (UUIDv5 of a fixed namespace and the value). */
  public static permissionId(value: string): string {
    check("EntraAppRegistration.permissionId", "value", value, CLAIM_VALUE);
    return entraPermissionId(value);
  }

  public readonly tenantId: string;
  public readonly accessTokenVersion: number;
  /** Application (client) id. */
  public readonly clientId: string;
  /** Object id of the application. */
  public readonly objectId: string;
  /** Resource id of the application, `/applications/<object id>` (what azuread_application_* resources take). */
  public readonly applicationResourceId: string;
  /** Object id of the service principal (the resource that role assignments point at). */
  public readonly servicePrincipalObjectId: string;
  /** The identifier URI, if any. */
  public readonly identifierUri?: string;
  /** Issuer of this API's access tokens, matching `accessTokenVersion`. */
  public readonly issuer: string;
  /** `aud` of this API's access tokens: the client id (v2) or the identifier URI (v1). */
  public readonly tokenAudience: string;
  /** App role values, sorted. */
  public readonly appRoleValues: string[];
  /** Delegated scope values, sorted. */
  public readonly scopeValues: string[];
  /** The client secret, when one was requested. */
  public readonly clientSecret?: EntraClientSecret;
  public readonly application: Application;
  public readonly servicePrincipal: ServicePrincipal;
  private readonly assignments = new Map<string, AppRoleAssignment>();
  private readonly ids = new StableIds();

  constructor(scope: Construct, id: string, props: EntraAppRegistrationProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, {
      tenantId: "string",
      displayName: "string",
      description: "string?",
      redirectUris: "string[]?",
      identifierUri: "string?",
      defaultIdentifierUri: "boolean?",
      appRoles: "object[]?",
      scopes: "object[]?",
      accessTokenVersion: "whole-number?",
      groupMembershipClaims: "string[]?",
      optionalClaims: "object?",
      owners: "string[]?",
      signInAudience: "string?",
      appRoleAssignmentRequired: "boolean?",
      clientSecret: "object?",
    });
    if (props.optionalClaims !== undefined) checkShape(this, "optionalClaims", props.optionalClaims, { idToken: "string[]?", accessToken: "string[]?" });
    this.tenantId = check(this, "tenantId", props.tenantId, TENANT_ID);
    const displayName = checkText(this, "displayName", props.displayName, APP_DISPLAY_NAME);
    const description = checkTextOptional(this, "description", props.description, APP_DESCRIPTION);
    this.accessTokenVersion = check(this, "accessTokenVersion", props.accessTokenVersion ?? 2, ACCESS_TOKEN_VERSION);
    const audience = check(this, "signInAudience", props.signInAudience ?? EntraSignInAudience.MY_ORG, SIGN_IN_AUDIENCE);
    checkEach(this, "redirectUris", props.redirectUris, REDIRECT_URI);
    checkUnique(this, "redirectUris", props.redirectUris ?? [], "redirect URIs");
    checkOptional(this, "identifierUri", props.identifierUri, IDENTIFIER_URI);
    const uriTenant = typeof props.identifierUri === "string" && !isUnresolved(props.identifierUri) ? /^api:\/\/([0-9a-fA-F-]{36})\/(.+)$/.exec(props.identifierUri) : null;
    if (uriTenant && !isUnresolved(props.tenantId) && uriTenant[1].toLowerCase() !== props.tenantId.toLowerCase()) {
      throw inputError(this, "identifierUri", props.identifierUri, `api://<uuid>/<string> is accepted only when the uuid is the tenant id (${props.tenantId})`);
    }
    checkEach(this, "groupMembershipClaims", props.groupMembershipClaims, GROUP_MEMBERSHIP_CLAIM);
    checkEach(this, "optionalClaims.idToken", props.optionalClaims?.idToken, OPTIONAL_CLAIM_NAME);
    checkEach(this, "optionalClaims.accessToken", props.optionalClaims?.accessToken, OPTIONAL_CLAIM_NAME);
    checkEach(this, "owners", props.owners, OBJECT_ID);
    const roles = validateRoles(this, props.appRoles ?? []);
    const scopes = validateScopes(this, props.scopes ?? []);
    checkUnique(this, "appRoles/scopes value", [...roles.map((r) => r.value), ...scopes.map((s) => s.value)], "app role and scope values share one namespace and");

    if (props.identifierUri !== undefined && props.defaultIdentifierUri) {
      throw inputError(this, "identifierUri", props.identifierUri, "give either identifierUri or defaultIdentifierUri, not both");
    }
    const hasIdentifierUri = props.identifierUri !== undefined || props.defaultIdentifierUri === true;
    if (this.accessTokenVersion === 1 && !hasIdentifierUri) {
      throw inputError(this, "accessTokenVersion", 1, "v1 access tokens carry the identifier URI as audience: set identifierUri or defaultIdentifierUri, or use version 2");
    }
    if (this.accessTokenVersion !== 2 && (audience === EntraSignInAudience.PERSONAL_ACCOUNTS || audience === EntraSignInAudience.ORGS_AND_PERSONAL_ACCOUNTS)) {
      throw inputError(this, "accessTokenVersion", this.accessTokenVersion, `must be 2 when signInAudience is ${audience}`);
    }

    this.appRoleValues = roles.map((r) => r.value);
    this.scopeValues = scopes.map((s) => s.value);
    const owners = props.owners && props.owners.length > 0 ? [...props.owners].sort() : undefined;

    const { Application, ApplicationIdentifierUri, ServicePrincipal } = azureadBindings(this);
    this.application = new Application(this, "Application", {
      displayName,
      description,
      signInAudience: audience,
      owners,
      identifierUris: props.identifierUri !== undefined ? [props.identifierUri] : undefined,
      groupMembershipClaims: props.groupMembershipClaims && props.groupMembershipClaims.length > 0 ? [...new Set(props.groupMembershipClaims)].sort() : undefined,
      appRole: roles.length > 0 ? roles.map(toAppRole) : undefined,
      api: {
        requestedAccessTokenVersion: this.accessTokenVersion,
        oauth2PermissionScope: scopes.length > 0 ? scopes.map(toPermissionScope) : undefined,
      },
      web: {
        redirectUris: props.redirectUris && props.redirectUris.length > 0 ? [...props.redirectUris].sort() : undefined,
        // Authorization code flow only: the implicit flow puts tokens in the URL fragment.
        implicitGrant: { accessTokenIssuanceEnabled: false, idTokenIssuanceEnabled: false },
      },
      optionalClaims: toOptionalClaims(props.optionalClaims),
      // azuread_application_identifier_uri manages the list when the URI derives from the client id.
      lifecycle: props.defaultIdentifierUri ? { ignoreChanges: ["identifier_uris"] } : undefined,
    });
    this.clientId = this.application.clientId;
    this.objectId = this.application.objectId;
    this.applicationResourceId = this.application.id;

    if (props.defaultIdentifierUri) {
      const uri = new ApplicationIdentifierUri(this, "IdentifierUri", {
        applicationId: this.application.id,
        identifierUri: `api://${this.application.clientId}`,
      });
      this.identifierUri = uri.identifierUri;
    } else {
      this.identifierUri = props.identifierUri;
    }

    this.issuer = entraIssuer(this.tenantId, this.accessTokenVersion);
    this.tokenAudience = this.accessTokenVersion === 1 ? this.identifierUri! : this.clientId;

    this.servicePrincipal = new ServicePrincipal(this, "ServicePrincipal", {
      clientId: this.application.clientId,
      appRoleAssignmentRequired: props.appRoleAssignmentRequired ?? true,
      owners,
    });
    this.servicePrincipalObjectId = this.servicePrincipal.objectId;

    for (const role of roles) {
      for (const member of role.members ?? []) this.assignAppRole(role.value, member);
    }

    if (props.clientSecret) {
      this.clientSecret = new EntraClientSecret(this, "ClientSecret", { ...props.clientSecret, applicationResourceId: this.application.id });
    }
  }

  /** The id of the app role with this value; throws if the application has no such role. */
  public appRoleId(value: string): string {
    if (!this.appRoleValues.includes(value)) {
      throw inputError(this, "appRoleId", value, `is not an app role of this application (roles: ${this.appRoleValues.join(", ") || "none"})`);
    }
    return entraPermissionId(value);
  }

  /** The id of the delegated scope with this value; throws if the application has no such scope. */
  public scopeId(value: string): string {
    if (!this.scopeValues.includes(value)) {
      throw inputError(this, "scopeId", value, `is not a scope of this application (scopes: ${this.scopeValues.join(", ") || "none"})`);
    }
    return entraPermissionId(value);
  }

  /**
   * Assigns an app role to a user, group or service principal (by object id). Assigning
   * the same pair twice is one assignment.
   */
  public assignAppRole(value: string, principalObjectId: string): AppRoleAssignment {
    const roleId = this.appRoleId(value);
    check(this, `appRoles[${value}].members`, principalObjectId, OBJECT_ID);
    const key = `${value}|${principalObjectId}`;
    const existing = this.assignments.get(key);
    if (existing) return existing;
    const { AppRoleAssignment } = azureadBindings(this);
    const assignment = new AppRoleAssignment(this, this.ids.allocate("assignment", `${value}-${principalObjectId}`, key), {
      appRoleId: roleId,
      principalObjectId,
      resourceObjectId: this.servicePrincipal.objectId,
    });
    this.assignments.set(key, assignment);
    return assignment;
  }
}

function validateRoles(site: Construct, roles: EntraAppRole[]): EntraAppRole[] {
  const texts = roles.map((role, i) => {
    checkShape(site, `appRoles[${i}]`, role, { value: "string", displayName: "string", description: "string", allowedMemberTypes: "string[]?", members: "string[]?", enabled: "boolean?" });
    check(site, `appRoles[${i}].value`, role.value, CLAIM_VALUE);
    const displayName = checkText(site, `appRoles[${i}].displayName`, role.displayName, NON_BLANK_TEXT);
    const description = checkText(site, `appRoles[${i}].description`, role.description, NON_BLANK_TEXT);
    checkEach(site, `appRoles[${i}].allowedMemberTypes`, role.allowedMemberTypes, APP_ROLE_MEMBER_TYPE);
    if (role.allowedMemberTypes !== undefined && role.allowedMemberTypes.length === 0) {
      throw inputError(site, `appRoles[${i}].allowedMemberTypes`, [], "must name at least one member type (User, Application)");
    }
    checkEach(site, `appRoles[${i}].members`, role.members, OBJECT_ID);
    return { ...role, displayName, description };
  });
  checkUnique(site, "appRoles value", roles.map((r) => r.value), "app role values");
  return sortByValue(texts);
}

function validateScopes(site: Construct, scopes: EntraApiScope[]): EntraApiScope[] {
  const texts = scopes.map((scope, i) => {
    checkShape(site, `scopes[${i}]`, scope, { value: "string", adminConsentDisplayName: "string", adminConsentDescription: "string", userConsentDisplayName: "string?", userConsentDescription: "string?", consent: "string?", enabled: "boolean?" });
    check(site, `scopes[${i}].value`, scope.value, CLAIM_VALUE);
    checkOptional(site, `scopes[${i}].consent`, scope.consent, SCOPE_CONSENT_TYPE);
    return {
      ...scope,
      adminConsentDisplayName: checkText(site, `scopes[${i}].adminConsentDisplayName`, scope.adminConsentDisplayName, NON_BLANK_TEXT),
      adminConsentDescription: checkText(site, `scopes[${i}].adminConsentDescription`, scope.adminConsentDescription, NON_BLANK_TEXT),
      userConsentDisplayName: checkTextOptional(site, `scopes[${i}].userConsentDisplayName`, scope.userConsentDisplayName, NON_BLANK_TEXT),
      userConsentDescription: checkTextOptional(site, `scopes[${i}].userConsentDescription`, scope.userConsentDescription, NON_BLANK_TEXT),
    };
  });
  checkUnique(site, "scopes value", scopes.map((s) => s.value), "scope values");
  return sortByValue(texts);
}

/** Sorted by value so the synthesized JSON does not depend on declaration order. */
function sortByValue<T extends { readonly value: string }>(items: T[]): T[] {
  if (items.some((item) => isUnresolved(item.value))) return [...items];
  return [...items].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

function toAppRole(role: EntraAppRole): ApplicationAppRole {
  return {
    id: entraPermissionId(role.value),
    value: role.value,
    displayName: role.displayName,
    description: role.description,
    allowedMemberTypes: [...new Set(role.allowedMemberTypes ?? [EntraMemberType.USER])].sort(),
    enabled: role.enabled ?? true,
  };
}

function toPermissionScope(scope: EntraApiScope): ApplicationApiOauth2PermissionScope {
  return {
    id: entraPermissionId(scope.value),
    value: scope.value,
    type: scope.consent ?? EntraScopeConsent.ADMIN,
    adminConsentDisplayName: scope.adminConsentDisplayName,
    adminConsentDescription: scope.adminConsentDescription,
    userConsentDisplayName: scope.userConsentDisplayName ?? scope.adminConsentDisplayName,
    userConsentDescription: scope.userConsentDescription ?? scope.adminConsentDescription,
    enabled: scope.enabled ?? true,
  };
}

function toOptionalClaims(claims: EntraOptionalClaims | undefined) {
  const named = (names: string[] | undefined) => (names && names.length > 0 ? [...new Set(names)].sort().map((name) => ({ name })) : undefined);
  const idToken = named(claims?.idToken);
  const accessToken = named(claims?.accessToken);
  return idToken || accessToken ? { idToken, accessToken } : undefined;
}
