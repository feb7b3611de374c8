/**
 * The simulator's answers pinned against what Google documents, each "cannot" beside the
 * grant that makes it "can". Stacks are JSON, as synth writes them.
 * Principal identifiers (principal, principalSet, /*, group, attribute):
 *   https://cloud.google.com/iam/docs/principal-identifiers
 * Impersonation needs iam.serviceAccounts.getAccessToken (Token Creator, Workload Identity User):
 *   https://cloud.google.com/iam/docs/service-account-permissions
 * IAM conditions on grants: https://cloud.google.com/iam/docs/conditions-overview
 */
import { AccessDecision, AccessExplanation, AccessSimulator, AccessStepKind } from "../../src/analysis/access-simulator";
import { githubToken, gkeToken, providerAudience } from "../fixtures/tokens";

const DB = "projects/p/databases/apps";
const OTHER_DB = "projects/p/databases/other";
const SA = "runner@p.iam.gserviceaccount.com";
const POOL = "projects/p/locations/global/workloadIdentityPools/ci";
const GITHUB = "https://token.actions.githubusercontent.com";
const GET = "datastore.entities.get";

const grant = (role: string, member: string, expression?: string, project = "p") => ({ project, role, member, ...(expression ? { condition: { title: "c", expression } } : {}) });
const onDb = (role: string, member: string) => grant(role, member, `resource.name == "${DB}"`);
const sim = (resources: object, extra: object = {}) => AccessSimulator.fromStackJson([JSON.stringify({ resource: resources, ...extra })]);
const asMember = (s: AccessSimulator, member: string, over: object = {}) => s.explain({ member, groups: [], database: DB, permission: GET, ...over });
const decision = (e: AccessExplanation) => e.decision;

/** A GitHub Actions provider `gh` of pool `ci` in project p; google.groups from the owner, attributes from claims. */
const provider = (over: object = {}) => ({
  project: "p",
  workload_identity_pool_id: "ci",
  workload_identity_pool_provider_id: "gh",
  attribute_mapping: {
    "google.subject": "assertion.sub",
    "google.groups": "[assertion.repository_owner + '-ci']",
    "attribute.repository": "assertion.repository",
    "attribute.refs": "[assertion.ref, assertion.ref_type]",
  },
  attribute_condition: 'assertion.repository_owner == "contoso"',
  oidc: { issuer_uri: GITHUB },
  ...over,
});
const token = (repository = "contoso/app", over: Record<string, unknown> = {}) => githubToken(repository, "refs/heads/main", providerAudience("ci", "gh"), over);
const withToken = (s: AccessSimulator, t: object = token(), over: object = {}) => s.explain({ token: t, database: DB, permission: GET, ...over });
const federated = (member: string) => sim({ google_iam_workload_identity_pool_provider: { gh: provider() }, google_project_iam_member: { g: onDb("roles/datastore.viewer", member) } });

