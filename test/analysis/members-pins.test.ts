/**
 * IAM member strings as every reader of the model parses them.
 * Principal identifiers: https://cloud.google.com/iam/docs/principal-identifiers
 * Deleted principals (`deleted:…?uid=…`) match no one: https://cloud.google.com/iam/docs/policies#handle-deleted-principals
 */
import {
  describeFederatedMatch,
  parseMember,
  projectOfServiceAccount,
  serviceAccountEmailFromId,
  serviceAccountEmailOf,
} from "../../src/analysis/members";

const POOL = "projects/123456789012/locations/global/workloadIdentityPools/ci";
const pool = { project: "123456789012", poolId: "ci" };

describe("parseMember", () => {
  test("Google accounts, groups and domains, compared in lower case; the raw text is kept", () => {
    expect(parseMember("user:Alice@Example.com")).toEqual({ kind: "google", type: "user", value: "alice@example.com", raw: "user:Alice@Example.com" });
    expect(parseMember("group:ops@example.com")).toMatchObject({ kind: "google", type: "group", value: "ops@example.com" });
    expect(parseMember("serviceAccount:Runner@p-1.iam.gserviceaccount.com")).toMatchObject({ kind: "google", type: "serviceAccount", value: "runner@p-1.iam.gserviceaccount.com" });
    expect(parseMember("domain:example.com")).toMatchObject({ kind: "google", type: "domain", value: "example.com" });
  });

  test("the public: allUsers, allAuthenticatedUsers and principalSet://goog/public:all", () => {
    for (const raw of ["allUsers", "allAuthenticatedUsers", "principalSet://goog/public:all"]) expect(parseMember(raw)).toEqual({ kind: "public", raw });
  });

  test("a deleted principal matches no one, whatever it was", () => {
    for (const raw of ["deleted:user:alice@example.com?uid=123456789012345678901", "deleted:serviceAccount:sa@p-1.iam.gserviceaccount.com?uid=1", "deleted:allUsers"]) {
      expect(parseMember(raw)).toEqual({ kind: "other", raw });
    }
  });

  test("a pool's principal: subject, with slashes in the subject kept", () => {
    expect(parseMember(`principal://iam.googleapis.com/${POOL}/subject/repo:acme/app:ref:refs/heads/main`)).toEqual({
      kind: "federated",
      raw: `principal://iam.googleapis.com/${POOL}/subject/repo:acme/app:ref:refs/heads/main`,
      pool,
      key: "subject",
      value: "repo:acme/app:ref:refs/heads/main",
      principalSet: false,
    });
  });

  test("a pool's principal sets: group, attribute, every identity (/*)", () => {
    expect(parseMember(`principalSet://iam.googleapis.com/${POOL}/group/admins`)).toMatchObject({ kind: "federated", pool, key: "group", value: "admins", principalSet: true });
    expect(parseMember(`principalSet://iam.googleapis.com/${POOL}/attribute.repository/acme/app`)).toMatchObject({
      kind: "federated",
      pool,
      key: "attribute.repository",
      value: "acme/app",
      principalSet: true,
    });
    expect(parseMember(`principalSet://iam.googleapis.com/${POOL}/*`)).toEqual({ kind: "federated", raw: `principalSet://iam.googleapis.com/${POOL}/*`, pool, key: "*", value: "*", principalSet: true });
  });

  test("GKE's principal sets: namespace and cluster of the project's pool", () => {
    const gkePool = "projects/123456789012/locations/global/workloadIdentityPools/p-1.svc.id.goog";
    const cluster = "https://container.googleapis.com/v1/projects/p-1/locations/europe-west1/clusters/apps";
    expect(parseMember(`principalSet://iam.googleapis.com/${gkePool}/namespace/payments`)).toMatchObject({
      kind: "federated",
      pool: { project: "123456789012", poolId: "p-1.svc.id.goog" },
      key: "namespace",
      value: "payments",
    });
    expect(parseMember(`principalSet://iam.googleapis.com/${gkePool}/kubernetes.cluster/${cluster}`)).toMatchObject({ key: "kubernetes.cluster", value: cluster });
  });

  test("GKE's service account form names the principal ns/NS/sa/KSA of PROJECT.svc.id.goog", () => {
    expect(parseMember("serviceAccount:p-1.svc.id.goog[payments/api]")).toEqual({
      kind: "federated",
      raw: "serviceAccount:p-1.svc.id.goog[payments/api]",
      pool: { project: "p-1", poolId: "p-1.svc.id.goog" },
      key: "subject",
      value: "ns/payments/sa/api",
      principalSet: false,
    });
  });

  test("near misses of those forms are not read as them", () => {
    // An email is a Google service account, not a Kubernetes one.
    expect(parseMember("serviceAccount:sa@p-1.svc.id.goog[payments/api]")).toMatchObject({ kind: "google", type: "serviceAccount" });
    for (const raw of [
      "serviceAccount:p-1.svc.id.goog[payments/api]x",
      "user:serviceAccount:p-1.svc.id.goog[payments/api]",
      "serviceAccount:p 1.svc.id.goog[payments/api]",
      "serviceAccount:p-1.svc.id.goog[payments/]",
      "serviceAccount:p-1.svc.id.goog[/api]",
    ]) {
      expect({ raw, kind: parseMember(raw).kind }).toEqual({ raw, kind: "google" });
    }
    for (const raw of [
      `principalSet://iam.googleapis.com/${POOL}`,
      `principal://iam.googleapis.com/${POOL}/subject`,
      `principal://iam.googleapis.com/${POOL}//x`,
      `principal://iam.googleapis.com/projects/123456789012/locations/europe-west1/workloadIdentityPools/ci/subject/s`,
      `x-principal://iam.googleapis.com/${POOL}/subject/s`,
      "principal://goog/subject/alice@example.com",
      "projectOwner:p-1",
      "user",
      "xuser:alice@example.com",
      "allUsers ",
    ]) {
      expect({ raw, kind: parseMember(raw).kind }).toEqual({ raw, kind: "other" });
    }
  });
});

