import { celParses } from "../../src/guardrails/rules/cel-parses";
import { celValuesQuoted } from "../../src/guardrails/rules/cel-values-quoted";
import { entraAssignmentRequired } from "../../src/guardrails/rules/entra-assignment-required";
import { entraNoImplicitGrant } from "../../src/guardrails/rules/entra-no-implicit-grant";
import { entraSecretRotation } from "../../src/guardrails/rules/entra-secret-rotation";
import { federationAuditLogging } from "../../src/guardrails/rules/federation-audit-logging";
import { firestoreAuditLogging } from "../../src/guardrails/rules/firestore-audit-logging";
import { firestoreDatabaseCondition } from "../../src/guardrails/rules/firestore-database-condition";
import { noBasicRoles } from "../../src/guardrails/rules/no-basic-roles";
import { noBroadImpersonation } from "../../src/guardrails/rules/no-broad-impersonation";
import { noPlaintextSecrets } from "../../src/guardrails/rules/no-plaintext-secrets";
import { noServiceAccountKeys } from "../../src/guardrails/rules/no-service-account-keys";
import { noWholePoolPrincipalSet } from "../../src/guardrails/rules/no-whole-pool-principal-set";
import { providerHasCondition } from "../../src/guardrails/rules/provider-has-condition";
import { sharedIssuerPinned } from "../../src/guardrails/rules/shared-issuer-pinned";
import { sharedIssuerPinnedById } from "../../src/guardrails/rules/shared-issuer-pinned-by-id";
import { sinkBucketPublicAccess } from "../../src/guardrails/rules/sink-bucket-public-access";
import { sinkBucketRetention } from "../../src/guardrails/rules/sink-bucket-retention";
import { sinkWriterGranted } from "../../src/guardrails/rules/sink-writer-granted";
import { C, DB_CONDITION, N, NA, model, verdicts, violations } from "./support";

const SA = "serviceAccount:app@acme-dev.iam.gserviceaccount.com";

describe("FSI-IAM-001 no basic roles", () => {
  test("predefined roles comply", () => {
    expect(verdicts(noBasicRoles, model({ google_project_iam_member: { ok: { project: "acme-dev", role: "roles/datastore.user", member: SA, condition: DB_CONDITION } } }))).toEqual({
      "google_project_iam_member.ok": C,
    });
  });

  test("owner/editor/viewer at project, folder, organization, on a policy data source", () => {
    const stack = model(
      {
        google_project_iam_member: { owner: { project: "acme-dev", role: "roles/owner", member: SA } },
        google_folder_iam_binding: { editor: { folder: "folders/1", role: "roles/editor", members: [SA] } },
        google_organization_iam_member: { viewer: { org_id: "1", role: "roles/viewer", member: SA } },
        google_storage_bucket_iam_policy: { p: { bucket: "b", policy_data: "${data.google_iam_policy.admin.policy_data}" } },
      },
      { data: { google_iam_policy: { admin: { binding: [{ role: "roles/editor", members: [SA] }] } } } },
    );
    expect(violations(noBasicRoles, stack)).toEqual([
      "google_folder_iam_binding.editor: google_folder_iam_binding grants basic role roles/editor",
      "google_organization_iam_member.viewer: google_organization_iam_member grants basic role roles/viewer",
      "google_project_iam_member.owner: google_project_iam_member grants basic role roles/owner",
      "google_storage_bucket_iam_policy.p: google_storage_bucket_iam_policy grants basic role roles/editor",
    ]);
  });

  test("a literal policy_data JSON is read too", () => {
    const policy = JSON.stringify({ bindings: [{ role: "roles/owner", members: [SA] }] });
    expect(violations(noBasicRoles, model({ google_project_iam_policy: { p: { project: "acme-dev", policy_data: policy } } }))).toHaveLength(1);
  });
});

describe("FSI-IAM-002 no service account keys", () => {
  test("no key: not applicable", () => {
    expect(verdicts(noServiceAccountKeys, model({ google_service_account: { sa: { account_id: "app" } } }))).toEqual({ "stack:app-dev": NA });
  });
  test("a key is a violation", () => {
    expect(verdicts(noServiceAccountKeys, model({ google_service_account_key: { k: { service_account_id: "x" } } }))).toEqual({ "google_service_account_key.k": N });
  });
});