describe("federated identities: which members a token's identity is", () => {
  test("principal://…/subject/S is that subject only", () => {
    expect(decision(withToken(federated(`principal://iam.googleapis.com/${POOL}/subject/repo:contoso/app:ref:refs/heads/main`)))).toBe(AccessDecision.ALLOWED);
    expect(decision(withToken(federated(`principal://iam.googleapis.com/${POOL}/subject/repo:contoso/other:ref:refs/heads/main`)))).toBe(AccessDecision.DENIED);
  });

  test("principalSet://…/group/G: the groups google.groups maps", () => {
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/group/contoso-ci`)))).toBe(AccessDecision.ALLOWED);
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/group/fabrikam-ci`)))).toBe(AccessDecision.DENIED);
  });

  test("principalSet://…/attribute.K/V: any value of the attribute, a list's included", () => {
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app`)))).toBe(AccessDecision.ALLOWED);
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/attribute.refs/branch`)))).toBe(AccessDecision.ALLOWED);
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/attribute.refs/tag`)))).toBe(AccessDecision.DENIED);
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/attribute.environment/prod`)))).toBe(AccessDecision.DENIED);
  });

  test("principalSet://…/* is every identity of the pool, and only of that pool", () => {
    expect(decision(withToken(federated(`principalSet://iam.googleapis.com/${POOL}/*`)))).toBe(AccessDecision.ALLOWED);
    expect(decision(withToken(federated("principalSet://iam.googleapis.com/projects/p/locations/global/workloadIdentityPools/other/*")))).toBe(AccessDecision.DENIED);
    expect(decision(withToken(federated("principalSet://iam.googleapis.com/projects/q/locations/global/workloadIdentityPools/ci/*")))).toBe(AccessDecision.DENIED);
  });

  test("the pool named by project number on one side and id on the other: only apply can tell", () => {
    const answer = withToken(federated("principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/ci/*"));
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons).toContain("pool ci is named by project 123456789012 on one side and p on the other, which only apply can tell apart");
    expect(decision(withToken(federated("principalSet://iam.googleapis.com/projects/${var.project}/locations/global/workloadIdentityPools/ci/*")))).toBe(AccessDecision.UNKNOWN);
  });

  test("allUsers includes a federated identity", () => {
    expect(decision(withToken(federated("allUsers")))).toBe(AccessDecision.ALLOWED);
    expect(decision(withToken(federated("user:a@x.example")))).toBe(AccessDecision.DENIED);
  });

  test("the identity's members are listed: its subject, groups, attributes and the pool", () => {
    const base = `iam.googleapis.com/${POOL}`;
    expect(withToken(federated("allUsers")).members).toEqual([
      `principal://${base}/subject/repo:contoso/app:ref:refs/heads/main`,
      `principalSet://${base}/group/contoso-ci`,
      `principalSet://${base}/attribute.refs/refs/heads/main`,
      `principalSet://${base}/attribute.refs/branch`,
      `principalSet://${base}/attribute.repository/contoso/app`,
      `principalSet://${base}/*`,
    ]);
  });
});

describe("Google identities", () => {
  test("user, serviceAccount and group members, compared in lower case", () => {
    const s = sim({ google_project_iam_member: { u: onDb("roles/datastore.viewer", "user:Ann@X.example"), s: onDb("roles/datastore.viewer", `serviceAccount:${SA}`) } });
    expect(decision(asMember(s, "user:ann@x.example"))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, `serviceAccount:${SA.toUpperCase()}`))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, "user:bob@x.example"))).toBe(AccessDecision.DENIED);
    // A user and a service account with the same email are different principals.
    expect(decision(asMember(s, `user:${SA}`))).toBe(AccessDecision.DENIED);
  });

  test("group members: the request's groups decide; a group asking in its own name is that group", () => {
    const s = sim({ google_project_iam_member: { g: onDb("roles/datastore.viewer", "group:Ops@x.example") } });
    expect(decision(asMember(s, "user:ann@x.example", { groups: ["OPS@x.example"] }))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, "user:ann@x.example", { groups: ["dev@x.example"] }))).toBe(AccessDecision.DENIED);
    expect(decision(asMember(s, "group:ops@x.example", { groups: undefined }))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, "group:dev@x.example", { groups: undefined }))).toBe(AccessDecision.DENIED);
    const unsure = asMember(s, "user:ann@x.example", { groups: undefined });
    expect(unsure.decision).toBe(AccessDecision.UNKNOWN);
    expect(unsure.reasons).toEqual(["whether user:ann@x.example belongs to group ops@x.example is IAM's to resolve; pass groups to decide"]);
    expect(asMember(s, "user:ann@x.example", { groups: ["Ops@x.example"] }).members).toEqual(["user:ann@x.example", "group:ops@x.example"]);
  });

  test("domain members: every account of that domain, not of a look-alike", () => {
    const s = sim({ google_project_iam_member: { d: onDb("roles/datastore.viewer", "domain:x.example") } });
    expect(decision(asMember(s, "user:ann@x.example"))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, "user:ann@evilx.example"))).toBe(AccessDecision.DENIED);
    expect(decision(asMember(s, "user:ann@sub.x.example"))).toBe(AccessDecision.DENIED);
  });

  test("allUsers and allAuthenticatedUsers include every Google account", () => {
    for (const member of ["allUsers", "allAuthenticatedUsers"]) {
      expect(decision(asMember(sim({ google_project_iam_member: { p: onDb("roles/datastore.viewer", member) } }), "user:ann@x.example"))).toBe(AccessDecision.ALLOWED);
    }
  });

  test("a federated principal asking by name matches its own principal:// binding", () => {
    const subject = `principal://iam.googleapis.com/${POOL}/subject/repo:contoso/app`;
    const s = sim({ google_project_iam_member: { g: onDb("roles/datastore.viewer", subject) } });
    expect(decision(asMember(s, subject))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, `principal://iam.googleapis.com/${POOL}/subject/repo:contoso/other`))).toBe(AccessDecision.DENIED);
  });
});