describe("service account emails", () => {
  test("serviceAccountEmailOf: the email of a serviceAccount member, lower case, else nothing", () => {
    expect(serviceAccountEmailOf("serviceAccount:Runner@p-1.iam.gserviceaccount.com")).toBe("runner@p-1.iam.gserviceaccount.com");
    expect(serviceAccountEmailOf("user:runner@p-1.iam.gserviceaccount.com")).toBeUndefined();
    expect(serviceAccountEmailOf("serviceAccount:p-1.svc.id.goog[payments/api]")).toBeUndefined();
  });

  test("projectOfServiceAccount: the project of a user-managed account only", () => {
    expect(projectOfServiceAccount("runner@p-1.iam.gserviceaccount.com")).toBe("p-1");
    // Google-managed and default accounts do not name a project id.
    expect(projectOfServiceAccount("p-1@appspot.gserviceaccount.com")).toBeUndefined();
    expect(projectOfServiceAccount("123456789012-compute@developer.gserviceaccount.com")).toBeUndefined();
    expect(projectOfServiceAccount("runner@p-1.iam.gserviceaccount.com.example")).toBeUndefined();
    expect(projectOfServiceAccount("runner@a.p-1.iam.gserviceaccount.com")).toBeUndefined();
  });

  test("serviceAccountEmailFromId: a service_account_id in either form, lower case", () => {
    expect(serviceAccountEmailFromId("projects/p-1/serviceAccounts/Runner@p-1.iam.gserviceaccount.com")).toBe("runner@p-1.iam.gserviceaccount.com");
    expect(serviceAccountEmailFromId("projects/-/serviceAccounts/runner@p-1.iam.gserviceaccount.com")).toBe("runner@p-1.iam.gserviceaccount.com");
    expect(serviceAccountEmailFromId("Runner@p-1.iam.gserviceaccount.com")).toBe("runner@p-1.iam.gserviceaccount.com");
    expect(serviceAccountEmailFromId("x/projects/p-1/serviceAccounts/runner@p-1.iam.gserviceaccount.com")).toBe("x/projects/p-1/serviceaccounts/runner@p-1.iam.gserviceaccount.com");
  });
});

test("describeFederatedMatch names what a federated member requires", () => {
  expect(describeFederatedMatch("*", "*")).toBe("any identity in the pool");
  expect(describeFederatedMatch("subject", "repo:acme/app")).toBe("subject repo:acme/app");
  expect(describeFederatedMatch("group", "admins")).toBe("group admins");
  expect(describeFederatedMatch("attribute.repository", "acme/app")).toBe("attribute.repository = acme/app");
});
