import { AccessDecision, AccessSimulator } from "../../src";
import { denyFormOf, denyPermissionMatches } from "../../src/analysis/deny-policies";
import { githubToken, providerAudience } from "../fixtures/tokens";
import { githubProvider } from "../fixtures/providers";

/**
 * IAM deny policies, deny before allow. Shapes follow hashicorp/google's
 * `google_iam_deny_policy` (parent = urlencode("cloudresourcemanager.googleapis.com/projects/P"),
 * rules { deny_rule { denied_principals, exception_principals, denied_permissions,
 * exception_permissions, denial_condition } }) and Google's documents:
 * https://cloud.google.com/iam/docs/deny-overview (evaluation, attachment points, permission groups),
 * https://cloud.google.com/iam/docs/deny-access, https://cloud.google.com/iam/docs/deny-permissions-support
 * (SERVICE_FQDN/RESOURCE.ACTION), https://cloud.google.com/iam/docs/principal-identifiers (deny principals).
 */
const DB = "projects/p/databases/apps";
const SA = "runner@p.iam.gserviceaccount.com";
// The pool named by project id on both sides, as the stack's references resolve it (a number on one side is unknown until apply).
const POOL = "projects/p/locations/global/workloadIdentityPools/ci";
const condition = { title: "db", expression: `resource.name == "${DB}"` };
const grants = {
  u: { project: "p", role: "roles/datastore.user", member: "user:u@x.example", condition },
  v: { project: "p", role: "roles/datastore.user", member: "user:v@x.example", condition },
};
const PARENT = '${urlencode("cloudresourcemanager.googleapis.com/projects/p")}';
interface Rule {
  denied_principals: string[];
  denied_permissions: string[];
  exception_principals?: string[];
  exception_permissions?: string[];
  denial_condition?: { title: string; expression: string };
}
const deny = (rule: Rule, parent = PARENT) => ({ google_iam_deny_policy: { d: { parent, name: "guard", rules: [{ description: "guard", deny_rule: rule }] } } });
const sim = (resource: object) => AccessSimulator.fromStackJson([JSON.stringify({ resource })]);
const ask = (s: AccessSimulator, member: string, permission = "datastore.entities.delete", groups: string[] | undefined = []) => s.explain({ member, groups, database: DB, permission });
const DELETE = ["datastore.googleapis.com/entities.delete"];

test("permissions map between forms: datastore.entities.delete ↔ datastore.googleapis.com/entities.delete; permission groups use *", () => {
  expect(denyFormOf("datastore.entities.delete")).toBe("datastore.googleapis.com/entities.delete");
  expect(denyFormOf("iam.serviceAccounts.getAccessToken")).toBe("iam.googleapis.com/serviceAccounts.getAccessToken");
  expect(denyPermissionMatches("datastore.googleapis.com/entities.*", "datastore.entities.update")).toBe(true);
  expect(denyPermissionMatches("datastore.googleapis.com/*.delete", "datastore.databases.delete")).toBe(true);
  expect(denyPermissionMatches("datastore.googleapis.com/*", "datastore.entities.get")).toBe(true);
  expect(denyPermissionMatches("datastore.googleapis.com/entities.*", "datastore.databases.export")).toBe(false);
  // The v1 form is not a deny permission: it names nothing.
  expect(denyPermissionMatches("datastore.entities.delete", "datastore.entities.delete")).toBe(false);
});

