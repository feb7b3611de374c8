/**
 * Token admission as Google's Security Token Service documents it, one provider at a time:
 * issuer, audience, attribute mapping (google.subject required, at most 127 bytes), attribute
 * condition. https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines
 * and the provider REST reference (attributeMapping, attributeCondition, oidc.allowedAudiences):
 * https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers
 * Providers are built from stack JSON, as the simulator reads them.
 */
import { IamModel, ProviderModel } from "../../src/analysis/iam-model";
import { StackModel } from "../../src/analysis/terraform-json";
import { Admission, MAX_SUBJECT_BYTES, acceptsAudience, admitGkeToken, admitThroughProvider, audiences } from "../../src/analysis/token-admission";
import { githubToken, gkeToken, providerAudience } from "../fixtures/tokens";

const GITHUB = "https://token.actions.githubusercontent.com";
const AUD = "https://github.com/contoso";

/** A GitHub Actions provider `gh` of pool `ci` in project p-1, as a stack's JSON declares it. */
function provider(over: object = {}, extra: object = {}): ProviderModel {
  const json = {
    resource: {
      google_iam_workload_identity_pool_provider: {
        gh: {
          project: "p-1",
          workload_identity_pool_id: "ci",
          workload_identity_pool_provider_id: "gh",
          attribute_mapping: { "google.subject": "assertion.sub", "attribute.repository": "assertion.repository" },
          attribute_condition: 'assertion.repository_owner == "contoso"',
          oidc: { issuer_uri: GITHUB, allowed_audiences: [AUD] },
          ...over,
        },
      },
      ...extra,
    },
  };
  const providers = IamModel.ofStack(new StackModel("ci-stack", json)).providers;
  expect(providers).toHaveLength(1);
  return providers[0];
}
const token = (over: Record<string, unknown> = {}) => githubToken("contoso/app", "refs/heads/main", AUD, over);
const admit = (p: ProviderModel, claims: Record<string, unknown>) => admitThroughProvider(p, claims);
const verdict = (a: Admission) => ({ verdict: a.verdict, step: a.step });

describe("a token the provider admits becomes a federated identity", () => {
  test("subject, groups and attributes as mapped, with who vouched", () => {
    const p = provider({
      attribute_mapping: {
        "google.subject": "assertion.sub",
        "google.groups": "[assertion.repository_owner, 'all-ci']",
        "attribute.repository": "assertion.repository",
        "attribute.refs": "[assertion.ref, assertion.sha]",
      },
    });
    const a = admit(p, token());
    expect(a).toMatchObject({ verdict: "admitted", by: "google_iam_workload_identity_pool_provider.gh (stack ci-stack)", reason: "", issuerMatches: true });
    expect(a.step).toBeUndefined();
    expect(a.identity).toEqual({
      pool: { project: "p-1", poolId: "ci" },
      subject: "repo:contoso/app:ref:refs/heads/main",
      groups: ["contoso", "all-ci"],
      attributes: new Map([
        ["attribute.refs", ["refs/heads/main", "example-sha"]],
        ["attribute.repository", ["contoso/app"]],
      ]),
      via: "google_iam_workload_identity_pool_provider.gh (stack ci-stack)",
    });
  });

  test("the condition sees assertion, google.subject, google.groups and attribute (a list stays a list)", () => {
    const p = (condition: string) =>
      provider({
        attribute_mapping: { "google.subject": "assertion.sub", "google.groups": "['deployers']", "attribute.refs": "[assertion.ref, 'x']", "attribute.repository": "assertion.repository" },
        attribute_condition: condition,
      });
    expect(admit(p('google.subject.startsWith("repo:contoso/")'), token()).verdict).toBe("admitted");
    expect(admit(p('"deployers" in google.groups'), token()).verdict).toBe("admitted");
    expect(admit(p('"admins" in google.groups'), token()).verdict).toBe("refused");
    expect(admit(p('attribute.repository == "contoso/app" && "refs/heads/main" in attribute.refs && size(attribute.refs) == 2'), token()).verdict).toBe("admitted");
    expect(admit(p('attribute.repository == "contoso/other"'), token()).verdict).toBe("refused");
  });

  test("google.groups mapped to one value is a group of one; mapped to nothing leaves none", () => {
    const one = admit(provider({ attribute_mapping: { "google.subject": "assertion.sub", "google.groups": "assertion.repository_owner" } }), token());
    expect(one.identity?.groups).toEqual(["contoso"]);
    expect(admit(provider(), token()).identity?.groups).toEqual([]);
  });
});

