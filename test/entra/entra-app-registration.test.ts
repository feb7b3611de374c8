import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { EntraAppRegistration, EntraAppRole, EntraMemberType, Principal, WorkloadIdentityPool } from "../../src";
import { uuidV5 } from "../../src/core/naming";
import { ENTRA_ID_NAMESPACE } from "../../src/entra/entra-ids";
import { entraAssignmentRequired } from "../../src/guardrails/rules/entra-assignment-required";
import { entraNoImplicitGrant } from "../../src/guardrails/rules/entra-no-implicit-grant";
import { entraSecretRotation } from "../../src/guardrails/rules/entra-secret-rotation";
import { noPlaintextSecrets } from "../../src/guardrails/rules/no-plaintext-secrets";
import { FindingStatus } from "../../src/guardrails/rule";
import { StackModel } from "../../src/analysis/terraform-json";
import { resourcesOf, stackWith, synthJson } from "../support/synth";

const tenantId = "11111111-2222-3333-4444-555555555555";
const alice = "aaaaaaaa-0000-4000-8000-000000000001";
const dataTeam = "bbbbbbbb-0000-4000-8000-000000000002";

const roles: EntraAppRole[] = [
  { value: "Items.Read", displayName: "Read items", description: "Read items.", members: [alice, dataTeam] },
  { value: "Items.Write", displayName: "Write items", description: "Write items.", allowedMemberTypes: [EntraMemberType.APPLICATION, EntraMemberType.USER], members: [alice] },
];

/** Puts a value into an output named "probe" so the test can read its synthesized form. */
function probe(scope: Construct, value: string): void {
  new TerraformOutput(scope, "probe", { value }).overrideLogicalId("probe");
}

function synthApp(build: (s: TerraformStack) => void): any {
  return synthJson(stackWith(build));
}

describe("deterministic app-role and scope ids", () => {
  test("the id of a value is pinned: UUIDv5 of the fixed namespace", () => {
    // RFC 4122 check of the algorithm itself (Python: uuid5(NAMESPACE_DNS, "python.org")).
    expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    expect(ENTRA_ID_NAMESPACE).toBe("efa9a020-43a9-556b-b461-7e8f7f6149d3");
    expect(EntraAppRegistration.permissionId("Airflow.Admin")).toBe("0dfea82c-1bfe-5e49-b9c2-b8bd4811c735");
    expect(EntraAppRegistration.permissionId("Items.Read")).toBe(uuidV5("Items.Read", ENTRA_ID_NAMESPACE));
  });

  test("appRoleId returns the id used in the application and refuses unknown values", () => {
    stackWith((s) => {
      const app = new EntraAppRegistration(s, "api", { tenantId, displayName: "API", appRoles: roles });
      expect(app.appRoleId("Items.Read")).toBe(EntraAppRegistration.permissionId("Items.Read"));
      expect(() => app.appRoleId("Items.Delete")).toThrow(/test\/api: invalid appRoleId "Items\.Delete": is not an app role of this application \(roles: Items\.Read, Items\.Write\)/);
      expect(() => app.scopeId("Items.Read")).toThrow(/is not a scope of this application/);
    });
  });

  test("reordering roles, scopes and members changes nothing in the synthesized JSON", () => {
    const scopes = [
      { value: "user_impersonation", adminConsentDisplayName: "Access the API", adminConsentDescription: "Access the API as the user." },
      { value: "Reports.Read", adminConsentDisplayName: "Read reports", adminConsentDescription: "Read reports as the user." },
    ];
    const forward = synthApp((s) => new EntraAppRegistration(s, "api", { tenantId, displayName: "API", appRoles: roles, scopes }));
    const backward = synthApp(
      (s) =>
        new EntraAppRegistration(s, "api", {
          tenantId,
          displayName: "API",
          appRoles: [...roles].reverse().map((r) => ({ ...r, members: r.members && [...r.members].reverse() })),
          scopes: [...scopes].reverse(),
        }),
    );
    expect(backward).toEqual(forward);
    const [[, app]] = resourcesOf(forward, "azuread_application");
    expect(app.app_role.map((r: any) => [r.value, r.id])).toEqual([
      ["Items.Read", EntraAppRegistration.permissionId("Items.Read")],
      ["Items.Write", EntraAppRegistration.permissionId("Items.Write")],
    ]);
    expect(app.api.oauth2_permission_scope.map((p: any) => [p.value, p.id, p.type])).toEqual([
      ["Reports.Read", EntraAppRegistration.permissionId("Reports.Read"), "Admin"],
      ["user_impersonation", EntraAppRegistration.permissionId("user_impersonation"), "Admin"],
    ]);
  });
});