describe("grants: where, which role, under which condition", () => {
  test("a grant on another project gives nothing; on a project Terraform names later, or by number, only apply can tell", () => {
    const on = (project: string) => sim({ google_project_iam_member: { g: grant("roles/datastore.viewer", "user:ann@x.example", undefined, project) } });
    expect(decision(asMember(on("p"), "user:ann@x.example"))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(on("q"), "user:ann@x.example"))).toBe(AccessDecision.DENIED);
    expect(decision(asMember(on("${var.project}"), "user:ann@x.example"))).toBe(AccessDecision.UNKNOWN);
    const byNumber = asMember(on("123456789012"), "user:ann@x.example");
    expect(byNumber.decision).toBe(AccessDecision.UNKNOWN);
    expect(byNumber.reasons.join()).toContain("which only apply can compare with p");
  });

  test("a grant that leaves its project to the provider's default: only apply can tell", () => {
    const s = sim({ google_project_iam_member: { g: { role: "roles/datastore.viewer", member: "user:ann@x.example" } } });
    const answer = asMember(s, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons.join()).toContain("(the provider's default, not set literally)");
  });

  test("folder and organization grants may reach the project: unknown", () => {
    const s = sim({
      google_folder_iam_member: { f: { folder: "folders/123", role: "roles/datastore.viewer", member: "user:ann@x.example" } },
      google_organization_iam_member: { o: { org_id: "456", role: "roles/datastore.viewer", member: "user:bob@x.example" } },
    });
    for (const who of ["user:ann@x.example", "user:bob@x.example"]) {
      const answer = asMember(s, who);
      expect(answer.decision).toBe(AccessDecision.UNKNOWN);
      expect(answer.reasons.join()).toContain("is not in the configuration");
    }
  });

  test("a role without the permission gives nothing, and a Firestore role says so", () => {
    const s = sim({ google_project_iam_member: { g: onDb("roles/datastore.viewer", "user:ann@x.example") } });
    const write = asMember(s, "user:ann@x.example", { permission: "datastore.entities.update" });
    expect(write.decision).toBe(AccessDecision.DENIED);
    expect(write.reasons).toContain("user:ann@x.example holds roles/datastore.viewer (google_project_iam_member.g), which does not include datastore.entities.update");
  });

  test("a role outside Firestore gives nothing and is not worth a reason", () => {
    const s = sim({ google_project_iam_member: { g: onDb("roles/logging.viewer", "user:ann@x.example") } });
    const answer = asMember(s, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons).toEqual([`no chain gives ${GET} on ${DB}`]);
  });

  test("a condition that refuses the database gives nothing, and says why", () => {
    const s = sim({ google_project_iam_member: { g: onDb("roles/datastore.viewer", "user:ann@x.example") } });
    const other = asMember(s, "user:ann@x.example", { database: OTHER_DB });
    expect(other.decision).toBe(AccessDecision.DENIED);
    expect(other.reasons.join()).toContain(`user:ann@x.example holds roles/datastore.viewer (google_project_iam_member.g), but its condition \`resource.name == "${DB}"\` is false for resource.name ${OTHER_DB}`);
    expect(other.reasons).toContain(`no chain gives ${GET} on ${OTHER_DB}`);
  });

  test("a time-bound grant holds until its end (request.time)", () => {
    const s = sim({ google_project_iam_member: { g: grant("roles/datastore.viewer", "user:ann@x.example", 'request.time < timestamp("2027-01-01T00:00:00Z")') } });
    expect(decision(asMember(s, "user:ann@x.example", { time: "2026-12-31T23:59:59Z" }))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, "user:ann@x.example", { time: "2027-01-01T00:00:01Z" }))).toBe(AccessDecision.DENIED);
  });

  test("a condition on a backup permission is unknown: backups are location resources, not the database", () => {
    const s = sim({
      google_project_iam_member: {
        c: onDb("roles/datastore.backupsAdmin", "user:ann@x.example"),
        u: grant("roles/datastore.backupsAdmin", "user:bob@x.example"),
      },
    });
    const conditioned = asMember(s, "user:ann@x.example", { permission: "datastore.backups.list" });
    expect(conditioned.decision).toBe(AccessDecision.UNKNOWN);
    expect(conditioned.reasons.join()).toContain("acts on backups");
    expect(decision(asMember(s, "user:bob@x.example", { permission: "datastore.backups.list" }))).toBe(AccessDecision.ALLOWED);
  });

  test("a custom role declared in the stacks grants its permissions; one declared elsewhere is unknown", () => {
    const s = sim({
      google_project_iam_custom_role: { r: { project: "p", role_id: "reader", title: "r", permissions: [GET] } },
      google_project_iam_member: { d: onDb("projects/p/roles/reader", "user:ann@x.example"), e: onDb("projects/p/roles/elsewhere", "user:bob@x.example") },
    });
    expect(decision(asMember(s, "user:ann@x.example"))).toBe(AccessDecision.ALLOWED);
    expect(decision(asMember(s, "user:ann@x.example", { permission: "datastore.entities.delete" }))).toBe(AccessDecision.DENIED);
    const elsewhere = asMember(s, "user:bob@x.example");
    expect(elsewhere.decision).toBe(AccessDecision.UNKNOWN);
    expect(elsewhere.reasons).toEqual(["custom role projects/p/roles/elsewhere is not declared in these stacks, so its permissions are unknown"]);
  });

  test("a grant on a service account or a bucket gives no Firestore permission", () => {
    const s = sim({
      google_service_account_iam_member: { a: { service_account_id: `projects/p/serviceAccounts/${SA}`, role: "roles/datastore.owner", member: "user:ann@x.example" } },
      google_storage_bucket_iam_member: { b: { bucket: "exports", role: "roles/datastore.owner", member: "user:ann@x.example" } },
    });
    expect(decision(asMember(s, "user:ann@x.example"))).toBe(AccessDecision.DENIED);
  });
});