describe("issuer: only the provider's own issuer, compared exactly", () => {
  test("another issuer is refused, and marked as not this provider's token", () => {
    const a = admit(provider(), token({ iss: "https://agent.buildkite.com" }));
    expect(a).toMatchObject({ verdict: "refused", step: "issuer", issuerMatches: false });
    expect(a.reason).toBe(`trusts issuer ${GITHUB}, not "https://agent.buildkite.com"`);
    expect(admit(provider(), token({ iss: `${GITHUB}/` }))).toMatchObject({ verdict: "refused", step: "issuer", issuerMatches: false });
    expect(admit(provider(), token({ iss: undefined }))).toMatchObject({ verdict: "refused", step: "issuer" });
  });

  test("a provider that is not OIDC (AWS, SAML) admits no OIDC token", () => {
    const aws = provider({ oidc: undefined, aws: { account_id: "123456789012" } });
    expect(admit(aws, token())).toMatchObject({ verdict: "refused", step: "issuer", reason: "is not an OIDC provider", issuerMatches: false });
  });

  test("an issuer Terraform fills in is unknown, not this provider's for sure", () => {
    const a = admit(provider({ oidc: { issuer_uri: "${var.issuer}", allowed_audiences: [AUD] } }), token());
    expect(a).toMatchObject({ verdict: "unknown", step: "issuer", issuerMatches: false });
    expect(a.reason).toContain("${var.issuer}");
  });
});

describe("the provider itself", () => {
  // "You cannot use a disabled pool to exchange tokens": REST reference of workloadIdentityPools (and .providers).
  test("a disabled provider refuses a token it would otherwise admit", () => {
    expect(admit(provider({ disabled: true }), token()).verdict).toBe("refused");
    expect(admit(provider({ disabled: false }), token()).verdict).toBe("admitted");
  });

  test("a provider Terraform expands with count or for_each is unknown", () => {
    expect(verdict(admit(provider({ count: "${var.n}" }), token()))).toEqual({ verdict: "unknown", step: "provider" });
    expect(admit(provider({ count: "${var.n}", attribute_mapping: "${var.mapping}" }), token()).reason).toBe(
      "attribute_mapping is ${var.mapping}, which Terraform fills in; the provider has count or for_each, which Terraform expands",
    );
  });
});