describe("FSI-IAM-003 no project-level impersonation roles", () => {
  test("on the service account itself complies; other project roles comply", () => {
    const stack = model({
      google_service_account_iam_member: { wi: { service_account_id: "${google_service_account.sa.name}", role: "roles/iam.workloadIdentityUser", member: SA } },
      google_project_iam_member: { ok: { project: "acme-dev", role: "roles/datastore.user", member: SA, condition: DB_CONDITION } },
    });
    expect(verdicts(noBroadImpersonation, stack)).toEqual({ "google_project_iam_member.ok": C });
  });
  // Permissions from Google's predefined-role data (src/analysis/data/predefined-roles.ts).
  const ACT_AS: Record<string, string> = {
    "roles/iam.serviceAccountUser": "iam.serviceAccounts.actAs",
    "roles/iam.serviceAccountTokenCreator":
      "iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation, iam.serviceAccounts.signBlob, iam.serviceAccounts.signJwt",
    "roles/iam.workloadIdentityUser": "iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken",
  };
  test("Google's service agent roles, granted by Google to its own agents, are not flagged", () => {
    expect(violations(noBroadImpersonation, model({ google_project_iam_member: { x: { project: "p", role: "roles/aiplatform.serviceAgent", member: SA } } }))).toEqual([]);
  });
  test.each(Object.keys(ACT_AS))("%s at project level", (role) => {
    expect(violations(noBroadImpersonation, model({ google_project_iam_member: { x: { project: "p", role, member: SA } } }))).toEqual([
      `google_project_iam_member.x: ${role} (${ACT_AS[role]}) granted at project level`,
    ]);
  });
});

describe("FSI-WIF-001 provider has a condition", () => {
  test("with a condition", () => {
    const stack = model({ google_iam_workload_identity_pool_provider: { p: { attribute_condition: 'assertion.sub == "x"', oidc: { issuer_uri: "https://issuer" } } } });
    expect(verdicts(providerHasCondition, stack)).toEqual({ "google_iam_workload_identity_pool_provider.p": C });
  });
  test("missing or blank", () => {
    const stack = model({ google_iam_workload_identity_pool_provider: { a: { oidc: {} }, b: { attribute_condition: "  " } } });
    expect(verdicts(providerHasCondition, stack)).toEqual({ "google_iam_workload_identity_pool_provider.a": N, "google_iam_workload_identity_pool_provider.b": N });
  });
});

describe("FSI-WIF-002 shared issuers pin the organization", () => {
  const provider = (issuer: string, condition: string) => ({ attribute_condition: condition, oidc: [{ issuer_uri: issuer }] });
  test("Buildkite organization_slug and GitHub repository_owner(_id) pins comply", () => {
    const stack = model({
      google_iam_workload_identity_pool_provider: {
        bk: provider("https://agent.buildkite.com", 'assertion.organization_slug == "acme" && assertion.pipeline_slug in ["deploy"]'),
        gh: provider("https://token.actions.githubusercontent.com", 'assertion.repository_owner_id == "123"'),
        gh2: provider("https://token.actions.githubusercontent.com/", '"acme" == assertion.repository_owner'),
        other: provider("https://login.microsoftonline.com/t/v2.0", 'assertion.tid == "t"'),
      },
    });
    expect(verdicts(sharedIssuerPinned, stack)).toEqual({
      "google_iam_workload_identity_pool_provider.bk": C,
      "google_iam_workload_identity_pool_provider.gh": C,
      "google_iam_workload_identity_pool_provider.gh2": C,
    });
  });
  test("a condition that names only a pipeline or repository does not pin", () => {
    const stack = model({
      google_iam_workload_identity_pool_provider: {
        bk: provider("https://agent.buildkite.com", 'assertion.pipeline_slug == "deploy"'),
        gh: provider("https://token.actions.githubusercontent.com", 'assertion.repository == "acme/api"'),
      },
    });
    expect(violations(sharedIssuerPinned, stack)).toEqual([
      "google_iam_workload_identity_pool_provider.bk: Buildkite provider's attribute_condition does not compare organization_slug or organization_id",
      "google_iam_workload_identity_pool_provider.gh: GitHub Actions provider's attribute_condition does not compare repository_owner or repository_owner_id",
    ]);
  });
});

