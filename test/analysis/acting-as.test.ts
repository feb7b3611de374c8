import { AccessDecision, AccessSimulator } from "../../src";
import { noBroadImpersonation } from "../../src/guardrails/rules/no-broad-impersonation";
import { ACTING_AS_ACCOUNT, ACT_AS_PERMISSIONS } from "../../src/analysis/role-permissions";
import { StackModel } from "../../src/analysis/terraform-json";
import { FindingStatus } from "../../src/guardrails/rule";

/**
 * Every documented way to act as a service account
 * (https://cloud.google.com/iam/docs/service-account-permissions; the IAM Service Account
 * Credentials API, https://cloud.google.com/iam/docs/reference/credentials/rest, names the
 * permission each method requires; delegation chains:
 * https://cloud.google.com/iam/docs/create-short-lived-credentials-delegated).
 */
const DB = "projects/p/databases/apps";
const email = (name: string, project = "p") => `${name}@${project}.iam.gserviceaccount.com`;
const onAccount = (target: string, role: string, member: string) => ({ service_account_id: `projects/${target.split("@")[1].split(".")[0]}/serviceAccounts/${target}`, role, member });
const reader = (account: string, project = "p") => ({
  project,
  role: "roles/datastore.viewer",
  member: `serviceAccount:${account}`,
  condition: { title: "db", expression: `resource.name == "projects/${project}/databases/apps"` },
});
/** A custom role holding exactly these permissions, declared in project p. */
const customRole = (id: string, permissions: string[]) => ({ project: "p", role_id: id, title: id, permissions });
const sim = (resource: object) => AccessSimulator.fromStackJson([JSON.stringify({ resource })]);
const read = (s: AccessSimulator, member = "user:u@x.example", database = DB) => s.explain({ member, groups: [], database, permission: "datastore.entities.get" });

describe("ways to act as a service account", () => {
  const target = email("runner");
  /** The user holds `role` on the account, which reads the database. */
  const holding = (role: string, extra: object = {}) =>
    sim({ ...extra, google_service_account_iam_member: { i: onAccount(target, role, "user:u@x.example") }, google_project_iam_member: { g: reader(target) } });
  const withRole = (permissions: string[]) => holding("projects/p/roles/acting", { google_project_iam_custom_role: { r: customRole("acting", permissions) } });

  test("getAccessToken: ALLOWED, the step names generateAccessToken and the permission", () => {
    const answer = read(withRole(["iam.serviceAccounts.getAccessToken"]));
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps[0].description).toContain("acts as runner@p.iam.gserviceaccount.com: mints an access token with generateAccessToken, by iam.serviceAccounts.getAccessToken in projects/p/roles/acting");
  });

  test("signJwt alone: a self-signed JWT is exchanged for an access token, so ALLOWED", () => {
    const answer = read(withRole(["iam.serviceAccounts.signJwt"]));
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps[0].description).toContain("signs a JWT as the account with signJwt and exchanges it for an access token, by iam.serviceAccounts.signJwt");
  });

  test("signBlob alone: a signature over a self-built JWT, exchanged the same way, so ALLOWED (role-permissions.ts says why)", () => {
    const answer = read(withRole(["iam.serviceAccounts.signBlob"]));
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps[0].description).toContain("iam.serviceAccounts.signBlob");
  });

  test("getOpenIdToken alone: DENIED, the reason names ID tokens; control: getAccessToken ALLOWED", () => {
    const answer = read(holding("roles/iam.serviceAccountOpenIdTokenCreator"));
    expect(answer.decision).toBe(AccessDecision.DENIED);
    expect(answer.reasons.join("\n")).toContain("mints ID tokens only (iam.serviceAccounts.getOpenIdToken); Firestore accepts access tokens, not ID tokens");
    expect(read(withRole(["iam.serviceAccounts.getOpenIdToken"])).decision).toBe(AccessDecision.DENIED);
    expect(read(withRole(["iam.serviceAccounts.getOpenIdToken", "iam.serviceAccounts.getAccessToken"])).decision).toBe(AccessDecision.ALLOWED);
  });

  test("actAs alone does not mint a token: DENIED in the direct answer (deploying as the account is an escalation, not a token)", () => {
    expect(read(withRole(["iam.serviceAccounts.actAs"])).decision).toBe(AccessDecision.DENIED);
  });

  test("a custom role declared elsewhere on the account may act as it: UNKNOWN, never DENIED", () => {
    const answer = read(holding("projects/p/roles/elsewhere"));
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons.join("\n")).toContain("custom role projects/p/roles/elsewhere is not declared in these stacks, so it may let the member act as the account");
  });
});

