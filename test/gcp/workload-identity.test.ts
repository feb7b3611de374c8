import { WorkloadIdentityPool, WorkloadServiceAccount, Principal } from "../../src";
import { expectInputError, resourcesOf, stackWith, synthJson } from "../support/synth";

const projectId = "acme-firestore-dev";
const tenantId = "11111111-2222-3333-4444-555555555555";

describe("WorkloadIdentityPool", () => {
  test("is protected from destroy by default and can opt out", () => {
    const json = synthJson(
      stackWith((s) => {
        new WorkloadIdentityPool(s, "kept", { projectId, poolId: "kept-pool" });
        new WorkloadIdentityPool(s, "scratch", { projectId, poolId: "scratch-pool", preventDestroy: false });
      }),
    );
    const pools = Object.fromEntries(resourcesOf(json, "google_iam_workload_identity_pool").map(([, r]) => [r.workload_identity_pool_id, r]));
    expect(pools["kept-pool"].lifecycle).toEqual({ prevent_destroy: true });
    expect(pools["scratch-pool"].lifecycle).toEqual({ prevent_destroy: false });
  });

  test("principalSet names the pool and attribute", () => {
    stackWith((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "ci-pool" });
      expect(pool.principalSet("team", "data")).toMatchObject({
        iamMember: expect.stringMatching(/^principalSet:\/\/iam\.googleapis\.com\/\$\{TfToken\[TOKEN\.\d+\]\}\/attribute\.team\/data$/),
      });
    });
  });
});

describe("Buildkite preset", () => {
  const json = synthJson(
    stackWith((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "buildkite-dev" });
      const bk = pool.addBuildkiteProvider("bk", { organizationSlug: "acme", pipelineSlugs: ["deploy", "tests"] });
      const sa = new WorkloadServiceAccount(s, "sa", { projectId, accountId: "deployer" });
      sa.allowImpersonation(bk.pipeline("deploy", { branch: "main" }));
      sa.allowImpersonation(bk.pipeline("tests"));
      sa.allowImpersonation(bk.pipeline("tests")); // same principal twice: one binding
    }),
  );
  const [[, provider]] = resourcesOf(json, "google_iam_workload_identity_pool_provider");

  test("pins the organization and lists pipelines in the condition", () => {
    expect(provider.oidc).toEqual({ issuer_uri: "https://agent.buildkite.com" });
    expect(provider.attribute_condition).toBe('assertion.organization_slug == "acme" && assertion.pipeline_slug in ["deploy", "tests"]');
    expect(provider.workload_identity_pool_provider_id).toBe("buildkite");
  });

  test("maps a short subject and composite attributes", () => {
    expect(provider.attribute_mapping).toEqual({
      "google.subject": '"organization:" + assertion.organization_slug + ":pipeline:" + assertion.pipeline_slug',
      "attribute.organization_slug": "assertion.organization_slug",
      "attribute.pipeline": 'assertion.organization_slug + "/" + assertion.pipeline_slug',
      "attribute.pipeline_branch": 'assertion.organization_slug + "/" + assertion.pipeline_slug + ":" + assertion.build_branch',
      "attribute.build_branch": "assertion.build_branch",
      "attribute.pipeline_id": 'has(assertion.pipeline_id) ? assertion.pipeline_id : "none"',
      "attribute.pipeline_id_branch": 'has(assertion.pipeline_id) ? assertion.pipeline_id + ":" + assertion.build_branch : "none"',
    });
  });

  test("pipeline principals carry the organization and optional branch; duplicates collapse", () => {
    const members = resourcesOf(json, "google_service_account_iam_member").map(([, r]) => [r.role, r.member]);
    expect(members).toEqual([
      ["roles/iam.workloadIdentityUser", "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.pool_056F3F7E.name}/attribute.pipeline_branch/acme/deploy:main"],
      ["roles/iam.workloadIdentityUser", "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.pool_056F3F7E.name}/attribute.pipeline/acme/tests"],
    ]);
  });
});

describe("GitHub Actions preset", () => {
  test("pins owner (and owner id), maps repository and ref", () => {
    let ref = "";
    let repo = "";
    const json = synthJson(
      stackWith((s) => {
        const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" });
        const gh = pool.addGitHubActionsProvider("gh", { owner: "acme-corp", ownerId: "123456" });
        ref = gh.repository("acme-corp/api", { ref: "refs/heads/main" }).iamMember;
        repo = gh.repository("acme-corp/api").iamMember;
      }),
    );
    const [[, provider]] = resourcesOf(json, "google_iam_workload_identity_pool_provider");
    expect(provider.oidc.issuer_uri).toBe("https://token.actions.githubusercontent.com");
    expect(provider.attribute_condition).toBe('assertion.repository_owner == "acme-corp" && assertion.repository_owner_id == "123456" && assertion.event_name in ["push", "pull_request", "merge_group", "workflow_dispatch", "schedule", "release", "deployment"]');
    expect(provider.attribute_mapping["google.subject"]).toBe("assertion.sub");
    expect(provider.attribute_mapping["attribute.repository_ref"]).toBe('assertion.repository + ":" + assertion.ref');
    expect(ref).toMatch(/\/attribute\.repository_ref\/acme-corp\/api:refs\/heads\/main$/);
    expect(repo).toMatch(/\/attribute\.repository\/acme-corp\/api$/);
  });

  test("refuses a repository of another owner", () => {
    expectInputError((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "github" });
      pool.addGitHubActionsProvider("gh", { owner: "acme" }).repository("evil/api");
    }, "test/pool/gh", "repository", '"evil/api"', "must belong to owner acme");
  });
});