describe("FSI-WIF-004 shared issuers pin the organization by id", () => {
  const provider = (issuer: string, condition: string) => ({ attribute_condition: condition, oidc: [{ issuer_uri: issuer }] });
  test("organization_id and repository_owner_id comply; names alone warn, under an enterprise's own issuer too", () => {
    const stack = model({
      google_iam_workload_identity_pool_provider: {
        bkId: provider("https://agent.buildkite.com", 'assertion.organization_slug == "acme" && assertion.organization_id == "0184990a-477b-4fa8-9968-496074483c77"'),
        bkSlug: provider("https://agent.buildkite.com", 'assertion.organization_slug == "acme"'),
        ghId: provider("https://token.actions.githubusercontent.com", 'assertion.repository_owner == "acme" && assertion.repository_owner_id == "65"'),
        ghName: provider("https://token.actions.githubusercontent.com", 'assertion.repository_owner == "acme"'),
        enterprise: provider("https://token.actions.githubusercontent.com/acme-inc", 'assertion.repository_owner == "acme"'),
      },
    });
    expect(verdicts(sharedIssuerPinnedById, stack)).toEqual({
      "google_iam_workload_identity_pool_provider.bkId": C,
      "google_iam_workload_identity_pool_provider.bkSlug": N,
      "google_iam_workload_identity_pool_provider.ghId": C,
      "google_iam_workload_identity_pool_provider.ghName": N,
      "google_iam_workload_identity_pool_provider.enterprise": N,
    });
    expect(violations(sharedIssuerPinnedById, stack)[0]).toBe(
      "google_iam_workload_identity_pool_provider.bkSlug: Buildkite provider's attribute_condition names the organization but not its id (organization_id)",
    );
  });
});

describe("FSI-WIF-003 no principalSet for a whole pool", () => {
  test("attribute principalSets and subjects comply", () => {
    const stack = model({
      google_service_account_iam_member: {
        a: { role: "roles/iam.workloadIdentityUser", member: "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.p.name}/attribute.pipeline/acme/deploy" },
        b: { role: "roles/iam.workloadIdentityUser", member: "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/x" },
      },
    });
    expect(Object.values(verdicts(noWholePoolPrincipalSet, stack))).toEqual([C, C]);
  });
  test("POOL/* by reference or by name", () => {
    const stack = model({
      google_service_account_iam_member: { a: { role: "roles/iam.workloadIdentityUser", member: "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.p.name}/*" } },
      google_project_iam_binding: { b: { role: "roles/datastore.viewer", members: ["principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/*"] } },
    });
    expect(Object.values(verdicts(noWholePoolPrincipalSet, stack))).toEqual([N, N]);
  });
});

describe("FSI-LOG-005 the federation step is logged where it happens", () => {
  const provider = { project: "acme-ci", workload_identity_pool_id: "ci", workload_identity_pool_provider_id: "bk", attribute_condition: "true", oidc: [{ issuer_uri: "https://agent.buildkite.com" }] };
  const impersonation = {
    service_account_id: "projects/acme-dev/serviceAccounts/deployer@acme-dev.iam.gserviceaccount.com",
    role: "roles/iam.workloadIdentityUser",
    member: "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/attribute.pipeline/acme/deploy",
  };
  const audit = (project: string, service: string, exempted: string[] = []) => ({ project, service, audit_log_config: [{ log_type: "ADMIN_READ", exempted_members: exempted }] });
  const workload = model({ google_iam_workload_identity_pool_provider: { bk: provider }, google_service_account_iam_member: { imp: impersonation } }, {}, "ci-dev");

  test("exchanges are logged in the pool's project, impersonation in the account's, from any stack", () => {
    const platform = model({ google_project_iam_audit_config: { sts: audit("acme-ci", "sts.googleapis.com"), iam: audit("acme-dev", "iam.googleapis.com") } }, {}, "platform-dev");
    expect(verdicts(federationAuditLogging, workload, platform)).toEqual({
      "google_iam_workload_identity_pool_provider.bk": C,
      "google_service_account_iam_member.imp": C,
      "stack:platform-dev": NA,
    });
  });

  test("the database's project logging both does not cover a pool elsewhere; exemptions do not count; allServices does", () => {
    const wrongProject = model({ google_project_iam_audit_config: { sts: audit("acme-dev", "sts.googleapis.com"), iam: audit("acme-dev", "iam.googleapis.com", ["user:ops@acme.example"]) } }, {}, "platform-dev");
    expect(violations(federationAuditLogging, workload, wrongProject)).toEqual([
      expect.stringContaining("project acme-ci does not log token exchanges (ADMIN_READ on sts.googleapis.com)"),
      expect.stringContaining("project acme-dev does not log impersonation (ADMIN_READ on iam.googleapis.com)"),
    ]);
    const all = model({ google_project_iam_audit_config: { a: audit("acme-ci", "allServices"), b: audit("acme-dev", "allServices") } }, {}, "platform-dev");
    expect(violations(federationAuditLogging, workload, all)).toEqual([]);
  });
});

