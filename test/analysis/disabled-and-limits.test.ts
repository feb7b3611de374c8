import { AccessDecision, AccessSimulator } from "../../src";
import { githubToken, providerAudience } from "../fixtures/tokens";
import { githubProvider } from "../fixtures/providers";

/**
 * Disabled pools, providers and service accounts, and the token exchange's own limits.
 * Pools: "You cannot use a disabled pool to exchange tokens, or use existing tokens to access
 * resources"; providers: "You cannot use a disabled provider to exchange tokens" (REST
 * reference of projects.locations.workloadIdentityPools and .providers,
 * https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers).
 * Service accounts: https://cloud.google.com/iam/docs/service-accounts-disable-enable.
 * Limits (attributeMapping in the providers REST reference): google.subject "Cannot exceed
 * 127 bytes", "a maximum of 50 custom attributes", "the total size of all mapped attributes
 * must not exceed 8KB"; OIDC providers must map google.subject.
 */
const DB = "projects/p/databases/apps";
const SA = "runner@p.iam.gserviceaccount.com";
const POOL = "projects/p/locations/global/workloadIdentityPools/ci";
const condition = { title: "db", expression: `resource.name == "${DB}"` };
const provider = githubProvider;
const repoGrant = { g: { project: "p", role: "roles/datastore.viewer", member: `principalSet://iam.googleapis.com/${POOL}/attribute.repository/contoso/app`, condition } };
const token = githubToken("contoso/app", "refs/heads/main", providerAudience("ci", "gh"));
const sim = (resource: object) => AccessSimulator.fromStackJson([JSON.stringify({ resource })]);
const read = (s: AccessSimulator, t: object = token) => s.explain({ token: t, database: DB, permission: "datastore.entities.get" });
const readAs = (s: AccessSimulator, member: string) => s.explain({ member, groups: [], database: DB, permission: "datastore.entities.get" });

describe("disabled pools and providers, in every form the configuration names them", () => {
  const pool = (disabled: unknown) => ({ google_iam_workload_identity_pool: { pool: { project: "p", workload_identity_pool_id: "ci", disabled } } });

  test("control: an enabled pool admits the token", () => {
    expect(read(sim({ ...pool(false), google_iam_workload_identity_pool_provider: { p: provider() }, google_project_iam_member: repoGrant })).decision).toBe(AccessDecision.ALLOWED);
  });

  test("a disabled pool the provider names by reference", () => {
    const s = sim({ ...pool(true), google_iam_workload_identity_pool_provider: { p: provider({ workload_identity_pool_id: "${google_iam_workload_identity_pool.pool.workload_identity_pool_id}" }) }, google_project_iam_member: repoGrant });
    const answer = read(s);
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.join("\n")).toContain("the provider or its pool is disabled");
  });

  test("a disabled pool the provider names by its literal id, disabled written as a string too", () => {
    for (const disabled of [true, "true"]) {
      const s = sim({ ...pool(disabled), google_iam_workload_identity_pool_provider: { p: provider() }, google_project_iam_member: repoGrant });
      expect(read(s).decision).toBe(AccessDecision.DENIED);
    }
    // Control: the same id disabled in another project is another pool.
    const elsewhere = sim({ google_iam_workload_identity_pool: { pool: { project: "q", workload_identity_pool_id: "ci", disabled: true } }, google_iam_workload_identity_pool_provider: { p: provider() }, google_project_iam_member: repoGrant });
    expect(read(elsewhere).decision).toBe(AccessDecision.ALLOWED);
  });

  test("a disabled provider", () => {
    expect(read(sim({ google_iam_workload_identity_pool_provider: { p: provider({ disabled: true }) }, google_project_iam_member: repoGrant })).decision).toBe(AccessDecision.DENIED);
  });

  test("a principal of a disabled pool asking in its own name holds nothing; control: enabled", () => {
    const subjectGrant = { g: { project: "p", role: "roles/datastore.viewer", member: `principal://iam.googleapis.com/${POOL}/subject/repo:contoso/app:ref:refs/heads/main`, condition } };
    const member = `principal://iam.googleapis.com/${POOL}/subject/repo:contoso/app:ref:refs/heads/main`;
    const off = readAs(sim({ ...pool(true), google_project_iam_member: subjectGrant }), member);
    expect(off.decision).toBe(AccessDecision.DENIED);
    expect(off.reasons.join("\n")).toContain("belongs to workload identity pool ci, which is disabled");
    expect(readAs(sim({ ...pool(false), google_project_iam_member: subjectGrant }), member).decision).toBe(AccessDecision.ALLOWED);
    // The same principal named by project number: the disabled pool may be its pool or another project's, so unknown.
    const byNumber = member.replace("projects/p/", "projects/123456789012/");
    const grantByNumber = { g: { ...subjectGrant.g, member: byNumber } };
    const maybe = readAs(sim({ ...pool(true), google_project_iam_member: grantByNumber }), byNumber);
    expect(maybe.decision).toBe(AccessDecision.UNKNOWN);
    expect(maybe.reasons.join("\n")).toContain("a pool ci is disabled");
    expect(readAs(sim({ ...pool(false), google_project_iam_member: grantByNumber }), byNumber).decision).toBe(AccessDecision.ALLOWED);
  });
});