describe("EntraAppRegistration resources", () => {
  const json = synthApp((s) => {
    const app = new EntraAppRegistration(s, "api", {
      tenantId,
      displayName: "Orders API",
      appRoles: roles,
      redirectUris: ["https://orders.example.com/callback", "http://localhost:8000/callback"],
      owners: [alice],
    });
    app.assignAppRole("Items.Read", alice); // already assigned through members: one assignment
  });
  const [[appId, app]] = resourcesOf(json, "azuread_application");

  test("defaults: v2 tokens, own tenant only, no implicit grant, no identifier URI, no secret", () => {
    expect(app.api).toEqual({ requested_access_token_version: 2 });
    expect(app.sign_in_audience).toBe("AzureADMyOrg");
    expect(app.identifier_uris).toBeUndefined();
    expect(app.web).toEqual({
      implicit_grant: { access_token_issuance_enabled: false, id_token_issuance_enabled: false },
      redirect_uris: ["http://localhost:8000/callback", "https://orders.example.com/callback"],
    });
    expect(app.owners).toEqual([alice]);
    expect(app.app_role[1].allowed_member_types).toEqual(["Application", "User"]);
    expect(json.resource.azuread_application_password).toBeUndefined();
    expect(json.resource.google_secret_manager_secret).toBeUndefined();
    expect(json.resource.azuread_application_identifier_uri).toBeUndefined();
  });

  test("a service principal requires assignment and is owned by the same owners", () => {
    const [[, sp]] = resourcesOf(json, "azuread_service_principal");
    expect(sp).toEqual({ client_id: `\${azuread_application.${appId}.client_id}`, app_role_assignment_required: true, owners: [alice] });
  });

  test("one azuread_app_role_assignment per (role, member) on the service principal", () => {
    const [[spId]] = resourcesOf(json, "azuread_service_principal");
    const assignments = resourcesOf(json, "azuread_app_role_assignment").map(([, a]) => a);
    expect(assignments).toHaveLength(3);
    for (const a of assignments) expect(a.resource_object_id).toBe(`\${azuread_service_principal.${spId}.object_id}`);
    expect(assignments.map((a) => [a.app_role_id, a.principal_object_id]).sort()).toEqual(
      [
        [EntraAppRegistration.permissionId("Items.Read"), alice],
        [EntraAppRegistration.permissionId("Items.Read"), dataTeam],
        [EntraAppRegistration.permissionId("Items.Write"), alice],
      ].sort(),
    );
  });

  test("assignment can be switched off explicitly", () => {
    const off = synthApp((s) => new EntraAppRegistration(s, "api", { tenantId, displayName: "Open API", appRoleAssignmentRequired: false }));
    expect(resourcesOf(off, "azuread_service_principal")[0][1].app_role_assignment_required).toBe(false);
  });

  test("group claims and optional claims are passed through, sorted and de-duplicated", () => {
    const claims = synthApp(
      (s) =>
        new EntraAppRegistration(s, "web", {
          tenantId,
          displayName: "Web",
          groupMembershipClaims: ["SecurityGroup", "ApplicationGroup", "SecurityGroup"] as any,
          optionalClaims: { idToken: ["upn", "email", "upn"], accessToken: ["email"] },
        }),
    );
    const [[, web]] = resourcesOf(claims, "azuread_application");
    expect(web.group_membership_claims).toEqual(["ApplicationGroup", "SecurityGroup"]);
    expect(web.optional_claims).toEqual({ id_token: [{ name: "email" }, { name: "upn" }], access_token: [{ name: "email" }] });
  });
});