describe("every permission of an access level must be allowed", () => {
  const s = sim({
    google_project_iam_member: {
      v: onDb("roles/datastore.viewer", "user:ann@x.example"),
      u: onDb("roles/datastore.user", "user:bob@x.example"),
      c: onDb("projects/p/roles/elsewhere", "user:cy@x.example"),
      cv: onDb("roles/datastore.viewer", "user:cy@x.example"),
    },
  });

  test("all allowed is ALLOWED, with one chain listing the permissions it gives and no reasons", () => {
    const read = asMember(s, "user:ann@x.example", { permission: undefined, access: "READ" });
    expect(read.decision).toBe(AccessDecision.ALLOWED);
    expect(read.reasons).toEqual([]);
    expect(read.permissions).toEqual(["datastore.entities.get", "datastore.entities.list"]);
    expect(read.chains).toHaveLength(1);
    expect(read.chains[0]).toMatchObject({ decision: AccessDecision.ALLOWED, permissions: ["datastore.entities.get", "datastore.entities.list"], unknowns: [] });
    expect(read.chains[0].steps).toEqual([
      {
        kind: AccessStepKind.GRANT,
        description: `holds roles/datastore.viewer on project p if resource.name == "${DB}"`,
        stack: "stack0",
        address: "google_project_iam_member.v",
        constructPath: undefined,
      },
    ]);
  });

  test("one permission denied is DENIED, even beside allowed ones", () => {
    const write = asMember(s, "user:ann@x.example", { permission: undefined, access: "READ_WRITE" });
    expect(write.decision).toBe(AccessDecision.DENIED);
    expect(decision(asMember(s, "user:bob@x.example", { permission: undefined, access: "READ_WRITE" }))).toBe(AccessDecision.ALLOWED);
  });

  test("allowed beside unknown is UNKNOWN, with the unknown's reason", () => {
    const mixed = asMember(s, "user:cy@x.example", { permission: undefined, access: "READ_WRITE" });
    expect(mixed.decision).toBe(AccessDecision.UNKNOWN);
    expect(mixed.reasons).toContain("custom role projects/p/roles/elsewhere is not declared in these stacks, so its permissions are unknown");
    expect(mixed.chains.every((c) => c.decision === AccessDecision.UNKNOWN || c.permissions.every((p) => p.startsWith("datastore.entities.")))).toBe(true);
  });
});