describe("disabled service accounts, named by reference or literally", () => {
  const account = (disabled: boolean) => ({ google_service_account: { sa: { account_id: "runner", project: "p", disabled } } });
  const chain = (serviceAccountId: string, member: string) => ({
    google_service_account_iam_member: { i: { service_account_id: serviceAccountId, role: "roles/iam.serviceAccountTokenCreator", member: "user:u@x.example" } },
    google_project_iam_member: { g: { project: "p", role: "roles/datastore.viewer", member, condition } },
  });

  test.each([
    ["reference to name", "${google_service_account.sa.name}", "${google_service_account.sa.member}"],
    ["reference to id and email", "${google_service_account.sa.id}", "serviceAccount:${google_service_account.sa.email}"],
    ["literal", `projects/p/serviceAccounts/${SA}`, `serviceAccount:${SA}`],
  ])("%s: the account cannot be impersonated; control: enabled", (_, id, member) => {
    const off = readAs(sim({ ...account(true), ...chain(id, member) }), "user:u@x.example");
    expect(off.decision).toBe(AccessDecision.DENIED);
    expect(off.reasons.join("\n")).toContain(`could act as ${SA}, but the account is disabled`);
    expect(readAs(sim({ ...account(false), ...chain(id, member) }), "user:u@x.example").decision).toBe(AccessDecision.ALLOWED);
  });

  test("a disabled account asking in its own name: DENIED with the reason; control: enabled", () => {
    const grant = { google_project_iam_member: { g: { project: "p", role: "roles/datastore.viewer", member: "${google_service_account.sa.member}", condition } } };
    const off = readAs(sim({ ...account(true), ...grant }), `serviceAccount:${SA}`);
    expect(off.decision).toBe(AccessDecision.DENIED);
    expect(off.reasons.join("\n")).toContain(`serviceAccount:${SA} is disabled: a disabled service account cannot authenticate`);
    expect(readAs(sim({ ...account(false), ...grant }), `serviceAccount:${SA}`).decision).toBe(AccessDecision.ALLOWED);
  });
});

describe("the token exchange's own limits", () => {
  const s = sim({ google_iam_workload_identity_pool_provider: { p: provider() }, google_project_iam_member: repoGrant });

  test("google.subject: exactly 127 bytes admitted, 128 refused, counted in bytes (multi-byte characters)", () => {
    expect(read(s, { ...token, sub: "x".repeat(127) }).decision).toBe(AccessDecision.ALLOWED);
    expect(read(s, { ...token, sub: "x".repeat(128) }).reasons.join("\n")).toContain("google.subject is 128 bytes; Google accepts at most 127");
    // "é" is two bytes in UTF-8: 63 of them and one "a" are 127 bytes; 64 of them are 128 bytes in only 64 characters.
    expect(read(s, { ...token, sub: "é".repeat(63) + "a" }).decision).toBe(AccessDecision.ALLOWED);
    const multi = read(s, { ...token, sub: "é".repeat(64) });
    expect(multi.decision).toBe(AccessDecision.DENIED);
    expect(multi.reasons.join("\n")).toContain("google.subject is 128 bytes");
  });

  test("an empty google.subject is refused; control: any non-empty subject", () => {
    const empty = read(s, { ...token, sub: "" });
    expect(empty.decision).toBe(AccessDecision.DENIED);
    expect(empty.reasons.join("\n")).toContain("the mapping gives no google.subject");
    expect(read(s, { ...token, sub: "a" }).decision).toBe(AccessDecision.ALLOWED);
  });

  test("all mapped attributes together at most 8 KB", () => {
    const big = sim({
      google_iam_workload_identity_pool_provider: { p: provider({ attribute_mapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository", "attribute.note": "assertion.note" } }) },
      google_project_iam_member: repoGrant,
    });
    const fixed = Buffer.byteLength(String(token.sub)) + Buffer.byteLength("contoso/app");
    expect(read(big, { ...token, note: "n".repeat(8192 - fixed) }).decision).toBe(AccessDecision.ALLOWED);
    const over = read(big, { ...token, note: "n".repeat(8193 - fixed) });
    expect(over.decision).toBe(AccessDecision.DENIED);
    expect(over.reasons.join("\n")).toContain("the mapped attributes total 8193 bytes; Google accepts at most 8192 (8 KB)");
  });

  test("at most 50 custom attributes: a provider mapping 51 is never created", () => {
    const mapping = (n: number) => ({
      "google.subject": "assertion.sub",
      "attribute.repository": "assertion.repository",
      ...Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [`attribute.a${i}`, "assertion.sub"])),
    });
    const fifty = sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_mapping: mapping(50) }) }, google_project_iam_member: repoGrant });
    expect(read(fifty).decision).toBe(AccessDecision.ALLOWED);
    const fiftyOne = read(sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_mapping: mapping(51) }) }, google_project_iam_member: repoGrant }));
    expect(fiftyOne.decision).toBe(AccessDecision.DENIED);
    expect(fiftyOne.reasons.join("\n")).toContain("defines 51 custom attributes; Google accepts at most 50");
  });

  test("a google.subject mapping or a condition that errors refuses the token; control: the claim present", () => {
    const subjectFails = sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_mapping: { "google.subject": "assertion.missing", "attribute.repository": "assertion.repository" } }) }, google_project_iam_member: repoGrant });
    expect(read(subjectFails).decision).toBe(AccessDecision.DENIED);
    expect(read(subjectFails, { ...token, missing: "s" }).decision).toBe(AccessDecision.ALLOWED);
    const conditionFails = sim({ google_iam_workload_identity_pool_provider: { p: provider({ attribute_condition: 'assertion.missing == "x"' }) }, google_project_iam_member: repoGrant });
    const answer = read(conditionFails);
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.join("\n")).toContain("which Google treats as not true");
    expect(read(conditionFails, { ...token, missing: "x" }).decision).toBe(AccessDecision.ALLOWED);
  });
});
