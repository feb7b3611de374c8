import { TerraformVariable } from "cdktf";
import { AirflowEntraLogin, EntraAppRegistration, EntraAppRegistrationProps, FastApiEntraApi, Principal } from "../../src";
import { expectInputError, stackWith } from "../support/synth";

const tenantId = "11111111-2222-3333-4444-555555555555";
const appId = "99999999-8888-4777-8666-555555555555";
const role = (value: string) => ({ value, displayName: "Role", description: "A role." });
const scope = (value: string) => ({ value, adminConsentDisplayName: "Scope", adminConsentDescription: "A scope." });
const reader = Principal.serviceAccount("reader@acme-firestore-dev.iam.gserviceaccount.com");
const app = (s: any, props: Partial<EntraAppRegistrationProps> = {}) =>
  new EntraAppRegistration(s, "app", { tenantId, displayName: "Orders API", ...props });

describe("bad input is refused with path, property, value and rule", () => {
  const cases: Array<[string, (s: any) => unknown, ...string[]]> = [
    ["tenant id not a UUID", (s) => app(s, { tenantId: "contoso.onmicrosoft.com" }), "test/app", "tenantId", '"contoso.onmicrosoft.com"', "must be a UUID"],
    ["duplicate role values", (s) => app(s, { appRoles: [role("Items.Read"), role("Items.Read")] }), "test/app", "appRoles value", '"Items.Read"', "app role values must be unique"],
    ["role value with a space", (s) => app(s, { appRoles: [role("Items Read")] }), "test/app", "appRoles[0].value", '"Items Read"', "without spaces"],
    ["role value over 249 characters", (s) => app(s, { appRoles: [role("r".repeat(250))] }), "appRoles[0].value", "r".repeat(199), "(252 characters)", "1-249 characters"],
    ["role value starting with a period", (s) => app(s, { appRoles: [role(".Admin")] }), "appRoles[0].value", '".Admin"', 'not start with "."'],
    ["role value equal to a scope value", (s) => app(s, { appRoles: [role("Items.Read")], scopes: [scope("Items.Read")] }), "test/app", "appRoles/scopes value", '"Items.Read"', "share one namespace"],
    ["duplicate scope values", (s) => app(s, { scopes: [scope("read"), scope("read")] }), "scopes value", '"read"', "scope values must be unique"],
    ["scope value with a space", (s) => app(s, { scopes: [scope("read all")] }), "scopes[0].value", '"read all"', "without spaces"],
    ["role without a description", (s) => app(s, { appRoles: [{ value: "x", displayName: "X", description: " " }] }), "appRoles[0].description", "must not be empty"],
    ["role with an unknown member type", (s) => app(s, { appRoles: [{ ...role("x"), allowedMemberTypes: ["Group" as any] }] }), "appRoles[0].allowedMemberTypes[0]", '"Group"', "one of User, Application"],
    ["role member not an object id", (s) => app(s, { appRoles: [{ ...role("x"), members: ["alice@example.com"] }] }), "appRoles[0].members[0]", '"alice@example.com"', "object id"],
    ["http redirect URI", (s) => app(s, { redirectUris: ["http://airflow.example.com/auth/oauth-authorized/azure"] }), "test/app", "redirectUris[0]", '"http://airflow.example.com/auth/oauth-authorized/azure"', "https://", "localhost"],
    ["redirect URI over 256 characters", (s) => app(s, { redirectUris: [`https://airflow.example.com/${"a".repeat(230)}`] }), "redirectUris[0]", "at most 256 characters"],
    ["redirect URI without path or trailing slash", (s) => app(s, { redirectUris: ["https://airflow.example.com"] }), "redirectUris[0]", '"https://airflow.example.com"', "path or trailing slash"],
    ["redirect URI with a fragment", (s) => app(s, { redirectUris: ["https://airflow.example.com/cb#x"] }), "redirectUris[0]", "no fragment"],
    ["duplicate redirect URIs", (s) => app(s, { redirectUris: ["https://a.example.com/cb", "https://a.example.com/cb"] }), "redirectUris", "redirect URIs must be unique"],
    ["identifier URI with http://", (s) => app(s, { identifierUri: "http://orders.example.com/api" }), "test/app", "identifierUri", '"http://orders.example.com/api"', "form Entra accepts", "api://<appId>"],
    ["identifier URI as a plain string", (s) => app(s, { identifierUri: "orders-api" }), "identifierUri", '"orders-api"', "form Entra accepts"],
    ["identifier URI api:// with nothing", (s) => app(s, { identifierUri: "api://" }), "identifierUri", '"api://"', "form Entra accepts"],
    ["identifier URI api://<string> without tenant, app id or domain", (s) => app(s, { identifierUri: "api://orders" }), "identifierUri", '"api://orders"', "form Entra accepts"],
    ["identifier URI with a query", (s) => app(s, { identifierUri: "https://orders.example.com/api?x=1" }), "identifierUri", "form Entra accepts"],
    ["identifierUri and defaultIdentifierUri together", (s) => app(s, { identifierUri: `api://${appId}`, defaultIdentifierUri: true }), "identifierUri", "either identifierUri or defaultIdentifierUri"],
    ["display name empty", (s) => app(s, { displayName: "  " }), "test/app", "displayName", '"  "', "1-256 characters and not blank"],
    ["display name over 256 characters", (s) => app(s, { displayName: "n".repeat(257) }), "displayName", "1-256 characters"],
    ["group claims outside the allowed set", (s) => app(s, { groupMembershipClaims: ["Groups" as any] }), "test/app", "groupMembershipClaims[0]", '"Groups"', "one of None, SecurityGroup, DirectoryRole, ApplicationGroup, All"],
    ["token version 3", (s) => app(s, { accessTokenVersion: 3 }), "accessTokenVersion", "3", "must be 1 or 2"],
    ["v1 tokens without an identifier URI", (s) => app(s, { accessTokenVersion: 1 }), "test/app", "accessTokenVersion", "1", "identifier URI as audience"],
    ["v1 tokens for personal accounts", (s) => app(s, { accessTokenVersion: 1, identifierUri: `api://${appId}`, signInAudience: "PersonalMicrosoftAccount" as any }), "accessTokenVersion", "must be 2 when signInAudience is PersonalMicrosoftAccount"],
    ["unknown sign-in audience", (s) => app(s, { signInAudience: "Everyone" as any }), "signInAudience", '"Everyone"', "one of AzureADMyOrg"],
    ["owner not an object id", (s) => app(s, { owners: ["me"] }), "owners[0]", '"me"', "object id"],
    ["optional claim name", (s) => app(s, { optionalClaims: { idToken: ["e mail"] } }), "optionalClaims.idToken[0]", '"e mail"', "claim name"],
    // Each password is valid for two periods, so a period over 90 days would break the 180-day cap.
    ["secret rotation over 60 days", (s) => app(s, { clientSecret: { projectId: "acme-firestore-dev", secretId: "s", accessors: [reader], rotationDays: 61 } }), "test/app/ClientSecret", "clientSecret.rotationDays", "61", "1 to 60"],
    ["secret without accessors", (s) => app(s, { clientSecret: { projectId: "acme-firestore-dev", secretId: "s", accessors: [] } }), "clientSecret.accessors", "at least one principal"],
    ["secret id with a slash", (s) => app(s, { clientSecret: { projectId: "acme-firestore-dev", secretId: "entra/secret", accessors: [reader] } }), "clientSecret.secretId", '"entra/secret"', "letters, digits, hyphens or underscores"],
    ["secret project id", (s) => app(s, { clientSecret: { projectId: "Acme", secretId: "s", accessors: [reader] } }), "clientSecret.projectId", '"Acme"', "project id"],
    ["assignment to a non-object id", (s) => app(s, { appRoles: [role("x")] }).assignAppRole("x", "bob"), "appRoles[x].members", '"bob"', "object id"],
    ["Airflow base URL over http", (s) => new AirflowEntraLogin(s, "airflow", { tenantId, displayName: "Airflow", baseUrl: "http://airflow.example.com" }), "test/airflow", "baseUrl", '"http://airflow.example.com"', "https://"],
    ["Airflow admin not an object id", (s) => new AirflowEntraLogin(s, "airflow", { tenantId, displayName: "Airflow", baseUrl: "https://airflow.example.com", admins: ["ops@example.com"] }), "test/airflow", "admins[0]", '"ops@example.com"', "object id"],
    ["Airflow role prefix with a space", (s) => new AirflowEntraLogin(s, "airflow", { tenantId, displayName: "Airflow", baseUrl: "https://airflow.example.com", roleValuePrefix: "Air flow." }), "appRoles[0].value", '"Air flow.Admin"', "without spaces"],
    ["Airflow version", (s) => new AirflowEntraLogin(s, "airflow", { tenantId, displayName: "Airflow", baseUrl: "https://airflow.example.com", airflowVersion: "1" as any }), "test/airflow", "airflowVersion", '"1"', "AIRFLOW_2 or AIRFLOW_3"],
    ["Airflow tenant id", (s) => new AirflowEntraLogin(s, "airflow", { tenantId: "contoso", displayName: "Airflow", baseUrl: "https://airflow.example.com" }), "test/airflow", "tenantId", "UUID"],
    ["FastAPI without roles or scopes", (s) => new FastApiEntraApi(s, "api", { tenantId, displayName: "API" }), "test/api", "appRoles/scopes", "at least one app role or scope"],
    ["FastAPI identifier URI", (s) => new FastApiEntraApi(s, "api", { tenantId, displayName: "API", scopes: [scope("read")], identifierUri: "orders" }), "identifierUri", '"orders"', "form Entra accepts"],
  ];
  test.each(cases)("%s", (_name, build, ...fragments) => expectInputError(build, ...fragments));

  test("permissionId validates the value", () => {
    expect(() => EntraAppRegistration.permissionId("has space")).toThrow(/^EntraAppRegistration\.permissionId: invalid value "has space": role\/scope value must be/);
  });
});