describe("audience", () => {
  test("with allowed_audiences, one of the token's aud must be listed; a list aud counts if any entry is", () => {
    expect(admit(provider(), token()).verdict).toBe("admitted");
    expect(admit(provider(), token({ aud: ["https://elsewhere.example", AUD] })).verdict).toBe("admitted");
    const wrong = admit(provider(), token({ aud: ["https://elsewhere.example"] }));
    expect(wrong).toMatchObject({ verdict: "refused", step: "audience" });
    expect(wrong.reason).toBe(`aud ["https://elsewhere.example"] is none of allowed_audiences ["${AUD}"]`);
    expect(admit(provider(), token({ aud: undefined })).verdict).toBe("refused");
  });

  test("without allowed_audiences, the audience is the provider's own name under any project number, with or without https:", () => {
    const p = provider({ oidc: { issuer_uri: GITHUB } });
    expect(admit(p, token({ aud: providerAudience("ci", "gh") })).verdict).toBe("admitted");
    expect(admit(p, token({ aud: `https:${providerAudience("ci", "gh", "987654321")}` })).verdict).toBe("admitted");
    expect(admit(p, token({ aud: ["https://elsewhere.example", providerAudience("ci", "gh")] })).verdict).toBe("admitted");
    for (const aud of [providerAudience("ci", "other"), providerAudience("other", "gh"), `${providerAudience("ci", "gh")}/x`, `x${providerAudience("ci", "gh")}`, providerAudience("ci", "gh", "p-1")]) {
      expect({ aud, verdict: verdict(admit(p, token({ aud }))) }).toEqual({ aud, verdict: { verdict: "refused", step: "audience" } });
    }
    expect(admit(p, token({ aud: AUD })).reason).toBe(
      `aud ["${AUD}"] is not the provider's own name //iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/ci/providers/gh (allowed_audiences is empty; NUMBER is the project number, not its id)`,
    );
  });

  test("an audience Terraform fills in is unknown, yet a later step may still refuse for sure", () => {
    const byRef = provider({ oidc: { issuer_uri: GITHUB, allowed_audiences: ["${var.audience}"] } });
    expect(admit(byRef, token())).toMatchObject({ verdict: "unknown", step: "audience", reason: "allowed_audiences holds references Terraform fills in", issuerMatches: true });
    expect(admit(byRef, token()).identity?.subject).toBe("repo:contoso/app:ref:refs/heads/main");
    expect(admit(byRef, token({ repository_owner: "mallory" }))).toMatchObject({ verdict: "refused", step: "attribute_condition" });
    const idByRef = provider({ workload_identity_pool_provider_id: "${var.provider_id}", oidc: { issuer_uri: GITHUB } });
    expect(admit(idByRef, token({ aud: providerAudience("ci", "gh") }))).toMatchObject({
      verdict: "unknown",
      step: "audience",
      reason: "the provider's id is a reference Terraform fills in, so its default audience is unknown",
    });
    expect(acceptsAudience(provider({ workload_identity_pool_id: "${var.pool}", oidc: { issuer_uri: GITHUB } }), [providerAudience("ci", "gh")])).toBe("unknown");
    // A listed audience still matches beside a reference.
    expect(acceptsAudience(provider({ oidc: { issuer_uri: GITHUB, allowed_audiences: ["${var.audience}", AUD] } }), [AUD])).toBe(true);
    // ...and a reference beside a listed audience may still be the token's.
    expect(acceptsAudience(provider({ oidc: { issuer_uri: GITHUB, allowed_audiences: ["${var.audience}", AUD] } }), ["https://elsewhere.example"])).toBe("unknown");
  });

  test("audiences(): aud as a string or a list of strings (RFC 7519 4.1.3), anything else ignored", () => {
    expect(audiences({ aud: "a" })).toEqual(["a"]);
    expect(audiences({ aud: ["a", 1, "b"] })).toEqual(["a", "b"]);
    expect(audiences({ aud: 7 })).toEqual([]);
    expect(audiences({})).toEqual([]);
  });
});