describe("FSI-FS-001 Firestore roles carry a database condition", () => {
  test("backup-only roles are exempt on a project, not on a folder or organization", () => {
    const stack = model({
      google_project_iam_member: { project: { project: "acme-dev", role: "roles/datastore.backupsAdmin", member: SA } },
      google_folder_iam_member: { folder: { folder: "folders/1", role: "roles/datastore.backupsAdmin", member: SA } },
      google_organization_iam_member: { org: { org_id: "1", role: "roles/datastore.backupsViewer", member: SA } },
    });
    expect(verdicts(firestoreDatabaseCondition, stack)).toEqual({
      "google_folder_iam_member.folder": N,
      "google_organization_iam_member.org": N,
    });
  });

  test("condition naming a database (literal or referenced) complies", () => {
    const stack = model({
      google_project_iam_member: {
        a: { project: "acme-dev", role: "roles/datastore.user", member: SA, condition: DB_CONDITION },
        b: { role: "roles/datastore.viewer", member: SA, condition: [{ title: "t", expression: 'resource.name == "projects/${var.p}/databases/${google_firestore_database.db.name}"' }] },
        c: { project: "acme-dev", role: "roles/logging.viewer", member: SA },
      },
    });
    expect(verdicts(firestoreDatabaseCondition, stack)).toEqual({ "google_project_iam_member.a": C, "google_project_iam_member.b": C });
  });
  test("no condition, or a condition without a database", () => {
    const stack = model({
      google_project_iam_member: {
        a: { project: "acme-dev", role: "roles/datastore.user", member: SA },
        b: { project: "acme-dev", role: "roles/datastore.owner", member: SA, condition: { title: "t", expression: "request.time < timestamp(\"2030-01-01T00:00:00Z\")" } },
      },
    });
    expect(violations(firestoreDatabaseCondition, stack)).toEqual([
      "google_project_iam_member.a: roles/datastore.user has no condition, so it reaches every database in the project",
      "google_project_iam_member.b: roles/datastore.owner has a condition that reaches beyond one database: it also admits projects/acme-dev/databases/(default)",
    ]);
  });
  test("a database condition with an escape hatch, a folder grant, or a custom Firestore role without condition", () => {
    const stack = model({
      google_project_iam_custom_role: { reader: { project: "acme-dev", role_id: "ordersReader", title: "r", permissions: ["datastore.entities.get"] } },
      google_project_iam_member: {
        a: { project: "acme-dev", role: "roles/datastore.user", member: SA, condition: { title: "t", expression: 'resource.name == "projects/acme-dev/databases/orders" || true' } },
        c: { project: "acme-dev", role: "${google_project_iam_custom_role.reader.name}", member: SA },
      },
      google_folder_iam_member: { f: { folder: "folders/1", role: "roles/datastore.viewer", member: SA } },
    });
    expect(violations(firestoreDatabaseCondition, stack)).toEqual([
      "google_folder_iam_member.f: roles/datastore.viewer has no condition, so it reaches every database in the folder",
      "google_project_iam_member.a: roles/datastore.user has a condition that reaches beyond one database: it also admits projects/acme-dev/databases/orders-probe",
      "google_project_iam_member.c: projects/acme-dev/roles/ordersReader has no condition, so it reaches every database in the project",
    ]);
  });
});

