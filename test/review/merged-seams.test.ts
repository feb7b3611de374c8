import { AccessDecision, AccessSimulator, EscalationMethod } from "../../src";

/**
 * Where issue 21's branches meet (escalations × deny policies × disabled accounts × GKE
 * member form × project-level requests). Each "cannot" has its control beside it.
 * Deny policies: https://cloud.google.com/iam/docs/deny-overview (deny before allow);
 * disabled accounts: https://cloud.google.com/iam/docs/service-accounts-disable-enable ;
 * GKE member form: https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity ;
 * Cloud Run deploy-as: https://cloud.google.com/run/docs/configuring/services/service-identity .
 */
const DB = "projects/acme-prod/databases/apps";
const CI = "user:ci@x.example";
const RUNTIME = "runtime@acme-prod.iam.gserviceaccount.com";
const PARENT = '${urlencode("cloudresourcemanager.googleapis.com/projects/acme-prod")}';
const condition = { title: "db", expression: `resource.name == "${DB}"` };

const deny = (principals: string[], permissions: string[]) => ({
  google_iam_deny_policy: { d: { parent: PARENT, name: "guard", rules: [{ description: "guard", deny_rule: { denied_principals: principals, denied_permissions: permissions } }] } },
});
const sim = (resource: object) => AccessSimulator.fromStackJson([JSON.stringify({ resource })]);

/** CI may deploy Cloud Run code and actAs the runtime account, which may write the database. */
function deployAs(extra: Record<string, object> = {}, disabled = false): object {
  return {
    google_service_account: { runtime: { project: "acme-prod", account_id: "runtime", disabled } },
    google_project_iam_member: {
      runtime: { project: "acme-prod", role: "roles/datastore.user", member: `serviceAccount:${RUNTIME}`, condition },
      run: { project: "acme-prod", role: "roles/run.developer", member: CI },
    },
    google_service_account_iam_member: {
      act: { service_account_id: `projects/acme-prod/serviceAccounts/${RUNTIME}`, role: "roles/iam.serviceAccountUser", member: CI },
    },
    ...extra,
  };
}
const write = (s: AccessSimulator) => s.explain({ member: CI, groups: [], database: DB, permission: "datastore.entities.update" });

