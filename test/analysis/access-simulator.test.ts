import { AccessDecision, AccessSimulator } from "../../src";
import { celSyntaxError } from "../../src/core/cel";
import { main } from "../../src/cli/main";
import { entraV1Token, githubToken, providerAudience } from "../fixtures/tokens";
import { githubProvider } from "../fixtures/providers";

const DB = "projects/p/databases/apps";
const SA = "runner@p.iam.gserviceaccount.com";
const POOL = "projects/p/locations/global/workloadIdentityPools/ci";
const grant = (role: string, member: string, expression?: string) => ({ project: "p", role, member, ...(expression ? { condition: { title: "c", expression } } : {}) });
const sim = (resources: object) => AccessSimulator.fromStackJson([JSON.stringify({ resource: resources })]);
const ask = (s: AccessSimulator, member: string, permission = "datastore.entities.get", database = DB) => s.explain({ member, database, permission });

/** A GitHub Actions provider of pool `ci` in project p, pinned to the contoso owner. */
const provider = githubProvider;

describe("IAM conditions, evaluated with CEL", () => {
  test("== on the database name admits that database only", () => {
    const s = sim({ google_project_iam_member: { g: grant("roles/datastore.viewer", "user:a@x.example", `resource.name == "${DB}"`) } });
    expect(ask(s, "user:a@x.example").decision).toBe(AccessDecision.ALLOWED);
    expect(ask(s, "user:a@x.example", "datastore.entities.get", "projects/p/databases/other").decision).toBe(AccessDecision.DENIED);
    expect(ask(s, "user:a@x.example", "datastore.entities.update").decision).toBe(AccessDecision.DENIED);
  });

  test("|| true admits everything; startsWith admits every name with the prefix", () => {
    const s = sim({
      google_project_iam_member: {
        a: grant("roles/datastore.viewer", "user:a@x.example", `resource.name == "${DB}" || true`),
        b: grant("roles/datastore.viewer", "user:b@x.example", 'resource.name.startsWith("projects/p/databases/apps")'),
      },
    });
    expect(ask(s, "user:a@x.example", "datastore.entities.get", "projects/p/databases/anything").decision).toBe(AccessDecision.ALLOWED);
    expect(ask(s, "user:b@x.example", "datastore.entities.get", "projects/p/databases/apps-archive").decision).toBe(AccessDecision.ALLOWED);
    expect(ask(s, "user:b@x.example", "datastore.entities.get", "projects/p/databases/billing").decision).toBe(AccessDecision.DENIED);
  });

  test("a function the engine lacks, or a custom role declared elsewhere, is unknown with the reason, never denied", () => {
    const s = sim({
      google_project_iam_member: {
        t: grant("roles/datastore.viewer", "user:a@x.example", 'resource.matchTag("env", "dev")'),
        c: grant("projects/p/roles/elsewhere", "user:b@x.example", `resource.name == "${DB}"`),
      },
    });
    const tag = ask(s, "user:a@x.example");
    expect(tag.decision).toBe(AccessDecision.UNKNOWN);
    expect(tag.reasons.join()).toContain("unbound function: matchTag");
    expect(ask(s, "user:b@x.example").reasons.join()).toContain("custom role projects/p/roles/elsewhere is not declared");
  });

  test("import/export can export and import but not write documents; group membership comes from the request", () => {
    const s = sim({ google_project_iam_member: { g: grant("roles/datastore.importExportAdmin", "group:ops@x.example", `resource.name == "${DB}"`) } });
    const req = { member: "user:a@x.example", groups: ["ops@x.example"], database: DB };
    expect(s.explain({ ...req, permission: "datastore.databases.import" }).decision).toBe(AccessDecision.ALLOWED);
    expect(s.explain({ ...req, permission: "datastore.entities.update" }).decision).toBe(AccessDecision.DENIED);
    expect(s.explain({ ...req, groups: [], permission: "datastore.databases.export" }).decision).toBe(AccessDecision.DENIED);
  });
});