describe("attribute mapping", () => {
  const mapped = (mapping: object, claims = token()) => admit(provider({ attribute_mapping: mapping }), claims);

  test("google.subject is required and must not be empty", () => {
    expect(mapped({ "attribute.repository": "assertion.repository" })).toMatchObject({ verdict: "refused", step: "google.subject", reason: "the mapping gives no google.subject" });
    expect(mapped({ "google.subject": "assertion.sub" }, token({ sub: "" }))).toMatchObject({ verdict: "refused", step: "google.subject" });
    expect(mapped({ "google.subject": '""' })).toMatchObject({ verdict: "refused", step: "google.subject" });
  });

  test(`google.subject is at most ${MAX_SUBJECT_BYTES} bytes, counted in UTF-8`, () => {
    expect(MAX_SUBJECT_BYTES).toBe(127);
    expect(mapped({ "google.subject": "assertion.sub" }, token({ sub: "s".repeat(127) })).verdict).toBe("admitted");
    const long = mapped({ "google.subject": "assertion.sub" }, token({ sub: "s".repeat(128) }));
    expect(long).toMatchObject({ verdict: "refused", step: "google.subject" });
    expect(long.reason).toContain("128 bytes");
    // 64 characters of two bytes each: 128 bytes.
    expect(mapped({ "google.subject": "assertion.sub" }, token({ sub: "é".repeat(64) }))).toMatchObject({ verdict: "refused", step: "google.subject" });
    expect(mapped({ "google.subject": "assertion.sub" }, token({ sub: "é".repeat(63) })).verdict).toBe("admitted");
  });

  test("a google.subject mapping that fails on the token refuses it", () => {
    const a = mapped({ "google.subject": "assertion.missing_claim" });
    expect(a).toMatchObject({ verdict: "refused", step: "google.subject" });
    expect(a.reason).toContain("field not found: missing_claim");
  });

  test("another attribute failing is unknown (Google does not document it), but a later refusal stands", () => {
    const m = { "google.subject": "assertion.sub", "attribute.environment": "assertion.environment" };
    const a = mapped(m);
    expect(a).toMatchObject({ verdict: "unknown", step: "attribute_mapping" });
    expect(a.reason).toContain("guard optional claims with has()");
    expect(a.identity?.attributes.has("attribute.environment")).toBe(false);
    expect(mapped(m, token({ repository_owner: "mallory" }))).toMatchObject({ verdict: "refused", step: "attribute_condition" });
    expect(mapped({ ...m, "attribute.environment": 'has(assertion.environment) ? assertion.environment : "none"' }).verdict).toBe("admitted");
  });

  test("with several attributes failing, the answer names the first by key, whatever order the mapping was written in", () => {
    const a = mapped({ "google.subject": "assertion.sub", "attribute.zone": "assertion.missing_z", "attribute.area": "assertion.missing_a" });
    expect(a.reason).toMatch(/^attribute\.area mapping/);
  });

  test("a mapping that does not parse refuses (Google rejects the provider); one the engine lacks, or a reference, is unknown", () => {
    const syntax = mapped({ "google.subject": "assertion.sub +" });
    expect(syntax).toMatchObject({ verdict: "refused", step: "attribute_mapping" });
    expect(syntax.reason).toMatch(/^google\.subject mapping `assertion\.sub \+` does not parse \(.+\); Google rejects the provider$/);
    const lacking = mapped({ "google.subject": "assertion.sub", "attribute.x": "assertion.sub.unknownFunction()" });
    expect(lacking).toMatchObject({ verdict: "unknown", step: "attribute_mapping" });
    expect(lacking.reason).toBe("attribute.x mapping `assertion.sub.unknownFunction()` uses what this engine lacks (unbound function: unknownFunction)");
    const byRef = mapped({ "google.subject": "assertion.sub", "attribute.x": "${var.mapping}" });
    expect(byRef).toMatchObject({ verdict: "unknown", step: "attribute_mapping", reason: "attribute.x is mapped by an expression holding a reference Terraform fills in" });
    expect(admit(provider({ attribute_mapping: "${var.mapping}" }), token())).toMatchObject({
      verdict: "unknown",
      step: "provider",
      reason: "attribute_mapping is ${var.mapping}, which Terraform fills in",
    });
  });

  test("a mapping that gives neither a string nor a list of strings is unknown", () => {
    expect(mapped({ "google.subject": "assertion.sub", "attribute.n": "assertion.run_number" }, token({ run_number: 7 }))).toMatchObject({
      verdict: "unknown",
      step: "attribute_mapping",
      reason: "attribute.n mapping `assertion.run_number` gives 7, not a string or list of strings",
    });
    expect(mapped({ "google.subject": "assertion.sub", "attribute.n": "[assertion.sub, 1]" })).toMatchObject({ verdict: "unknown", step: "attribute_mapping" });
  });
});