describe("accepted forms", () => {
  test.each([
    `api://${appId}`,
    `api://${tenantId}/orders`,
    `api://${tenantId}/${appId}`,
    `api://orders/${appId}`,
    "api://orders.contoso.com/api",
    "https://contoso.com/orders",
    "https://orders.contoso.com",
    "https://contoso.onmicrosoft.com/orders",
  ])("identifier URI %s", (identifierUri) => {
    stackWith((s) => expect(() => app(s, { identifierUri })).not.toThrow());
  });

  test.each(["https://airflow.example.com/", "http://localhost:8080/auth/oauth-authorized/azure", "http://127.0.0.1/cb"])("redirect URI %s", (uri) => {
    stackWith((s) => expect(() => app(s, { redirectUris: [uri] })).not.toThrow());
  });

  test("role values use the claim character set and reach 249 characters", () => {
    stackWith((s) => expect(() => app(s, { appRoles: [role("Airflow.Admin"), role("a:b/c_d-e~f"), role("r".repeat(249))] })).not.toThrow());
  });

  test("unresolved tokens pass through unchecked", () => {
    stackWith((s) => {
      const tenant = new TerraformVariable(s, "tenant", { type: "string" });
      const uri = new TerraformVariable(s, "uri", { type: "string" });
      expect(() => app(s, { tenantId: tenant.stringValue, identifierUri: uri.stringValue, accessTokenVersion: 1 })).not.toThrow();
    });
  });
});