describe("denied principals, deny before allow", () => {
  test("principalSet://goog/public:all denies every principal the permission; other permissions stay allowed", () => {
    const s = sim({ google_project_iam_member: grants, ...deny({ denied_principals: ["principalSet://goog/public:all"], denied_permissions: DELETE }) });
    const answer = ask(s, "user:u@x.example");
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.join("\n")).toContain("deny policy google_iam_deny_policy.d (stack stack0) rule 0 denies user:u@x.example datastore.googleapis.com/entities.delete on project p");
    expect(ask(s, "user:u@x.example", "datastore.entities.update").decision).toBe(AccessDecision.ALLOWED);
    // Control: the same request without the deny policy.
    expect(ask(sim({ google_project_iam_member: grants }), "user:u@x.example").decision).toBe(AccessDecision.ALLOWED);
  });

  test("principal://goog/subject/EMAIL names one identity", () => {
    const s = sim({ google_project_iam_member: grants, ...deny({ denied_principals: ["principal://goog/subject/u@x.example"], denied_permissions: DELETE }) });
    expect(ask(s, "user:u@x.example").decision).toBe(AccessDecision.DENIED);
    expect(ask(s, "user:v@x.example").decision).toBe(AccessDecision.ALLOWED);
  });

  test("principalSet://goog/group/EMAIL: the request's groups decide; without them, unknown", () => {
    const s = sim({ google_project_iam_member: grants, ...deny({ denied_principals: ["principalSet://goog/group/contractors@x.example"], denied_permissions: DELETE }) });
    expect(ask(s, "user:u@x.example", undefined, ["contractors@x.example"]).decision).toBe(AccessDecision.DENIED);
    expect(ask(s, "user:u@x.example", undefined, []).decision).toBe(AccessDecision.ALLOWED);
    const unknown = s.explain({ member: "user:u@x.example", database: DB, permission: "datastore.entities.delete" });
    expect(unknown.decision).toBe(AccessDecision.UNKNOWN);
    expect(unknown.reasons.join("\n")).toContain("may deny user:u@x.example datastore.googleapis.com/entities.delete: whether user:u@x.example belongs to group contractors@x.example");
  });

  test("exception principals are spared", () => {
    const s = sim({
      google_project_iam_member: grants,
      ...deny({ denied_principals: ["principalSet://goog/public:all"], exception_principals: ["principal://goog/subject/v@x.example"], denied_permissions: DELETE }),
    });
    expect(ask(s, "user:u@x.example").decision).toBe(AccessDecision.DENIED);
    expect(ask(s, "user:v@x.example").decision).toBe(AccessDecision.ALLOWED);
  });

  test("exception permissions are spared, wildcards deny groups of permissions", () => {
    const s = sim({
      google_project_iam_member: grants,
      ...deny({ denied_principals: ["principalSet://goog/public:all"], denied_permissions: ["datastore.googleapis.com/entities.*"], exception_permissions: ["datastore.googleapis.com/entities.get"] }),
    });
    expect(ask(s, "user:u@x.example", "datastore.entities.update").decision).toBe(AccessDecision.DENIED);
    expect(ask(s, "user:u@x.example", "datastore.entities.get").decision).toBe(AccessDecision.ALLOWED);
  });

  test("pool and attribute principal sets deny federated identities; the impersonated account is judged as itself", () => {
    const direct = {
      google_iam_workload_identity_pool_provider: { p: githubProvider() },
      google_project_iam_member: { g: { project: "p", role: "roles/datastore.user", member: `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app`, condition } },
    };
    const token = githubToken("contoso/app", "refs/heads/main", providerAudience("ci", "gh"));
    const write = (s: AccessSimulator) => s.explain({ token, database: DB, permission: "datastore.entities.delete" });
    expect(write(sim(direct)).decision).toBe(AccessDecision.ALLOWED);
    expect(write(sim({ ...direct, ...deny({ denied_principals: [`principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app`], denied_permissions: DELETE }) })).decision).toBe(AccessDecision.DENIED);
    expect(write(sim({ ...direct, ...deny({ denied_principals: [`principalSet://iam.googleapis.com/${POOL}/*`], denied_permissions: DELETE }) })).decision).toBe(AccessDecision.DENIED);
    // Control: another repository's set does not name this token.
    expect(write(sim({ ...direct, ...deny({ denied_principals: [`principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/other`], denied_permissions: DELETE }) })).decision).toBe(AccessDecision.ALLOWED);
  });
});

