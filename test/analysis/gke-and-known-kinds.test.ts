import { AccessDecision, AccessSimulator } from "../../src";
import { knownKindOf } from "../../src/analysis/known-kinds";
import { toAllowFederatedAccess } from "../../src/testing/federated-access-matcher";
import { gkeToken, githubToken, providerAudience } from "../fixtures/tokens";
import { githubProvider } from "../fixtures/providers";

const DB = "projects/acme-dev/databases/apps";
const condition = { title: "db", expression: `resource.name == "${DB}"` };
const grantTo = (member: string) => ({ google_project_iam_member: { g: { project: "acme-dev", role: "roles/datastore.viewer", member, condition } } });
/** The cluster project as the library's users name its number: a google_project data source, which the model reads as the project. */
const PROJECT = { google_project: { project: { project_id: "acme-dev" } } };
const sim = (resource: object) => AccessSimulator.fromStackJson([JSON.stringify({ data: PROJECT, resource })]);
const read = (s: AccessSimulator, who: { token?: object; member?: string }) => s.explain({ ...who, ...(who.member !== undefined ? { groups: [] } : {}), database: DB, permission: "datastore.entities.get" });

/**
 * GKE principal sets: one Kubernetes service account, a namespace ("all pods in the
 * namespace, regardless of service account or cluster"), a cluster, the whole project's pool
 * (https://cloud.google.com/iam/docs/principal-identifiers,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity). Members name the
 * pool's project by NUMBER (here `data.google_project.project.number`, as KubernetesPrincipal
 * users write it); the cluster token and GKE's member form `serviceAccount:PROJECT_ID.svc.id.goog[NS/KSA]`
 * by id. A number written by hand stays unknown until apply (test/gcp/federation-pins.test.ts).
 */
describe("GKE principal sets admit the cluster token and the member form", () => {
  const pool = "iam.googleapis.com/projects/${data.google_project.project.number}/locations/global/workloadIdentityPools/acme-dev.svc.id.goog";
  const token = gkeToken("acme-dev", "europe-west1", "orders-1", "orders", "api");
  const member = "serviceAccount:acme-dev.svc.id.goog[orders/api]";

  test("namespace set: both admitted; another namespace: both denied", () => {
    const s = sim(grantTo(`principalSet://${pool}/namespace/orders`));
    expect(read(s, { token }).decision).toBe(AccessDecision.ALLOWED);
    expect(read(s, { member }).decision).toBe(AccessDecision.ALLOWED);
    const other = sim(grantTo(`principalSet://${pool}/namespace/billing`));
    expect(read(other, { token }).decision).toBe(AccessDecision.DENIED);
    expect(read(other, { member }).decision).toBe(AccessDecision.DENIED);
  });

  test("one Kubernetes service account: both admitted; control: another account denied", () => {
    const s = sim(grantTo(`principal://${pool}/subject/ns/orders/sa/api`));
    expect(read(s, { token }).decision).toBe(AccessDecision.ALLOWED);
    expect(read(s, { member }).decision).toBe(AccessDecision.ALLOWED);
    expect(read(s, { member: "serviceAccount:acme-dev.svc.id.goog[orders/worker]" }).decision).toBe(AccessDecision.DENIED);
  });

  test("cluster set: the cluster's token admitted, another cluster's denied; the member form names no cluster, so unknown", () => {
    const s = sim(grantTo(`principalSet://${pool}/kubernetes.cluster/https://container.googleapis.com/v1/projects/acme-dev/locations/europe-west1/clusters/orders-1`));
    expect(read(s, { token }).decision).toBe(AccessDecision.ALLOWED);
    expect(read(s, { token: gkeToken("acme-dev", "europe-west1", "orders-2", "orders", "api") }).decision).toBe(AccessDecision.DENIED);
    const byMember = read(s, { member });
    expect(byMember.decision).toBe(AccessDecision.UNKNOWN);
    expect(byMember.reasons.join("\n")).toContain("depends on kubernetes.cluster, which the token maps");
  });

  test("whole project (the pool's *): both admitted; another project's pool: both denied", () => {
    expect(read(sim(grantTo(`principalSet://${pool}/*`)), { token }).decision).toBe(AccessDecision.ALLOWED);
    expect(read(sim(grantTo(`principalSet://${pool}/*`)), { member }).decision).toBe(AccessDecision.ALLOWED);
    const other = `principalSet://iam.googleapis.com/projects/999999999999/locations/global/workloadIdentityPools/acme-prod.svc.id.goog/*`;
    expect(read(sim(grantTo(other)), { token }).decision).toBe(AccessDecision.DENIED);
    expect(read(sim(grantTo(other)), { member }).decision).toBe(AccessDecision.DENIED);
  });
});

/**
 * Values whose kind is known without their value: a sink's writer_identity is a Google
 * service agent (hashicorp/google logging_project_sink: "The identity associated with this
 * sink"; https://cloud.google.com/iam/docs/service-agents), never a workload identity or one
 * of the stack's own accounts; an Entra object id is a GUID.
 */