describe("impersonation", () => {
  const reader = { g: onDb("roles/datastore.viewer", `serviceAccount:${SA}`) };
  const onAccount = (role: string, member: string, expression?: string) => ({
    service_account_id: `projects/p/serviceAccounts/${SA}`,
    role,
    member,
    ...(expression ? { condition: { title: "c", expression } } : {}),
  });

  test("Token Creator on the account lets a user act as it; the chain names both links", () => {
    const s = sim({ google_service_account_iam_member: { i: onAccount("roles/iam.serviceAccountTokenCreator", "user:ann@x.example") }, google_project_iam_member: reader });
    const answer = asMember(s, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps.map((x) => [x.kind, x.description, x.address])).toEqual([
      [AccessStepKind.IMPERSONATION, `acts as ${SA}: mints an access token with generateAccessToken, by iam.serviceAccounts.getAccessToken in roles/iam.serviceAccountTokenCreator on service account ${SA}`, "google_service_account_iam_member.i"],
      [AccessStepKind.GRANT, `holds roles/datastore.viewer on project p if resource.name == "${DB}"`, "google_project_iam_member.g"],
    ]);
    expect(decision(asMember(s, "user:bob@x.example"))).toBe(AccessDecision.DENIED);
  });

  test("a role without getAccessToken on the account is no way in", () => {
    const s = sim({ google_service_account_iam_member: { i: onAccount("roles/iam.serviceAccountViewer", "user:ann@x.example") }, google_project_iam_member: reader });
    expect(decision(asMember(s, "user:ann@x.example"))).toBe(AccessDecision.DENIED);
  });

  test("Token Creator on the project reaches the project's accounts", () => {
    const s = sim({
      google_service_account: { sa: { account_id: "runner", project: "p" } },
      google_project_iam_member: { ...reader, t: grant("roles/iam.serviceAccountTokenCreator", "user:ann@x.example") },
    });
    const answer = asMember(s, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps[0].description).toBe(`acts as ${SA}: mints an access token with generateAccessToken, by iam.serviceAccounts.getAccessToken in roles/iam.serviceAccountTokenCreator on project p`);
  });

  test("Token Creator on an account Terraform names later, or on a bucket, reaches no account", () => {
    const s = sim({
      google_service_account_iam_member: { i: { service_account_id: "${google_service_account.other.name}", role: "roles/iam.serviceAccountTokenCreator", member: "user:ann@x.example" } },
      google_storage_bucket_iam_member: { b: { bucket: "exports", role: "roles/iam.serviceAccountTokenCreator", member: "user:ann@x.example" } },
      google_project_iam_member: reader,
    });
    expect(decision(asMember(s, "user:ann@x.example"))).toBe(AccessDecision.DENIED);
  });

  test("Token Creator on a folder may reach any account: unknown, with the reason", () => {
    const s = sim({
      google_service_account: { sa: { account_id: "runner", project: "p" } },
      google_folder_iam_member: { t: { folder: "folders/1", role: "roles/iam.serviceAccountTokenCreator", member: "user:ann@x.example" } },
      google_project_iam_member: reader,
    });
    const answer = asMember(s, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons.join()).toContain("which projects sit under it is not in the configuration");
  });

  test("a condition on the impersonation binding: a false one stops the chain and says so; a true one lets it through", () => {
    const expired = sim({
      google_service_account_iam_member: { i: onAccount("roles/iam.serviceAccountTokenCreator", "user:ann@x.example", 'request.time < timestamp("2020-01-01T00:00:00Z")') },
      google_project_iam_member: reader,
    });
    const answer = asMember(expired, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.join()).toContain(`user:ann@x.example cannot act as ${SA}: google_service_account_iam_member.i condition`);
    const current = sim({
      google_service_account_iam_member: { i: onAccount("roles/iam.serviceAccountTokenCreator", "user:ann@x.example", 'request.time < timestamp("2999-01-01T00:00:00Z")') },
      google_project_iam_member: reader,
    });
    expect(decision(asMember(current, "user:ann@x.example"))).toBe(AccessDecision.ALLOWED);
  });

  test("a definite way to an account is preferred to a possible one", () => {
    const s = sim({
      google_service_account_iam_member: {
        maybe: onAccount("roles/iam.serviceAccountTokenCreator", "${var.who}"),
        sure: onAccount("roles/iam.serviceAccountTokenCreator", "user:ann@x.example"),
      },
      google_project_iam_member: reader,
    });
    const answer = asMember(s, "user:ann@x.example");
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains).toHaveLength(1);
    expect(answer.chains[0].steps[0].address).toBe("google_service_account_iam_member.sure");
  });

  test("a token's identity impersonates through Workload Identity User, and each link is in the chain", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { gh: provider() },
      google_service_account_iam_member: { i: onAccount("roles/iam.workloadIdentityUser", `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app`) },
      google_project_iam_member: reader,
    });
    const answer = withToken(s);
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps.map((x) => x.kind)).toEqual([AccessStepKind.TOKEN, AccessStepKind.IMPERSONATION, AccessStepKind.GRANT]);
    expect(answer.chains[0].steps[0]).toEqual({
      kind: AccessStepKind.TOKEN,
      description: "google_iam_workload_identity_pool_provider.gh (stack stack0) admits the token as subject repo:contoso/app:ref:refs/heads/main",
    });
    expect(decision(withToken(s, token("contoso/other")))).toBe(AccessDecision.DENIED);
  });
});