describe("FSI-LOG-001 audit logging across stacks", () => {
  const grants = model({ google_project_iam_member: { g: { project: "acme-dev", role: "roles/datastore.user", member: SA, condition: DB_CONDITION } } }, {}, "app-dev");
  const audit = (configs: any[], service = "datastore.googleapis.com") =>
    model({ google_project_iam_audit_config: { a: { project: "acme-dev", service, audit_log_config: configs } } }, {}, "platform-dev");

  test("a platform stack that logs DATA_READ and DATA_WRITE covers the app stack", () => {
    const platform = audit([{ log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }, { log_type: "ADMIN_READ" }]);
    expect(verdicts(firestoreAuditLogging, grants, platform)).toEqual({ "google_project_iam_member.g": C, "stack:platform-dev": NA });
    expect(verdicts(firestoreAuditLogging, grants, audit([{ log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }], "allServices"))["google_project_iam_member.g"]).toBe(C);
  });

  test("missing config, missing DATA_WRITE, exempted members, wrong service", () => {
    expect(violations(firestoreAuditLogging, grants)).toEqual([
      "google_project_iam_member.g: project acme-dev grants Firestore roles but no stack logs DATA_READ and DATA_WRITE for datastore.googleapis.com without exemptions",
    ]);
    expect(violations(firestoreAuditLogging, grants, audit([{ log_type: "DATA_READ" }]))).toHaveLength(1);
    expect(violations(firestoreAuditLogging, grants, audit([{ log_type: "DATA_READ" }, { log_type: "DATA_WRITE", exempted_members: [SA] }]))).toHaveLength(1);
    expect(violations(firestoreAuditLogging, grants, audit([{ log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }], "firestore.googleapis.com"))).toHaveLength(1);
  });
});

describe("FSI-LOG-002 sink writer identity granted on destination", () => {
  const sink = (destination: string) => ({ name: "audit", project: "acme-dev", destination, unique_writer_identity: true });
  const writer = "${google_logging_project_sink.s.writer_identity}";

  test("storage, BigQuery, Pub/Sub grants and a same-project log bucket comply", () => {
    const stack = model({
      google_logging_project_sink: {
        s: sink("storage.googleapis.com/${google_storage_bucket.b.name}"),
        bq: sink("bigquery.googleapis.com/projects/acme-dev/datasets/audit"),
        ps: sink("pubsub.googleapis.com/projects/acme-dev/topics/audit"),
        lb: sink("logging.googleapis.com/projects/acme-dev/locations/global/buckets/audit"),
      },
      google_storage_bucket: { b: { name: "acme-audit" } },
      google_storage_bucket_iam_member: { w: { bucket: "acme-audit", role: "roles/storage.objectCreator", member: writer } },
      google_bigquery_dataset_iam_member: { w: { dataset_id: "${google_bigquery_dataset.d.dataset_id}", role: "roles/bigquery.dataEditor", member: "${google_logging_project_sink.bq.writer_identity}" } },
      google_bigquery_dataset: { d: { dataset_id: "audit" } },
      google_pubsub_topic_iam_member: { w: { topic: "projects/acme-dev/topics/audit", role: "roles/pubsub.publisher", member: "${google_logging_project_sink.ps.writer_identity}" } },
    });
    expect(Object.values(verdicts(sinkWriterGranted, stack))).toEqual([C, C, C, C]);
  });

  test("no grant, or a grant on another bucket, or a log bucket in another project", () => {
    const stack = model({
      google_logging_project_sink: { s: sink("storage.googleapis.com/acme-audit"), lb: sink("logging.googleapis.com/projects/central/locations/global/buckets/audit") },
      google_storage_bucket_iam_member: { w: { bucket: "other-bucket", role: "roles/storage.objectCreator", member: writer } },
    });
    expect(violations(sinkWriterGranted, stack)).toEqual([
      "google_logging_project_sink.lb: writer_identity has no grant on its logging destination",
      "google_logging_project_sink.s: writer_identity has no grant on its storage destination (it is granted elsewhere)",
    ]);
  });
});