describe("references of a known kind", () => {
  const sink = { google_logging_project_sink: { audit: { name: "audit", project: "acme-dev", destination: "storage.googleapis.com/audit-bucket", unique_writer_identity: true } } };
  const writer = "${google_logging_project_sink.audit.writer_identity}";

  test("the table knows the references the library emits and their siblings; other references are unknown", () => {
    expect(knownKindOf(writer)).toBe("service-agent");
    expect(knownKindOf("serviceAccount:${google_project_service_identity.fs.email}")).toBe("service-agent");
    expect(knownKindOf("${data.google_storage_project_service_account.gcs.email_address}")).toBe("service-agent");
    expect(knownKindOf("${azuread_service_principal.api_App_ServicePrincipal.object_id}")).toBe("guid");
    expect(knownKindOf("${google_service_account.sa.email}")).toBeUndefined();
    expect(knownKindOf("${var.member}")).toBeUndefined();
  });

  test("a binding to a sink's writer identity does not make a token's, a user's or the stack's account's answer unknown", () => {
    const s = sim({ ...sink, ...grantTo(writer) });
    const token = gkeToken("acme-dev", "europe-west1", "orders-1", "orders", "api");
    expect(read(s, { token }).decision).toBe(AccessDecision.DENIED);
    expect(read(s, { member: "user:ann@acme.example" }).decision).toBe(AccessDecision.DENIED);
    expect(read(s, { member: "serviceAccount:runner@acme-dev.iam.gserviceaccount.com" }).decision).toBe(AccessDecision.DENIED);
    // A service agent asking may be the writer: unknown, never a guessed no.
    expect(read(s, { member: "serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com" }).decision).toBe(AccessDecision.UNKNOWN);
    // Control: a reference of unknown kind still makes the answer unknown.
    expect(read(sim(grantTo("${var.member}")), { token }).decision).toBe(AccessDecision.UNKNOWN);
  });

  test("serviceAccount:${…email} of a service identity is judged by kind; of an account whose email only apply knows, unknown to any account", () => {
    const agent = sim(grantTo("serviceAccount:${google_project_service_identity.fs.email}"));
    expect(read(agent, { member: "user:ann@acme.example" }).decision).toBe(AccessDecision.DENIED);
    expect(read(agent, { member: "serviceAccount:runner@acme-dev.iam.gserviceaccount.com" }).decision).toBe(AccessDecision.DENIED);
    expect(read(agent, { member: "serviceAccount:service-123456789012@gcp-sa-firestore.iam.gserviceaccount.com" }).decision).toBe(AccessDecision.UNKNOWN);
    const unnamed = sim({ google_service_account: { sa: { account_id: "${var.name}", project: "acme-dev" } }, ...grantTo("serviceAccount:${google_service_account.sa.email}") });
    const answer = read(unnamed, { member: "serviceAccount:runner@acme-dev.iam.gserviceaccount.com" });
    expect(answer.decision).toBe(AccessDecision.UNKNOWN);
    expect(answer.reasons.join("\n")).toContain("is a reference Terraform fills in");
    // The prefix alone rules out who it cannot name: a user, a workload identity.
    expect(read(unnamed, { member: "user:ann@acme.example" }).decision).toBe(AccessDecision.DENIED);
    expect(read(unnamed, { token: gkeToken("acme-dev", "europe-west1", "orders-1", "orders", "api") }).decision).toBe(AccessDecision.DENIED);
  });

  test("toAllowFederatedAccess: a stack whose sink writer is granted on its bucket no longer throws 'cannot tell offline'", () => {
    const stack = JSON.stringify({
      resource: {
        ...sink,
        google_iam_workload_identity_pool_provider: { p: githubProvider({ project: "acme-dev" }) },
        google_storage_bucket_iam_member: { w: { bucket: "audit-bucket", role: "roles/storage.objectCreator", member: writer } },
      },
    });
    const token = githubToken("contoso/app", "refs/heads/main", providerAudience("ci", "gh"));
    expect(toAllowFederatedAccess(stack, { token }).pass).toBe(false);
    // Control: a member of unknown kind on the same bucket still cannot be judged.
    expect(() => toAllowFederatedAccess(stack.replace(writer, "${var.member}"), { token })).toThrow("cannot tell offline whether the identity is bound");
  });

  test("an attribute set compared with an Entra object id: a claim that is not a GUID never matches; a GUID may", () => {
    const tenant = "00000000-0000-4000-8000-000000000001";
    const s = sim({
      google_iam_workload_identity_pool_provider: {
        p: {
          project: "acme-dev",
          workload_identity_pool_id: "azure",
          workload_identity_pool_provider_id: "entra",
          attribute_mapping: { "google.subject": "assertion.sub", "attribute.oid": "assertion.oid" },
          attribute_condition: `assertion.tid == "${tenant}"`,
          oidc: { issuer_uri: `https://login.microsoftonline.com/${tenant}/v2.0`, allowed_audiences: ["api://orders"] },
        },
      },
      ...grantTo("principalSet://iam.googleapis.com/projects/acme-dev/locations/global/workloadIdentityPools/azure/attribute.oid/${azuread_service_principal.app.object_id}"),
    });
    const entra = (oid: string) => ({ iss: `https://login.microsoftonline.com/${tenant}/v2.0`, aud: "api://orders", sub: oid, oid, tid: tenant });
    expect(read(s, { token: entra("not-a-guid") }).decision).toBe(AccessDecision.DENIED);
    const guid = read(s, { token: entra("00000000-0000-4000-8000-0000000000d1") });
    expect(guid.decision).toBe(AccessDecision.UNKNOWN);
    expect(guid.reasons.join("\n")).toContain("which Terraform fills in");
  });
});