describe("a token nobody admits: why, in the words of the step that refused it", () => {
  test("no provider trusts the issuer; the providers' issuers are listed", () => {
    const none = withToken(sim({ google_project_iam_member: { g: onDb("roles/datastore.viewer", "allUsers") } }), token("contoso/app", { iss: "https://agent.buildkite.com" }));
    expect(none.decision).toBe(AccessDecision.DENIED);
    expect(none.reasons).toContain('no workload identity provider trusts issuer "https://agent.buildkite.com"; providers trust nothing (none declared)');
    const some = withToken(federated("allUsers"), token("contoso/app", { iss: "https://agent.buildkite.com" }));
    expect(some.reasons).toContain(`no workload identity provider trusts issuer "https://agent.buildkite.com"; providers trust ${GITHUB}`);
  });

  test("only the providers that got furthest explain the refusal", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: {
        gh: provider(),
        prod: provider({ workload_identity_pool_provider_id: "prod", oidc: { issuer_uri: GITHUB, allowed_audiences: ["https://github.com/prod"] } }),
      },
      google_project_iam_member: { g: onDb("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/*`) },
    });
    const answer = withToken(s, token("fabrikam/app", { repository_owner: "fabrikam" }));
    expect(answer.decision).toBe(AccessDecision.DENIED);
    const refusals = answer.reasons.filter((r) => r.startsWith("refused by"));
    expect(refusals).toEqual([
      'refused by google_iam_workload_identity_pool_provider.gh (stack stack0) at attribute_condition: `assertion.repository_owner == "contoso"` is false for this token',
    ]);
  });

  test("a provider that may admit the token as an identity nobody can name makes a denial unknown", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { gh: provider(), other: provider({ workload_identity_pool_provider_id: "x", count: "${var.n}", oidc: { issuer_uri: GITHUB, allowed_audiences: [providerAudience("ci", "gh")] } }) },
      google_project_iam_member: { g: onDb("roles/datastore.viewer", "user:ann@x.example") },
    });
    const answer = withToken(s);
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons).toContain(
      "not known whether admitted by google_iam_workload_identity_pool_provider.other (stack stack0) at provider: the provider has count or for_each, which Terraform expands",
    );
    // Without it, the same token is denied for sure.
    expect(decision(withToken(sim({ google_iam_workload_identity_pool_provider: { gh: provider() }, google_project_iam_member: { g: onDb("roles/datastore.viewer", "user:ann@x.example") } })))).toBe(
      AccessDecision.DENIED,
    );
  });

  test("a token admitted with something unknown on the way gives an UNKNOWN chain carrying why", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { gh: provider({ oidc: { issuer_uri: GITHUB, allowed_audiences: ["${var.audience}"] } }) },
      google_project_iam_member: { g: onDb("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/*`) },
    });
    const answer = withToken(s);
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.chains).toHaveLength(1);
    expect(answer.chains[0].decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.chains[0].unknowns).toEqual(["google_iam_workload_identity_pool_provider.gh (stack stack0): allowed_audiences holds references Terraform fills in"]);
    expect(answer.reasons).toEqual([
      "not known whether admitted by google_iam_workload_identity_pool_provider.gh (stack stack0) at audience: allowed_audiences holds references Terraform fills in",
      ...answer.chains[0].unknowns,
    ]);
  });

  test("near misses: bindings of the token's own pool whose values differ, with what the token maps instead", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { gh: provider() },
      google_service_account_iam_member: {
        i: { service_account_id: `projects/p/serviceAccounts/${SA}`, role: "roles/iam.workloadIdentityUser", member: `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/deploy` },
      },
      google_project_iam_member: {
        g: onDb("roles/datastore.viewer", `serviceAccount:${SA}`),
        d: onDb("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/attribute.environment/prod`),
        o: onDb("roles/datastore.viewer", "principalSet://iam.googleapis.com/projects/p/locations/global/workloadIdentityPools/other/*"),
      },
    });
    const answer = withToken(s);
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.filter((r) => r.startsWith("near miss")).sort()).toEqual([
      `near miss: principalSet://iam.googleapis.com/${POOL}/attribute.environment/prod holds roles/datastore.viewer on ${DB} (google_project_iam_member.d); this token maps no attribute.environment`,
      `near miss: principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/deploy could impersonate service account ${SA} (google_service_account_iam_member.i); this token maps attribute.repository to contoso/app`,
    ]);
    // An allowed answer has no reasons at all.
    expect(withToken(s, token("contoso/deploy")).reasons).toEqual([]);
  });

  test("a near miss is only a binding that would have given the permission, in a pool of the token's name", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { gh: provider() },
      google_project_iam_member: {
        // Its condition refuses the database asked about: no near miss.
        elsewhere: grant("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/attribute.environment/staging`, `resource.name == "${OTHER_DB}"`),
        // The same pool id in another project: the whole pool, yet not this token's.
        q: onDb("roles/datastore.viewer", "principalSet://iam.googleapis.com/projects/q/locations/global/workloadIdentityPools/ci/*"),
      },
    });
    expect(withToken(s).reasons.filter((r) => r.startsWith("near miss"))).toEqual([
      "near miss: principalSet://iam.googleapis.com/projects/q/locations/global/workloadIdentityPools/ci/* holds roles/datastore.viewer on projects/p/databases/apps (google_project_iam_member.q)",
    ]);
  });

  test("at most five near misses are listed", () => {
    const grants: { [k: string]: object } = {};
    for (let i = 0; i < 8; i++) grants[`g${i}`] = onDb("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app${i}`);
    const answer = withToken(sim({ google_iam_workload_identity_pool_provider: { gh: provider() }, google_project_iam_member: grants }));
    expect(answer.reasons.filter((r) => r.startsWith("near miss"))).toHaveLength(5);
  });

  test("the same pool and provider in two projects with the default audience: unknown until apply", () => {
    const s = sim({
      google_iam_workload_identity_pool_provider: { gh: provider(), gq: provider({ project: "q" }) },
      google_project_iam_member: { g: onDb("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/*`) },
    });
    expect(decision(withToken(s))).toBe(AccessDecision.UNKNOWN);
    // With listed audiences the token names its provider: no ambiguity.
    const listed = sim({
      google_iam_workload_identity_pool_provider: {
        gh: provider({ oidc: { issuer_uri: GITHUB, allowed_audiences: ["https://github.com/contoso"] } }),
        gq: provider({ project: "q", oidc: { issuer_uri: GITHUB, allowed_audiences: ["https://github.com/contoso"] } }),
      },
      google_project_iam_member: { g: onDb("roles/datastore.viewer", `principalSet://iam.googleapis.com/${POOL}/*`) },
    });
    expect(decision(withToken(listed, token("contoso/app", { aud: "https://github.com/contoso" })))).toBe(AccessDecision.ALLOWED);
  });
});

describe("GKE", () => {
  // https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity: a Kubernetes service account
  // is granted as serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA] (or its principal:// form).
  test("a cluster's Kubernetes service account token is the member serviceAccount:P.svc.id.goog[NS/KSA]", () => {
    const s = sim({ google_project_iam_member: { g: onDb("roles/datastore.viewer", "serviceAccount:p.svc.id.goog[payments/api]") } });
    const ask = (t: object) => s.explain({ token: t, database: DB, permission: GET });
    const answer = ask(gkeToken("p", "europe-west1", "apps", "payments", "api"));
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps[0].description).toBe("GKE cluster apps (p, europe-west1) admits the token as subject ns/payments/sa/api");
    expect(decision(ask(gkeToken("p", "europe-west1", "apps", "payments", "worker")))).toBe(AccessDecision.DENIED);
    expect(decision(ask(gkeToken("q", "europe-west1", "apps", "payments", "api")))).toBe(AccessDecision.DENIED);
  });
});

describe("fromStackJson", () => {
  test("takes cdk.tf.json texts; anything else is a clear error", () => {
    expect(() => AccessSimulator.fromStackJson("{}" as unknown as string[])).toThrow("AccessSimulator.fromStackJson: expected an array of cdk.tf.json texts, got string");
    expect(() => AccessSimulator.fromStackJson(["{}", "{"])).toThrow(/^AccessSimulator\.fromStackJson: jsonTexts\[1\] is not JSON/);
  });

  test("steps name the stack and the construct path cdktf records", () => {
    const json = {
      "//": { metadata: { stackName: "prod" } },
      resource: { google_project_iam_member: { g: { ...onDb("roles/datastore.viewer", "user:ann@x.example"), "//": { metadata: { path: "prod/Readers/Grant" } } } } },
    };
    const step = asMember(AccessSimulator.fromStackJson([JSON.stringify(json)]), "user:ann@x.example").chains[0].steps[0];
    expect(step).toMatchObject({ stack: "prod", address: "google_project_iam_member.g", constructPath: "prod/Readers/Grant" });
  });
});
