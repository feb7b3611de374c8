import { AirflowEntraLogin, AirflowVersion, EntraAppRegistration, EntraScopeConsent, FastApiEntraApi, Principal } from "../../src";
import { resourcesOf, stackWith, synthJson } from "../support/synth";

const tenantId = "11111111-2222-3333-4444-555555555555";
const admins = "aaaaaaaa-0000-4000-8000-000000000001";
const engineers = "bbbbbbbb-0000-4000-8000-000000000002";
const analysts = "cccccccc-0000-4000-8000-000000000003";
const authority = `https://login.microsoftonline.com/${tenantId}`;

describe("AirflowEntraLogin (FAB auth manager)", () => {
  const json = synthJson(
    stackWith((s) => {
      const login = new AirflowEntraLogin(s, "airflow", {
        tenantId,
        displayName: "Airflow (prod)",
        baseUrl: "https://airflow.example.com/",
        admins: [admins],
        users: [engineers],
        viewers: [analysts, engineers],
        clientSecret: {
          projectId: "acme-firestore-prod",
          secretId: "airflow-entra-client-secret",
          accessors: [Principal.serviceAccount("airflow-web@acme-firestore-prod.iam.gserviceaccount.com")],
        },
      });
      expect(login.authRolesMapping).toEqual({ "Airflow.Admin": "Admin", "Airflow.Op": "Op", "Airflow.User": "User", "Airflow.Viewer": "Viewer" });
      expect(login.redirectUri).toBe("https://airflow.example.com/auth/oauth-authorized/azure");
    }),
  );
  const [[appId, app]] = resourcesOf(json, "azuread_application");
  const settings: any = Object.values(json.output)[0];

  test("declares the four FAB roles with pinned ids, the Airflow 3 callback and email/upn claims", () => {
    expect(app.app_role.map((r: any) => [r.value, r.id, r.allowed_member_types])).toEqual([
      ["Airflow.Admin", "0dfea82c-1bfe-5e49-b9c2-b8bd4811c735", ["User"]],
      ["Airflow.Op", EntraAppRegistration.permissionId("Airflow.Op"), ["User"]],
      ["Airflow.User", EntraAppRegistration.permissionId("Airflow.User"), ["User"]],
      ["Airflow.Viewer", EntraAppRegistration.permissionId("Airflow.Viewer"), ["User"]],
    ]);
    expect(app.web.redirect_uris).toEqual(["https://airflow.example.com/auth/oauth-authorized/azure"]);
    expect(app.web.implicit_grant).toEqual({ access_token_issuance_enabled: false, id_token_issuance_enabled: false });
    expect(app.optional_claims.id_token).toEqual([{ name: "email" }, { name: "upn" }]);
    expect(app.api.requested_access_token_version).toBe(2);
  });

  test("assigns members per role on a service principal that requires assignment", () => {
    const [[, sp]] = resourcesOf(json, "azuread_service_principal");
    expect(sp.app_role_assignment_required).toBe(true);
    const pairs = resourcesOf(json, "azuread_app_role_assignment").map(([, a]) => `${a.app_role_id}:${a.principal_object_id}`);
    expect(pairs.sort()).toEqual(
      [
        `${EntraAppRegistration.permissionId("Airflow.Admin")}:${admins}`,
        `${EntraAppRegistration.permissionId("Airflow.User")}:${engineers}`,
        `${EntraAppRegistration.permissionId("Airflow.Viewer")}:${analysts}`,
        `${EntraAppRegistration.permissionId("Airflow.Viewer")}:${engineers}`,
      ].sort(),
    );
  });

  test("outputs what webserver_config.py needs, and no secret", () => {
    expect(settings.sensitive).toBe(false);
    expect(settings.value).toEqual({
      tenant_id: tenantId,
      client_id: `\${azuread_application.${appId}.client_id}`,
      authorize_url: `${authority}/oauth2/v2.0/authorize`,
      access_token_url: `${authority}/oauth2/v2.0/token`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      server_metadata_url: `${authority}/v2.0/.well-known/openid-configuration`,
      id_token_issuer: `${authority}/v2.0`,
      redirect_uri: "https://airflow.example.com/auth/oauth-authorized/azure",
      auth_roles_mapping: { "Airflow.Admin": ["Admin"], "Airflow.Op": ["Op"], "Airflow.User": ["User"], "Airflow.Viewer": ["Viewer"] },
      auth_roles_sync_at_login: true,
      auth_user_registration: true,
      auth_user_registration_role: "Public",
      client_secret_name: expect.stringMatching(/^\$\{google_secret_manager_secret\.[^.]+\.name\}$/),
    });
    expect(JSON.stringify(json.output)).not.toMatch(/azuread_application_password/);
  });

  test("Airflow 2 callback path, a custom role prefix, a path prefix and local redirects", () => {
    const v2 = synthJson(
      stackWith(
        (s) =>
          new AirflowEntraLogin(s, "airflow", {
            tenantId,
            displayName: "Airflow 2",
            baseUrl: "https://tools.example.com/airflow",
            airflowVersion: AirflowVersion.AIRFLOW_2,
            roleValuePrefix: "Orchestration.",
            extraRedirectUris: ["http://localhost:8080/oauth-authorized/azure"],
          }),
      ),
    );
    const [[, a]] = resourcesOf(v2, "azuread_application");
    expect(a.web.redirect_uris).toEqual(["http://localhost:8080/oauth-authorized/azure", "https://tools.example.com/airflow/oauth-authorized/azure"]);
    expect(a.app_role.map((r: any) => r.value)).toEqual(["Orchestration.Admin", "Orchestration.Op", "Orchestration.User", "Orchestration.Viewer"]);
    const out: any = Object.values(v2.output)[0];
    expect(out.value.auth_roles_mapping["Orchestration.Op"]).toEqual(["Op"]);
    expect(out.value.client_secret_name).toBeUndefined();
    expect(v2.resource.azuread_application_password).toBeUndefined();
  });
});