describe("attribute condition", () => {
  const conditioned = (condition: string, claims = token()) => admit(provider({ attribute_condition: condition }), claims);

  test("true admits; false refuses with the value; no condition admits", () => {
    expect(conditioned('assertion.repository_owner == "contoso"').verdict).toBe("admitted");
    const no = conditioned('assertion.repository_owner == "fabrikam"');
    expect(no).toMatchObject({ verdict: "refused", step: "attribute_condition", reason: '`assertion.repository_owner == "fabrikam"` is false for this token' });
    expect(conditioned('"true"')).toMatchObject({ verdict: "refused", step: "attribute_condition" });
    expect(admit(provider({ attribute_condition: undefined }), token()).verdict).toBe("admitted");
  });

  test("a condition that errors on the token refuses it (Google treats it as not true)", () => {
    const a = conditioned('assertion.environment == "prod"');
    expect(a).toMatchObject({ verdict: "refused", step: "attribute_condition" });
    expect(a.reason).toContain("field not found: environment");
  });

  test("a condition that does not parse refuses; one the engine lacks, or a reference, is unknown", () => {
    const syntax = conditioned("assertion.repository_owner ==");
    expect(syntax).toMatchObject({ verdict: "refused", step: "attribute_condition" });
    expect(syntax.reason).toMatch(/^`assertion\.repository_owner ==` does not parse \(.+\); Google rejects the provider$/);
    expect(conditioned("assertion.repository_owner.unknownFunction()")).toMatchObject({
      verdict: "unknown",
      step: "attribute_condition",
      reason: "`assertion.repository_owner.unknownFunction()` uses what this engine lacks (unbound function: unknownFunction)",
    });
    expect(conditioned("assertion.repository_owner == ${var.owner}")).toMatchObject({
      verdict: "unknown",
      step: "attribute_condition",
      reason: "the condition holds a reference Terraform fills in",
    });
  });
});

describe("GKE: a cluster's Kubernetes service account token", () => {
  // https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity (principal identifiers)
  test("is the principal ns/NS/sa/KSA of PROJECT.svc.id.goog, with namespace, cluster and uid as attributes", () => {
    const claims = gkeToken("p-1", "europe-west1", "apps", "payments", "api");
    const a = admitGkeToken(claims)!;
    expect(a).toMatchObject({ verdict: "admitted", by: "GKE cluster apps (p-1, europe-west1)", reason: "", issuerMatches: true });
    expect(a.identity).toEqual({
      pool: { project: "p-1", poolId: "p-1.svc.id.goog" },
      subject: "ns/payments/sa/api",
      groups: [],
      attributes: new Map([
        ["namespace", ["payments"]],
        ["kubernetes.cluster", ["https://container.googleapis.com/v1/projects/p-1/locations/europe-west1/clusters/apps"]],
        ["kubernetes.serviceaccount.uid", ["11111111-2222-3333-4444-555555555555"]],
      ]),
      via: "GKE cluster apps (p-1, europe-west1)",
    });
    expect(admitGkeToken({ ...claims, "kubernetes.io": undefined })?.identity?.attributes.has("kubernetes.serviceaccount.uid")).toBe(false);
  });

  test("a subject that is not a Kubernetes service account is refused", () => {
    const a = admitGkeToken(gkeToken("p-1", "europe-west1", "apps", "payments", "api", { sub: "system:node:n1" }));
    expect(a).toMatchObject({ verdict: "refused", step: "google.subject", issuerMatches: true, reason: 'sub "system:node:n1" is not system:serviceaccount:NAMESPACE:NAME' });
    // sub is a string (RFC 7519 4.1.2), and the whole of it names the service account.
    for (const sub of [["system:serviceaccount:payments:api"], "x-system:serviceaccount:payments:api"]) {
      expect(admitGkeToken(gkeToken("p-1", "europe-west1", "apps", "payments", "api", { sub }))?.verdict).toBe("refused");
    }
    expect(admitGkeToken(gkeToken("p-1", "europe-west1", "apps", "payments", "api", { sub: undefined }))?.verdict).toBe("refused");
    expect(admitGkeToken(gkeToken("p-1", "europe-west1", "apps", "payments", "api", { sub: "system:serviceaccount:payments:api:x" }))?.verdict).toBe("refused");
  });

  test("only GKE's own issuer, whole: not one that merely contains or extends it", () => {
    const iss = "https://container.googleapis.com/v1/projects/p-1/locations/europe-west1/clusters/apps";
    for (const other of [`https://evil.example/${iss}`, `${iss}/extra`, [iss], "https://container.googleapis.com/v1/projects/p-1/clusters/apps", "https://agent.buildkite.com", 42]) {
      expect({ other, admission: admitGkeToken(gkeToken("p-1", "europe-west1", "apps", "payments", "api", { iss: other })) }).toEqual({ other, admission: undefined });
    }
  });
});