describe("Entra ID preset", () => {
  test.each([
    [2, "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"],
    [1, "https://sts.windows.net/11111111-2222-3333-4444-555555555555/"],
  ])("token version %i uses issuer %s", (tokenVersion, issuer) => {
    const json = synthJson(
      stackWith((s) => {
        const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "entra" });
        pool.addEntraIdProvider("entra", { tenantId, audience: "api://orders", tokenVersion });
      }),
    );
    const [[, provider]] = resourcesOf(json, "google_iam_workload_identity_pool_provider");
    expect(provider.oidc).toEqual({ issuer_uri: issuer, allowed_audiences: ["api://orders"] });
    expect(provider.attribute_condition).toBe(`assertion.tid == "${tenantId}"`);
    expect(provider.attribute_mapping["google.groups"]).toBe("has(assertion.roles) ? assertion.roles : []");
  });

  test("derives tenant, audience and version from an application", () => {
    stackWith((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "entra" });
      const p = pool.addEntraIdProvider("entra", { application: { tenantId, accessTokenVersion: 1, tokenAudience: "api://x" } });
      expect(p.issuerUri).toBe(`https://sts.windows.net/${tenantId}/`);
      expect(p.allowedAudiences).toEqual(["api://x"]);
      expect(p.objectId("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee").iamMember).toMatch(/\/attribute\.oid\/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee$/);
      expect(p.appRole("Orders.Write").iamMember).toMatch(/\/group\/Orders\.Write$/);
    });
  });
});

describe("generic OIDC provider", () => {
  test("requires a condition and google.subject", () => {
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "generic" }).addOidcProvider("gitlab", {
        providerId: "gitlab",
        issuerUri: "https://gitlab.com",
        attributeMapping: { "google.subject": "assertion.sub" },
        attributeCondition: "  ",
      });
    }, "test/pool/gitlab", "attributeCondition", "non-empty CEL expression");
    expectInputError((s) => {
      new WorkloadIdentityPool(s, "pool", { projectId, poolId: "generic" }).addOidcProvider("gitlab", {
        providerId: "gitlab",
        issuerUri: "https://gitlab.com",
        attributeMapping: { "attribute.x": "assertion.x" },
        attributeCondition: 'assertion.namespace_path == "acme"',
      });
    }, "attributeMapping", "must map google.subject");
  });
});

describe("credential configuration", () => {
  test("a named token file, with optional impersonation; never a secret", () => {
    stackWith((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "generic" });
      const gh = pool.addGitHubActionsProvider("gh", { owner: "acme" });
      const direct = JSON.parse(gh.credentialConfiguration({ credentialSourceFile: "/run/oidc/token" }));
      expect(direct).toEqual({
        type: "external_account",
        audience: expect.stringMatching(/^\/\/iam\.googleapis\.com\/\$\{TfToken/),
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: "https://sts.googleapis.com/v1/token",
        credential_source: { file: "/run/oidc/token" },
      });
      const viaSa = JSON.parse(
        gh.credentialConfiguration({ serviceAccount: Principal.serviceAccount("ci@acme-firestore-dev.iam.gserviceaccount.com"), tokenLifetimeSeconds: 900, executableCommand: "/usr/local/bin/fetch-token" }),
      );
      expect(viaSa.service_account_impersonation_url).toBe(
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/ci@acme-firestore-dev.iam.gserviceaccount.com:generateAccessToken",
      );
      expect(viaSa.service_account_impersonation).toEqual({ token_lifetime_seconds: 900 });
      expect(JSON.stringify(viaSa)).not.toMatch(/private_key|client_secret/);
    });
  });

  test("Buildkite runs the agent; Entra reads Azure instance metadata", () => {
    stackWith((s) => {
      const pool = new WorkloadIdentityPool(s, "pool", { projectId, poolId: "mixed" });
      const bk = JSON.parse(pool.addBuildkiteProvider("bk", { organizationSlug: "acme" }).credentialConfiguration());
      expect(bk.credential_source.executable.command).toMatch(/^\/usr\/bin\/buildkite-agent oidc request-token --audience \/\/iam\.googleapis\.com\/.* --format gcp$/);
      const entra = JSON.parse(pool.addEntraIdProvider("entra", { tenantId, audience: "api://orders" }).credentialConfiguration());
      expect(entra.credential_source).toEqual({
        url: "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api%3A%2F%2Forders",
        headers: { Metadata: "True" },
        format: { type: "json", subject_token_field_name: "access_token" },
      });
    });
  });
});

describe("WorkloadServiceAccount", () => {
  test("GKE Workload Identity binds the namespaced Kubernetes account on this account only", () => {
    const json = synthJson(
      stackWith((s) => {
        const sa = new WorkloadServiceAccount(s, "airflow", { projectId, accountId: "airflow-worker" });
        sa.allowKubernetesWorkload({ namespace: "airflow", serviceAccountName: "airflow-worker" });
      }),
    );
    expect(resourcesOf(json, "google_service_account_key")).toEqual([]);
    expect(resourcesOf(json, "google_project_iam_member")).toEqual([]);
    const [[, binding]] = resourcesOf(json, "google_service_account_iam_member");
    expect(binding).toEqual({
      member: "serviceAccount:acme-firestore-dev.svc.id.goog[airflow/airflow-worker]",
      role: "roles/iam.workloadIdentityUser",
      service_account_id: "${google_service_account.airflow_4BFFA13F.name}",
    });
  });
});