describe("escalations meet deny policies", () => {
  test("control: CI reaches the database by deploying as the runtime account", () => {
    const a = write(sim(deployAs()));
    expect(a.decision).toBe(AccessDecision.DENIED);
    expect(a.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    expect(a.escalations[0].methods).toEqual([EscalationMethod.CLOUD_RUN]);
  });

  test("a deny on the escalated account's Firestore permission reaches the escalation answer", () => {
    const a = write(sim(deployAs(deny([`principal://iam.googleapis.com/projects/-/serviceAccounts/${RUNTIME}`], ["datastore.googleapis.com/entities.update"]))));
    expect(a.decisionWithEscalations).toBe(AccessDecision.DENIED);
    expect(a.escalations).toEqual([]);
  });

  test("a deny on the step's own permission (actAs, run.services.*) closes the escalation; control: a deny on another principal", () => {
    for (const permissions of [["iam.googleapis.com/serviceAccounts.actAs"], ["run.googleapis.com/services.*", "run.googleapis.com/jobs.*"]]) {
      const denied = write(sim(deployAs(deny(["principal://goog/subject/ci@x.example"], permissions))));
      expect(denied.decisionWithEscalations).toBe(AccessDecision.DENIED);
      expect(denied.escalations).toEqual([]);
      const other = write(sim(deployAs(deny(["principal://goog/subject/someone@x.example"], permissions))));
      expect(other.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    }
  });
});

describe("escalations meet disabled accounts", () => {
  test("no escalation goes through a disabled account; control: the same account enabled", () => {
    expect(write(sim(deployAs({}, false))).decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    const off = write(sim(deployAs({}, true)));
    expect(off.escalations).toEqual([]);
    expect(off.decisionWithEscalations).toBe(AccessDecision.DENIED);
  });

  test("nor by project IAM policy or a key; control: enabled", () => {
    for (const role of ["roles/resourcemanager.projectIamAdmin", "roles/iam.serviceAccountKeyAdmin"]) {
      const resource = (disabled: boolean) => ({
        google_service_account: { runtime: { project: "acme-prod", account_id: "runtime", disabled } },
        google_project_iam_member: {
          runtime: { project: "acme-prod", role: "roles/datastore.user", member: `serviceAccount:${RUNTIME}`, condition },
          holder: { project: "acme-prod", role, member: CI },
        },
      });
      const on = write(sim(resource(false)));
      expect(on.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
      const off = write(sim(resource(true)));
      // A project IAM admin can still grant itself the role outright (a policy move); a key admin has nothing left.
      if (role === "roles/iam.serviceAccountKeyAdmin") expect(off.decisionWithEscalations).toBe(AccessDecision.DENIED);
      expect(off.escalations.flatMap((e) => e.summary)).not.toContain(expect.stringContaining(RUNTIME));
    }
  });
});

describe("GKE member form meets container.pods.create", () => {
  const gke = (podsCreate: boolean, extra: Record<string, object> = {}) =>
    sim({
      google_project_iam_member: {
        app: { project: "acme-prod", role: "roles/datastore.user", member: "serviceAccount:acme-prod.svc.id.goog[app/app-ksa]", condition },
        ...(podsCreate ? { dev: { project: "acme-prod", role: "roles/container.developer", member: CI } } : {}),
      },
      ...extra,
    });

  test("creating pods in the project reaches what the member form grants; control: without pods.create", () => {
    const a = write(gke(true));
    expect(a.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    expect(a.escalations[0].methods).toEqual([EscalationMethod.GKE_WORKLOAD_IDENTITY]);
    expect(write(gke(false)).decisionWithEscalations).toBe(AccessDecision.DENIED);
  });

  test("a deny on one Kubernetes account does not deny the pods CI may run as another; a deny on the whole pool does", () => {
    const whole = write(gke(true, deny(["principalSet://iam.googleapis.com/projects/acme-prod/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/*"], ["datastore.googleapis.com/entities.update"])));
    expect(whole.decisionWithEscalations).toBe(AccessDecision.DENIED);
    // Allowed to app/app-ksa, denied to other/x: a pod running as app/app-ksa still writes.
    const other = write(gke(true, deny(["principal://iam.googleapis.com/projects/acme-prod/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/subject/ns/other/sa/x"], ["datastore.googleapis.com/entities.update"])));
    expect(other.decisionWithEscalations).not.toBe(AccessDecision.DENIED);
  });
});

describe("project-level requests meet escalations", () => {
  const resource = (admin: boolean) => ({
    google_project_iam_member: admin ? { admin: { project: "acme-prod", role: "roles/resourcemanager.projectIamAdmin", member: CI } } : { other: { project: "acme-prod", role: "roles/viewer", member: "user:v@x.example" } },
  });
  const list = (s: AccessSimulator) => s.explain({ member: CI, groups: [], project: "acme-prod", permission: "datastore.databases.list" });

  test("a project IAM admin can grant itself listing databases; control: nothing held", () => {
    const a = list(sim(resource(true)));
    expect(a.decision).toBe(AccessDecision.DENIED);
    expect(a.decisionWithEscalations).toBe(AccessDecision.ALLOWED);
    expect(a.escalations[0].methods).toEqual([EscalationMethod.PROJECT_IAM_POLICY]);
    const none = list(sim(resource(false)));
    expect(none.decisionWithEscalations).toBe(AccessDecision.DENIED);
    expect(none.escalations).toEqual([]);
  });
});

test("a project is judged by one rule, asked about alone or in a database name; control: a name no project has", () => {
  const s = sim({ google_project_iam_member: { l: { project: "p", role: "roles/datastore.viewer", member: CI } } });
  expect(s.explain({ member: CI, groups: [], database: "projects/p/databases/apps", permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
  expect(s.explain({ member: CI, groups: [], project: "p", permission: "datastore.databases.list" }).decision).toBe(AccessDecision.ALLOWED);
  expect(s.explain({ member: CI, groups: [], project: "projects/p", permission: "datastore.databases.list" }).decision).toBe(AccessDecision.ALLOWED);
  expect(() => s.explain({ member: CI, groups: [], project: "Projects/P", permission: "datastore.databases.list" })).toThrow(/invalid project "Projects\/P": must be "PROJECT_ID"/);
  expect(() => s.explain({ member: CI, groups: [], database: "projects/P/databases/apps", permission: "datastore.entities.get" })).toThrow(/invalid database/);
});