describe("FSI-LOG-003/004 sink buckets: retention (locked in prod) and public access prevention", () => {
  const stackWith = (bucket: any, name: string) =>
    model(
      {
        google_logging_project_sink: { s: { destination: "storage.googleapis.com/${google_storage_bucket.b.name}" } },
        google_storage_bucket: { b: { name: "acme-audit", ...bucket }, unrelated: { name: "assets" } },
      },
      {},
      name,
    );

  test("retention everywhere, locked in prod, enforced prevention comply", () => {
    const good = { retention_policy: { retention_period: 31536000, is_locked: true }, public_access_prevention: "enforced" };
    expect(verdicts(sinkBucketRetention, stackWith(good, "platform-prod"))).toEqual({ "google_storage_bucket.b": C });
    expect(verdicts(sinkBucketRetention, stackWith({ retention_policy: [{ retention_period: 86400 }] }, "platform-dev"))).toEqual({ "google_storage_bucket.b": C });
    expect(verdicts(sinkBucketPublicAccess, stackWith(good, "platform-prod"))).toEqual({ "google_storage_bucket.b": C });
  });

  test("no retention; unlocked in prod (by stack name or env label); prevention inherited", () => {
    expect(violations(sinkBucketRetention, stackWith({}, "platform-dev"))).toEqual(["google_storage_bucket.b: the sink's bucket has no retention_policy with a retention_period"]);
    const unlocked = { retention_policy: { retention_period: 86400 } };
    expect(violations(sinkBucketRetention, stackWith(unlocked, "platform-prod"))).toEqual(["google_storage_bucket.b: the prod sink bucket's retention_policy is not locked"]);
    expect(violations(sinkBucketRetention, stackWith({ ...unlocked, labels: { env: "prod" } }, "platform"))).toHaveLength(1);
    expect(violations(sinkBucketPublicAccess, stackWith({ public_access_prevention: "inherited" }, "platform-dev"))).toHaveLength(1);
  });
});

describe("FSI-ENTRA-001 no implicit grant", () => {
  test("code flow only", () => {
    const stack = model({ azuread_application: { a: { display_name: "a", web: { implicit_grant: { access_token_issuance_enabled: false, id_token_issuance_enabled: false } } } } });
    expect(verdicts(entraNoImplicitGrant, stack)).toEqual({ "azuread_application.a": C });
  });
  test("id token through the implicit flow", () => {
    const stack = model({ azuread_application: { a: { display_name: "a", web: [{ implicit_grant: [{ id_token_issuance_enabled: true }] }] } } });
    expect(violations(entraNoImplicitGrant, stack)).toEqual(["azuread_application.a: web.implicit_grant enables id_token_issuance_enabled"]);
  });
});

describe("FSI-ENTRA-002 service principal requires assignment", () => {
  test("app with a service principal that requires assignment", () => {
    const stack = model({
      azuread_application: { a: { display_name: "a" } },
      azuread_service_principal: { sp: { client_id: "${azuread_application.a.client_id}", app_role_assignment_required: true } },
    });
    expect(verdicts(entraAssignmentRequired, stack)).toEqual({ "azuread_service_principal.sp": C });
  });
  test("assignment not required; app without a service principal", () => {
    const stack = model({
      azuread_application: { a: { display_name: "a" }, b: { display_name: "b" } },
      azuread_service_principal: { sp: { client_id: "${azuread_application.a.client_id}" } },
    });
    expect(violations(entraAssignmentRequired, stack)).toEqual([
      "azuread_service_principal.sp: app_role_assignment_required is not true",
      "azuread_application.b: the application has no azuread_service_principal in this stack",
    ]);
  });
});

describe("FSI-ENTRA-003 client secrets rotate within 180 days", () => {
  const rotate = { rotation: "${time_rotating.r.id}" };
  test("absent, time_rotating of 90 days, end_date_relative 4320h", () => {
    expect(verdicts(entraSecretRotation, model({ azuread_application: { a: {} } }))).toEqual({ "stack:app-dev": NA });
    const stack = model({
      time_rotating: { r: { rotation_days: 90 } },
      azuread_application_password: {
        p: { application_id: "${azuread_application.a.id}", end_date: "${time_rotating.r.rotation_rfc3339}", rotate_when_changed: rotate },
        q: { application_id: "${azuread_application.a.id}", end_date_relative: "4320h", rotate_when_changed: rotate },
      },
    });
    expect(verdicts(entraSecretRotation, stack)).toEqual({ "azuread_application_password.p": C, "azuread_application_password.q": C });
  });
  test("no rotate_when_changed, 6 months, a year, an unknown end date", () => {
    const stack = model({
      time_rotating: { six: { rotation_months: 6 } },
      azuread_application_password: {
        a: { end_date_relative: "2400h" },
        b: { end_date: "${time_rotating.six.rotation_rfc3339}", rotate_when_changed: rotate },
        c: { start_date: "2025-01-01T00:00:00Z", end_date: "2026-01-01T00:00:00Z", rotate_when_changed: rotate },
        d: { end_date: "2030-01-01T00:00:00Z", rotate_when_changed: rotate },
      },
    });
    expect(violations(entraSecretRotation, stack)).toEqual([
      "azuread_application_password.a: rotate_when_changed is not set, so the secret is never replaced",
      "azuread_application_password.b: it is valid for 186 days, more than 180",
      "azuread_application_password.c: it is valid for 365 days, more than 180",
      "azuread_application_password.d: its lifetime cannot be read from end_date/end_date_relative; it must be at most 180 days",
    ]);
  });
});