describe("issuer and audience per token version", () => {
  test("v2: issuer login.microsoftonline.com/TENANT/v2.0, audience = client id", () => {
    stackWith((s) => {
      const app = new EntraAppRegistration(s, "api", { tenantId, displayName: "API" });
      expect(app.accessTokenVersion).toBe(2);
      expect(app.issuer).toBe(`https://login.microsoftonline.com/${tenantId}/v2.0`);
      expect(app.tokenAudience).toBe(app.clientId);
    });
  });

  test("v1 with an explicit identifier URI: issuer sts.windows.net/TENANT/, audience = the URI", () => {
    stackWith((s) => {
      const app = new EntraAppRegistration(s, "api", { tenantId, displayName: "API", accessTokenVersion: 1, identifierUri: `api://${tenantId}/orders` });
      expect(app.issuer).toBe(`https://sts.windows.net/${tenantId}/`);
      expect(app.tokenAudience).toBe(`api://${tenantId}/orders`);
      expect(app.identifierUri).toBe(`api://${tenantId}/orders`);
    });
  });

  test("defaultIdentifierUri registers api://<client id> through azuread_application_identifier_uri", () => {
    let audience = "";
    const json = synthApp((s) => {
      const app = new EntraAppRegistration(s, "api", { tenantId, displayName: "API", accessTokenVersion: 1, defaultIdentifierUri: true });
      probe(s, app.tokenAudience);
      audience = app.tokenAudience;
    });
    const [[appId, app]] = resourcesOf(json, "azuread_application");
    const [[uriId, uri]] = resourcesOf(json, "azuread_application_identifier_uri");
    expect(uri).toEqual({ application_id: `\${azuread_application.${appId}.id}`, identifier_uri: `api://\${azuread_application.${appId}.client_id}` });
    // The application must not fight the separate resource over identifier_uris.
    expect(app.lifecycle).toEqual({ ignore_changes: ["identifier_uris"] });
    expect(app.identifier_uris).toBeUndefined();
    expect(audience).toMatch(/TfToken/);
    expect(json.output.probe.value).toBe(`\${azuread_application_identifier_uri.${uriId}.identifier_uri}`);
  });
});

describe("a workload identity provider derived from an app agrees with it", () => {
  function provider(version: 1 | 2) {
    const json = synthApp((s) => {
      const app = new EntraAppRegistration(s, "api", {
        tenantId,
        displayName: "Federation audience",
        accessTokenVersion: version,
        defaultIdentifierUri: version === 1,
      });
      const pool = new WorkloadIdentityPool(s, "pool", { projectId: "acme-firestore-dev", poolId: "azure-workloads" });
      const entra = pool.addEntraIdProvider("entra", { application: app });
      expect(entra.tokenVersion).toBe(version);
      expect(entra.issuerUri).toBe(app.issuer);
      expect(entra.allowedAudiences).toEqual([app.tokenAudience]);
    });
    const [[, p]] = resourcesOf(json, "google_iam_workload_identity_pool_provider");
    const [[appId]] = resourcesOf(json, "azuread_application");
    const uris = resourcesOf(json, "azuread_application_identifier_uri");
    return { p, appId, uriId: uris[0]?.[0] };
  }

  test("v2: issuer v2.0 and audience = the app's client id", () => {
    const { p, appId } = provider(2);
    expect(p.oidc).toEqual({ issuer_uri: `https://login.microsoftonline.com/${tenantId}/v2.0`, allowed_audiences: [`\${azuread_application.${appId}.client_id}`] });
    expect(p.attribute_condition).toBe(`assertion.tid == "${tenantId}"`);
  });

  test("v1: issuer sts.windows.net and audience = the app's identifier URI", () => {
    const { p, uriId } = provider(1);
    expect(p.oidc).toEqual({ issuer_uri: `https://sts.windows.net/${tenantId}/`, allowed_audiences: [`\${azuread_application_identifier_uri.${uriId}.identifier_uri}`] });
  });
});