describe("token admission and impersonation", () => {
  const chain = {
    google_service_account_iam_member: { i: { service_account_id: `projects/p/serviceAccounts/${SA}`, role: "roles/iam.workloadIdentityUser", member: `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app` } },
    google_project_iam_member: { g: grant("roles/datastore.user", `serviceAccount:${SA}`, `resource.name == "${DB}"`) },
  };
  const token = githubToken("contoso/app", "refs/heads/main", providerAudience("ci", "gh"));

  test("follows the token through impersonation to the grant, and names the refusing step otherwise", () => {
    const s = sim({ google_iam_workload_identity_pool_provider: { p: provider() }, ...chain });
    const ok = s.explain({ token, database: DB, permission: "datastore.entities.update" });
    expect(ok.decision).toBe(AccessDecision.ALLOWED);
    expect(ok.chains[0].steps.map((x) => x.kind)).toEqual(["token", "impersonation", "grant"]);
    const wrongAud = s.explain({ token: { ...token, aud: "https://github.com/contoso" }, database: DB, permission: "datastore.entities.update" });
    expect(wrongAud.reasons.join()).toContain("at audience");
    const long = s.explain({ token: { ...token, sub: "x".repeat(128) }, database: DB, permission: "datastore.entities.update" });
    expect(long.reasons.join()).toContain("google.subject is 128 bytes; Google accepts at most 127");
  });

  test("a mapping that reads a claim the token lacks is unknown (Google does not document it), a guarded one admits", () => {
    const unguarded = sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_mapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository", "attribute.environment": "assertion.environment" } }) }, ...chain });
    expect(unguarded.explain({ token, database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.UNKNOWN);
    const guarded = sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_mapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository", "attribute.environment": "has(assertion.environment) ? assertion.environment : \"\"" } }) }, ...chain });
    expect(guarded.explain({ token, database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
  });

  test("Entra v1 issuers end in a slash and are compared exactly", () => {
    const tenant = "00000000-0000-4000-8000-000000000001";
    const s = sim({
      google_iam_workload_identity_pool_provider: {
        p: provider({ attribute_mapping: { "google.subject": "assertion.sub", "attribute.oid": "assertion.oid" }, attribute_condition: `assertion.tid == "${tenant}"`, oidc: { issuer_uri: `https://sts.windows.net/${tenant}/`, allowed_audiences: ["api://orders"] } }),
      },
      google_project_iam_member: { g: grant("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/attribute.oid/o-1`, `resource.name == "${DB}"`) },
    });
    expect(s.explain({ token: entraV1Token(tenant, "api://orders", "o-1"), database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
    const noSlash = entraV1Token(tenant, "api://orders", "o-1", { iss: `https://sts.windows.net/${tenant}` });
    expect(s.explain({ token: noSlash, database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  });

  test("impersonation chains of any depth end without looping", () => {
    const a = "a@p.iam.gserviceaccount.com";
    const b = "b@p.iam.gserviceaccount.com";
    const s = sim({
      google_service_account_iam_member: {
        ab: { service_account_id: `projects/p/serviceAccounts/${b}`, role: "roles/iam.serviceAccountTokenCreator", member: `serviceAccount:${a}` },
        ba: { service_account_id: `projects/p/serviceAccounts/${a}`, role: "roles/iam.serviceAccountTokenCreator", member: `serviceAccount:${b}` },
        ua: { service_account_id: `projects/p/serviceAccounts/${a}`, role: "roles/iam.serviceAccountTokenCreator", member: "user:u@x.example" },
      },
      google_project_iam_member: { g: grant("roles/datastore.viewer", `serviceAccount:${b}`, `resource.name == "${DB}"`) },
    });
    const answer = ask(s, "user:u@x.example");
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps.map((x) => x.kind)).toEqual(["impersonation", "impersonation", "grant"]);
  });
});

describe("what cannot be known offline is unknown, never a guessed denial", () => {
  const grantToRepo = { g: grant("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app`, `resource.name == "${DB}"`) };
  const token = githubToken("contoso/app", "refs/heads/main", providerAudience("ci", "gh"));
  const read = (s: AccessSimulator, t: object = token) => s.explain({ token: t, database: DB, permission: "datastore.entities.get" });

  test("a condition Terraform fills in", () => {
    const s = sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_condition: 'assertion.repository_owner == "${var.owner}"' }) }, google_project_iam_member: grantToRepo });
    expect(read(s).decision).toBe(AccessDecision.UNKNOWN);
  });

  test("the same pool and provider ids in two projects: the audience's project number decides, after apply", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { p: provider({}), q: provider({ project: "q" }) },
      google_project_iam_member: grantToRepo,
    });
    const answer = read(s);
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons.join()).toContain("exists in several projects");
  });

  test("a Google member's groups, unless the request names them", () => {
    const s = sim({ google_project_iam_member: { g: grant("roles/datastore.viewer", "group:ops@x.example", `resource.name == "${DB}"`) } });
    expect(ask(s, "user:a@x.example").decision).toBe(AccessDecision.UNKNOWN);
    expect(s.explain({ member: "user:a@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  });

  test("a role or member Terraform fills in; allAuthenticatedUsers for a federated identity", () => {
    const unresolved = sim({
      google_iam_workload_identity_pool_provider: { p: provider({}) },
      google_project_iam_member: {
        r: grant("${var.role}", "user:a@x.example", `resource.name == "${DB}"`),
        m: grant("roles/datastore.viewer", "${var.member}", `resource.name == "${DB}"`),
      },
    });
    const user = unresolved.explain({ member: "user:a@x.example", groups: [], database: DB, permission: "datastore.entities.get" });
    expect(user.decision).toBe(AccessDecision.UNKNOWN);
    expect(user.reasons).toEqual(["member ${var.member} is a reference Terraform fills in", "role ${var.role} is a reference Terraform fills in"]);
    expect(read(unresolved).decision).toBe(AccessDecision.UNKNOWN);
    const everyone = sim({
      google_iam_workload_identity_pool_provider: { p: provider({}) },
      google_project_iam_member: { all: grant("roles/datastore.viewer", "allAuthenticatedUsers", `resource.name == "${DB}"`) },
    });
    expect(read(everyone).reasons).toEqual(["Google does not document whether allAuthenticatedUsers includes federated identities"]);
    expect(everyone.explain({ member: "user:a@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
  });

  test("what is definite stays definite: count = 0 creates nothing, a literal inside `in` lists is read as written", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { p: provider({ attribute_condition: '"contoso"in [assertion.repository_owner]' }) },
      google_project_iam_member: { ...grantToRepo, off: { ...grant("roles/datastore.owner", "user:a@x.example"), count: 0 } },
    });
    expect(read(s).decision).toBe(AccessDecision.ALLOWED);
    expect(s.explain({ member: "user:a@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  });
});

test("a disabled account cannot be impersonated, a disabled custom role grants nothing, a deny policy without rules takes nothing away", () => {
  const base = {
    google_service_account: { sa: { account_id: "runner", project: "p", disabled: true } },
    google_service_account_iam_member: { i: { service_account_id: `projects/p/serviceAccounts/${SA}`, role: "roles/iam.serviceAccountTokenCreator", member: "user:u@x.example" } },
    google_project_iam_custom_role: { r: { project: "p", role_id: "reader", permissions: ["datastore.entities.get"], stage: "DISABLED" } },
    google_project_iam_member: {
      g: grant("roles/datastore.viewer", `serviceAccount:${SA}`, `resource.name == "${DB}"`),
      c: grant("projects/p/roles/reader", "user:c@x.example", `resource.name == "${DB}"`),
      d: grant("roles/datastore.viewer", "user:d@x.example", `resource.name == "${DB}"`),
    },
  };
  const s = sim(base);
  expect(s.explain({ member: "user:u@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).reasons.join()).toContain("the account is disabled");
  expect(s.explain({ member: "user:c@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.DENIED);
  expect(s.explain({ member: "user:d@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
  const denying = sim({ ...base, google_iam_deny_policy: { no: { parent: "x", name: "no", rules: [] } } });
  // Deny policies are evaluated (test/analysis/deny-policies.test.ts): one that denies nothing no longer makes every answer unknown.
  expect(denying.explain({ member: "user:d@x.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
});

test("CEL syntax errors are found before apply", () => {
  expect(celSyntaxError("assertion.sub ==")).toContain("1:15");
  expect(celSyntaxError('assertion.org == "${var.org}"')).toBeUndefined();
});

test("explain CLI: exit 0 allowed, 1 denied, 3 unknown, 2 bad input", () => {
  const dir = require("path").join(__dirname, "..", "fixtures", "synth-output");
  const run = (...argv: string[]) => {
    let out = "";
    const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { code, out };
  };
  const ask = ["--database", "projects/acme-dev/databases/apps", "--access", "READ"];
  // The fixture grants roles/datastore.viewer to group:analysts@acme.example: membership decides.
  const unknown = run("explain", dir, "--member", "user:nobody@x.example", ...ask);
  expect(unknown.code).toBe(3);
  expect(unknown.out).toContain("whether user:nobody@x.example belongs to group analysts@acme.example is IAM's to resolve");
  const allowed = run("explain", dir, "--member", "user:ann@acme.example", "--group", "analysts@acme.example", ...ask, "--format", "json");
  expect(allowed.code).toBe(0);
  expect(JSON.parse(allowed.out).chains[0].steps[0].address).toMatch(/^google_project_iam_member\./);
  const denied = run("explain", dir, "--member", "user:nobody@x.example", "--no-groups", ...ask);
  expect(denied.code).toBe(1);
  expect(denied.out).toContain("DENIED: datastore.entities.get, datastore.entities.list on projects/acme-dev/databases/apps");
  expect(run("explain", dir, "--member", "user:x@x.example", "--database", "nope", "--access", "READ").code).toBe(2);
  expect(run("explain", dir, "--bogus").code).toBe(2);
});