describe("FastApiEntraApi", () => {
  const json = synthJson(
    stackWith((s) => {
      const api = new FastApiEntraApi(s, "orders", {
        tenantId,
        displayName: "Orders API",
        appRoles: [{ value: "Orders.ReadWrite", displayName: "Read and write orders", description: "Workloads that manage orders." }],
        scopes: [{ value: "Orders.Read", adminConsentDisplayName: "Read orders", adminConsentDescription: "Read orders as the signed-in user.", consent: EntraScopeConsent.USER }],
      });
      expect(api.audience).toBe(api.application.clientId);
      expect(api.issuer).toBe(`${authority}/v2.0`);
    }),
  );
  const [[appId, app]] = resourcesOf(json, "azuread_application");
  const settings: any = Object.values(json.output)[0];

  test("v2 tokens with roles, scopes and the default api://<client id> identifier URI", () => {
    expect(app.api.requested_access_token_version).toBe(2);
    expect(app.app_role[0]).toMatchObject({ value: "Orders.ReadWrite", id: EntraAppRegistration.permissionId("Orders.ReadWrite"), allowed_member_types: ["User"] });
    expect(app.api.oauth2_permission_scope[0]).toMatchObject({ value: "Orders.Read", type: "User", user_consent_display_name: "Read orders" });
    const [[, uri]] = resourcesOf(json, "azuread_application_identifier_uri");
    expect(uri.identifier_uri).toBe(`api://\${azuread_application.${appId}.client_id}`);
  });

  test("outputs tenant, audience, issuer, JWKS URI and OpenID configuration URL", () => {
    expect(settings.sensitive).toBe(false);
    expect(settings.value).toMatchObject({
      tenant_id: tenantId,
      audience: `\${azuread_application.${appId}.client_id}`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      openid_configuration_url: `${authority}/v2.0/.well-known/openid-configuration`,
      app_roles: ["Orders.ReadWrite"],
      scopes: ["Orders.Read"],
    });
  });

  test("an explicit identifier URI replaces the default", () => {
    const explicit = synthJson(
      stackWith((s) => new FastApiEntraApi(s, "orders", { tenantId, displayName: "Orders", scopes: [{ value: "read", adminConsentDisplayName: "Read", adminConsentDescription: "Read." }], identifierUri: `api://${tenantId}/orders` })),
    );
    expect(resourcesOf(explicit, "azuread_application")[0][1].identifier_uris).toEqual([`api://${tenantId}/orders`]);
    expect(explicit.resource.azuread_application_identifier_uri).toBeUndefined();
  });
});