describe("implicitDelegation chains (the delegates of generateAccessToken)", () => {
  const [b, b2, c] = [email("b"), email("b2", "q"), email("c", "r")];
  const delegation = (role = "projects/p/roles/delegate") => ({
    google_project_iam_custom_role: { d: customRole("delegate", ["iam.serviceAccounts.implicitDelegation"]), t: customRole("token", ["iam.serviceAccounts.getAccessToken"]) },
    google_service_account_iam_member: {
      ub: onAccount(b, role, "user:u@x.example"),
      bc: onAccount(c, "projects/p/roles/token", `serviceAccount:${b}`),
    },
  });

  test("A with implicitDelegation on B, B with getAccessToken on C: A gets C's token; each step names its permission", () => {
    const s = sim({ ...delegation(), google_project_iam_member: { g: reader(c, "r") } });
    const answer = read(s, "user:u@x.example", "projects/r/databases/apps");
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    const steps = answer.chains[0].steps.map((x) => x.description);
    expect(steps[0]).toContain(`may name ${b}: names the account among the delegates of generateAccessToken, by iam.serviceAccounts.implicitDelegation`);
    expect(steps[0]).toContain("iam.serviceAccounts.implicitDelegation");
    expect(steps[1]).toContain(`acts as ${c}: mints an access token with generateAccessToken, by iam.serviceAccounts.getAccessToken`);
    expect(steps[1]).toContain("iam.serviceAccounts.getAccessToken");
  });

  test("a delegate lends its permissions on other accounts, never its own grants: B's grant is not A's", () => {
    const s = sim({ ...delegation(), google_project_iam_member: { g: reader(b) } });
    expect(read(s).decision).toBe(AccessDecision.DENIED);
    // Control: the same grant reached by getAccessToken on B.
    const direct = sim({ ...delegation("projects/p/roles/token"), google_project_iam_member: { g: reader(b) } });
    expect(read(direct).decision).toBe(AccessDecision.ALLOWED);
  });

  test("any depth and across projects: A →(delegation) B →(delegation) B2 in q →(getAccessToken) C in r", () => {
    const s = sim({
      google_project_iam_custom_role: { d: customRole("delegate", ["iam.serviceAccounts.implicitDelegation"]), t: customRole("token", ["iam.serviceAccounts.getAccessToken"]) },
      google_service_account_iam_member: {
        ub: onAccount(b, "projects/p/roles/delegate", "user:u@x.example"),
        bb2: onAccount(b2, "projects/p/roles/delegate", `serviceAccount:${b}`),
        b2c: onAccount(c, "projects/p/roles/token", `serviceAccount:${b2}`),
      },
      google_project_iam_member: { g: reader(c, "r") },
    });
    const answer = read(s, "user:u@x.example", "projects/r/databases/apps");
    expect(answer.decision).toBe(AccessDecision.ALLOWED);
    expect(answer.chains[0].steps.map((x) => x.kind)).toEqual(["impersonation", "impersonation", "impersonation", "grant"]);
    // Control: without the middle link the chain breaks.
    const broken = sim({
      google_project_iam_custom_role: { d: customRole("delegate", ["iam.serviceAccounts.implicitDelegation"]), t: customRole("token", ["iam.serviceAccounts.getAccessToken"]) },
      google_service_account_iam_member: { ub: onAccount(b, "projects/p/roles/delegate", "user:u@x.example"), b2c: onAccount(c, "projects/p/roles/token", `serviceAccount:${b2}`) },
      google_project_iam_member: { g: reader(c, "r") },
    });
    expect(read(broken, "user:u@x.example", "projects/r/databases/apps").decision).toBe(AccessDecision.DENIED);
  });
});

test("an uncertain way to act as C is kept beside a definite delegation through C: the delegate holds none of C's grants", () => {
  const [b, c] = [email("b"), email("c")];
  const s = sim({
    google_project_iam_custom_role: { d: customRole("delegate", ["iam.serviceAccounts.implicitDelegation"]) },
    google_service_account_iam_member: {
      // A tag condition this engine cannot evaluate: A may or may not mint C's token.
      uc: { ...onAccount(c, "roles/iam.serviceAccountTokenCreator", "user:u@x.example"), condition: { title: "t", expression: "resource.matchTag('123/env', 'dev')" } },
      ub: onAccount(b, "roles/iam.serviceAccountTokenCreator", "user:u@x.example"),
      bc: onAccount(c, "projects/p/roles/delegate", `serviceAccount:${b}`),
    },
    google_project_iam_member: { g: reader(c) },
  });
  const answer = read(s);
  expect(answer.decision).toBe(AccessDecision.UNKNOWN);
  expect(answer.reasons.join("\n")).toContain("unbound function: matchTag");
});

describe("one table: the simulator and FSI-IAM-003 agree on what acts as an account", () => {
  const flagged = (permission: string) => {
    const stack = new StackModel("s", {
      resource: {
        google_project_iam_custom_role: { r: customRole("one", [permission]) },
        google_project_iam_member: { g: { project: "p", role: "projects/p/roles/one", member: "user:u@x.example" } },
      },
    });
    return noBroadImpersonation.evaluate(stack).some((r) => r.status === FindingStatus.NON_COMPLIANT);
  };
  const followed = (permission: string) => {
    const target = email("runner");
    const s = sim({
      google_project_iam_custom_role: { r: customRole("one", [permission]) },
      google_service_account_iam_member: { i: onAccount(target, "projects/p/roles/one", "user:u@x.example") },
      google_project_iam_member: { g: reader(target) },
    });
    const answer = read(s);
    // Delegation alone reaches no account's grants, but the simulator still takes the hop (see the chain tests).
    return answer.decision === AccessDecision.ALLOWED || answer.reasons.some((r) => r.includes(permission));
  };

  test.each(ACTING_AS_ACCOUNT.map((p) => [p.permission, p.kind]))("%s (%s): flagged by FSI-IAM-003 above the account", (permission) => {
    expect(flagged(permission)).toBe(true);
  });

  test("FSI-IAM-003 flags exactly the table, and every permission the simulator follows to an access token is in it", () => {
    expect([...ACT_AS_PERMISSIONS].sort()).toEqual(ACTING_AS_ACCOUNT.map((p) => p.permission).sort());
    for (const p of ACTING_AS_ACCOUNT) expect(followed(p.permission)).toBe(p.mintsAccessToken || p.kind === "id-token");
    // Control: a service account permission outside the table neither flags nor acts.
    expect(flagged("iam.serviceAccounts.get")).toBe(false);
    expect(followed("iam.serviceAccounts.get")).toBe(false);
  });
});