describe("impersonation and deny", () => {
  const chain = {
    google_service_account_iam_member: { i: { service_account_id: `projects/p/serviceAccounts/${SA}`, role: "roles/iam.serviceAccountTokenCreator", member: "user:u@x.example" } },
    google_project_iam_member: { g: { project: "p", role: "roles/datastore.user", member: `serviceAccount:${SA}`, condition } },
  };

  test("the account's own call is judged as the account (principal://iam.googleapis.com/projects/-/serviceAccounts/EMAIL)", () => {
    expect(ask(sim(chain), "user:u@x.example").decision).toBe(AccessDecision.ALLOWED);
    const s = sim({ ...chain, ...deny({ denied_principals: [`principal://iam.googleapis.com/projects/-/serviceAccounts/${SA}`], denied_permissions: DELETE }) });
    expect(ask(s, "user:u@x.example").decision).toBe(AccessDecision.DENIED);
  });

  test("denying every way to act as the account on its project breaks the hop; denying one leaves the others open", () => {
    const all = ["getAccessToken", "signJwt", "signBlob", "implicitDelegation"].map((p) => `iam.googleapis.com/serviceAccounts.${p}`);
    const s = sim({ ...chain, ...deny({ denied_principals: ["principal://goog/subject/u@x.example"], denied_permissions: all }) });
    const answer = ask(s, "user:u@x.example");
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.join("\n")).toContain(`user:u@x.example cannot act as ${SA}: deny policy google_iam_deny_policy.d (stack stack0) rule 0 denies user:u@x.example iam.googleapis.com/serviceAccounts.getAccessToken`);
    // Token Creator also holds signJwt: denying getAccessToken alone leaves a signed JWT, exchanged for a token.
    const one = ask(sim({ ...chain, ...deny({ denied_principals: ["principal://goog/subject/u@x.example"], denied_permissions: [all[0]] }) }), "user:u@x.example");
    expect(one.decision).toBe(AccessDecision.ALLOWED);
    expect(one.chains[0].steps[0].description).toContain("by iam.serviceAccounts.signJwt");
  });
});

describe("conditions and attachment points", () => {
  const everyone = { denied_principals: ["principalSet://goog/public:all"], denied_permissions: DELETE };

  test("a denial condition on resource tags stays unknown, with the reason", () => {
    const s = sim({ google_project_iam_member: grants, ...deny({ ...everyone, denial_condition: { title: "prod", expression: "resource.matchTag('123456789012/env', 'prod')" } }) });
    const answer = ask(s, "user:u@x.example");
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons.join("\n")).toContain("its denial condition: condition `resource.matchTag('123456789012/env', 'prod')` uses what this engine cannot evaluate offline");
  });

  test("attached to another project: no effect; URL-encoded literal parent of this project: denies; a folder: unknown", () => {
    expect(ask(sim({ google_project_iam_member: grants, ...deny(everyone, '${urlencode("cloudresourcemanager.googleapis.com/projects/q")}') }), "user:u@x.example").decision).toBe(AccessDecision.ALLOWED);
    expect(ask(sim({ google_project_iam_member: grants, ...deny(everyone, "cloudresourcemanager.googleapis.com%2Fprojects%2Fp") }), "user:u@x.example").decision).toBe(AccessDecision.DENIED);
    const folder = ask(sim({ google_project_iam_member: grants, ...deny(everyone, "cloudresourcemanager.googleapis.com%2Ffolders%2F1234") }), "user:u@x.example");
    expect(folder.decision).toBe(AccessDecision.UNKNOWN);
    expect(folder.reasons.join("\n")).toContain("it is attached to cloudresourcemanager.googleapis.com/folders/1234; whether project p sits under it is not in the configuration");
  });

  test("a parent naming the project through a reference resolves within the stack", () => {
    const s = sim({
      google_project: { proj: { project_id: "p", name: "p" } },
      google_project_iam_member: grants,
      ...deny(everyone, '${urlencode("cloudresourcemanager.googleapis.com/projects/${google_project.proj.project_id}")}'),
    });
    expect(ask(s, "user:u@x.example").decision).toBe(AccessDecision.DENIED);
  });
});