describe("FSI-SEC-001 no plaintext secrets", () => {
  test("references are fine; certificates are public", () => {
    const stack = model(
      {
        google_secret_manager_secret_version: { v: { secret: "${google_secret_manager_secret.s.id}", secret_data: "${var.api_key}" } },
        azuread_application_certificate: { c: { value: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" } },
      },
      { provider: { google: [{ project: "acme-dev", credentials: "/etc/gcp.json" }] }, variable: { api_key: { sensitive: true } } },
    );
    expect(violations(noPlaintextSecrets, stack)).toEqual([]);
    expect(verdicts(noPlaintextSecrets, stack)["google_secret_manager_secret_version.v"]).toBe(C);
  });
  test("literal secret_data, nested password, a PEM key in an output, an inline JSON key, a sensitive default", () => {
    const stack = model(
      {
        google_secret_manager_secret_version: { v: { secret: "s", secret_data: "hunter2" } },
        google_sql_user: { u: { name: "app", settings: [{ password: "p@ss" }] } },
      },
      {
        output: { key: { value: "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----" } },
        provider: { google: [{ credentials: '{"type":"service_account"}' }] },
        variable: { token: { sensitive: true, default: "abc" } },
      },
    );
    expect(violations(noPlaintextSecrets, stack)).toEqual([
      "google_secret_manager_secret_version.v: secret_data holds a literal secret",
      "google_sql_user.u: settings[0].password holds a literal secret",
      "app-dev: output.key.value (PEM private key) holds a literal secret",
      "app-dev: provider.google[0].credentials holds a literal secret",
      "app-dev: variable.token.default holds a literal secret",
    ]);
  });
});

describe("FSI-CEL-001 every CEL expression parses", () => {
  test("a provider condition, a mapping and an IAM condition that do not parse are each named; references count as values", () => {
    const stack = model({
      google_iam_workload_identity_pool_provider: {
        p: { attribute_condition: 'assertion.org == "${var.org}" &&', attribute_mapping: { "google.subject": "assertion.sub", "attribute.x": "assertion.x)" } },
        ok: { attribute_condition: 'assertion.org == "${var.org}"', attribute_mapping: { "google.subject": "assertion.sub" } },
      },
      google_project_iam_member: { g: { project: "p", role: "roles/datastore.user", member: SA, condition: { title: "t", expression: 'resource.name = "x"' } } },
    });
    const found = violations(celParses, stack);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^google_iam_workload_identity_pool_provider\.p: attribute_condition .* does not parse: 1:\d+: .*; attribute_mapping\["attribute\.x"\] `assertion\.x\)` does not parse/);
    expect(found[1]).toMatch(/^google_project_iam_member\.g: condition\.expression `resource\.name = "x"` does not parse: 1:15/);
  });
});

describe("FSI-CEL-002 values Terraform fills into CEL are quoted", () => {
  test("a raw reference is named; jsonencode() and literals pass", () => {
    const stack = model({
      google_iam_workload_identity_pool_provider: {
        raw: { attribute_condition: 'assertion.organization_slug == "${var.org}"' },
        quoted: { attribute_condition: "assertion.organization_slug == ${jsonencode(var.org)}" },
        smuggled: { attribute_condition: 'assertion.org == ${jsonencode(var.org) != "" ? var.raw : ""}' },
      },
      google_project_iam_member: {
        g: { project: "p", role: "roles/datastore.user", member: SA, condition: { title: "t", expression: 'resource.name == "projects/${var.p}/databases/app"' } },
        ok: { project: "p", role: "roles/datastore.user", member: SA, condition: { title: "t", expression: 'resource.name == ${jsonencode("projects/${var.p}/databases/app")}' } },
      },
    });
    expect(violations(celValuesQuoted, stack)).toEqual([
      "google_iam_workload_identity_pool_provider.raw: attribute_condition pastes ${var.org} into CEL unquoted",
      'google_iam_workload_identity_pool_provider.smuggled: attribute_condition pastes ${jsonencode(var.org) != "" ? var.raw : ""} into CEL unquoted',
      "google_project_iam_member.g: condition.expression pastes ${var.p} into CEL unquoted",
    ]);
  });
});