describe("client secret", () => {
  const webServer = Principal.serviceAccount("airflow-web@acme-firestore-dev.iam.gserviceaccount.com");
  const json = synthApp(
    (s) =>
      new EntraAppRegistration(s, "web", {
        tenantId,
        displayName: "Airflow",
        clientSecret: { projectId: "acme-firestore-dev", secretId: "airflow-entra-client-secret", accessors: [webServer, webServer], rotationDays: 60 },
      }),
  );
  const [[appId]] = resourcesOf(json, "azuread_application");
  const passwords = resourcesOf(json, "azuread_application_password");
  const stamps = resourcesOf(json, "time_static");
  const [[secretId, secret]] = resourcesOf(json, "google_secret_manager_secret");

  test("two passwords take turns: each rotates on its own generation and expires within 180 days", () => {
    expect(passwords).toHaveLength(2);
    expect(resourcesOf(json, "time_rotating")).toEqual([]);
    const generations = passwords.map(([, p]) => p.rotate_when_changed.generation);
    expect(new Set(generations).size).toBe(2);
    for (const [i, [, password]] of passwords.entries()) {
      const [stampId, stamp] = stamps.find(([, t]) => t.triggers.generation === password.rotate_when_changed.generation)!;
      expect(stamp).toEqual({ triggers: { generation: generations[i] } });
      expect(password.application_id).toBe(`\${azuread_application.${appId}.id}`);
      // end_date, not the end_date_relative azuread 3.7.0 deprecates: three periods from the slot's stamp.
      expect(password.end_date_relative).toBeUndefined();
      expect(password.end_date).toBe(`\${timeadd(time_static.${stampId}.rfc3339, "${180 * 24}h")}`);
      expect(password.lifecycle).toEqual({ create_before_destroy: true });
    }
  });

  test("the value goes only to a Secret Manager version; readers are listed explicitly", () => {
    expect(secret).toMatchObject({ project: "acme-firestore-dev", secret_id: "airflow-entra-client-secret", replication: { auto: {} }, lifecycle: { prevent_destroy: true } });
    const versions = resourcesOf(json, "google_secret_manager_secret_version").map(([, v]) => v);
    expect(versions.map((v) => v.secret)).toEqual([`\${google_secret_manager_secret.${secretId}.id}`, `\${google_secret_manager_secret.${secretId}.id}`]);
    expect(versions.map((v) => v.secret_data).sort()).toEqual(passwords.map(([id]) => `\${azuread_application_password.${id}.value}`).sort());
    const readers = resourcesOf(json, "google_secret_manager_secret_iam_member").map(([, m]) => m);
    expect(readers).toEqual([
      {
        project: "acme-firestore-dev",
        secret_id: `\${google_secret_manager_secret.${secretId}.secret_id}`,
        role: "roles/secretmanager.secretAccessor",
        member: `serviceAccount:${webServer.email}`,
      },
    ]);
    for (const [passwordId] of passwords) expect(JSON.stringify(json).split(`azuread_application_password.${passwordId}.value`).length - 1).toBe(1);
    expect(json.output).toBeUndefined();
  });

  test("the secret's destroy protection can be switched off; the default rotation is 60 days", () => {
    const scratch = synthApp(
      (s) =>
        new EntraAppRegistration(s, "web", {
          tenantId,
          displayName: "Scratch",
          clientSecret: { projectId: "acme-firestore-dev", secretId: "scratch", accessors: [webServer], preventDestroy: false },
        }),
    );
    expect(resourcesOf(scratch, "google_secret_manager_secret")[0][1].lifecycle).toEqual({ prevent_destroy: false });
    expect(resourcesOf(scratch, "azuread_application_password")[0][1].end_date).toMatch(/"4320h"\)\}$/);
  });

  test("the library's own Entra and secret guardrails find nothing to report", () => {
    const stack = new StackModel("t", json);
    for (const rule of [entraAssignmentRequired, entraNoImplicitGrant, entraSecretRotation, noPlaintextSecrets]) {
      const results = rule.evaluate(stack);
      expect(results.filter((r) => r.status === FindingStatus.NON_COMPLIANT).map((r) => r.message)).toEqual([]);
      expect(results.some((r) => r.status === FindingStatus.COMPLIANT)).toBe(true);
    }
  });
});

