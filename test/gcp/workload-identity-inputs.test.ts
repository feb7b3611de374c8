import { TerraformVariable } from "cdktf";
import { Principal, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";
import { expectInputError, stackWith } from "../support/synth";

const projectId = "acme-firestore-dev";
const pool = (s: any, props: Partial<{ projectId: string; poolId: string; displayName: string }> = {}) =>
  new WorkloadIdentityPool(s, "pool", { projectId, poolId: "ci-pool", ...props });

describe("bad input is refused with path, property, value and rule", () => {
  const cases: Array<[string, (s: any) => unknown, ...string[]]> = [
    ["project id too short", (s: any) => pool(s, { projectId: "abc" }), "test/pool", "projectId", '"abc"', "6-30"],
    ["project id with uppercase", (s: any) => pool(s, { projectId: "Acme-prod-1" }), "projectId", "Acme-prod-1"],
    ["pool id with gcp- prefix", (s: any) => pool(s, { poolId: "gcp-pool" }), "poolId", '"gcp-pool"', "not start with gcp-"],
    ["pool id too long", (s: any) => pool(s, { poolId: "a".repeat(33) }), "poolId", "4-32"],
    ["pool id with underscore", (s: any) => pool(s, { poolId: "ci_pool" }), "poolId", "[a-z0-9-]"],
    ["pool display name over 32", (s: any) => pool(s, { displayName: "x".repeat(33) }), "displayName", "1-32"],
    ["provider id bad charset", (s: any) => pool(s).addBuildkiteProvider("bk", { organizationSlug: "acme", providerId: "Buildkite" }), "test/pool/bk", "providerId"],
    ["Buildkite org slug", (s: any) => pool(s).addBuildkiteProvider("bk", { organizationSlug: "Acme Inc" }), "test/pool/bk", "organizationSlug", '"Acme Inc"', "Buildkite slug"],
    ["Buildkite pipeline slug", (s: any) => pool(s).addBuildkiteProvider("bk", { organizationSlug: "acme" }).pipeline("-bad"), "pipelineSlug", '"-bad"'],
    ["Buildkite branch", (s: any) => pool(s).addBuildkiteProvider("bk", { organizationSlug: "acme" }).pipeline("deploy", { branch: "a b" }), "branch", "git ref"],
    ["GitHub owner", (s: any) => pool(s).addGitHubActionsProvider("gh", { owner: "-acme" }), "owner", '"-acme"', "GitHub owner"],
    ["GitHub repository", (s: any) => pool(s).addGitHubActionsProvider("gh", { owner: "acme" }).repository("acme"), "repository", '"acme"', "owner/name"],
    ["GitHub ref", (s: any) => pool(s).addGitHubActionsProvider("gh", { owner: "acme" }).repository("acme/api", { ref: "main" }), "ref", "refs/heads/main"],
    ["Entra tenant not a UUID", (s: any) => pool(s).addEntraIdProvider("entra", { tenantId: "contoso.onmicrosoft.com", audience: "api://x" }), "tenantId", "UUID"],
    ["Entra token version", (s: any) => pool(s).addEntraIdProvider("entra", { tenantId: "11111111-2222-3333-4444-555555555555", audience: "x", tokenVersion: 3 }), "tokenVersion", "one of 1, 2"],
    ["Entra object id", (s: any) => pool(s).addEntraIdProvider("entra", { tenantId: "11111111-2222-3333-4444-555555555555", audience: "x" }).objectId("me"), "objectId", "UUID"],
    ["issuer not https", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "http://idp.example.com", attributeMapping: { "google.subject": "assertion.sub" }, attributeCondition: "true" }), "issuerUri", "https://"],
    ["condition over 4096", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "https://idp.example.com", attributeMapping: { "google.subject": "assertion.sub" }, attributeCondition: "a".repeat(4097) }), "attributeCondition", "4096"],
    ["subject mapping over 127", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "https://idp.example.com", attributeMapping: { "google.subject": `"${"x".repeat(128)}" + assertion.sub` }, attributeCondition: "true" }), 'attributeMapping["google.subject"]', "127"],
    ["unknown mapping key", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "https://idp.example.com", attributeMapping: { "google.subject": "assertion.sub", "attribute.Team": "assertion.team" }, attributeCondition: "true" }), "attributeMapping key", "attribute.Team"],
    ["condition that does not parse", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "https://idp.example.com", attributeMapping: { "google.subject": "assertion.sub" }, attributeCondition: "assertion.sub ==" }), "test/pool/o", "attributeCondition", '"assertion.sub =="', "CEL expression Google can parse", "1:15"],
    ["mapping that does not parse", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "https://idp.example.com", attributeMapping: { "google.subject": "assertion.sub", "attribute.team": "assertion.team +" }, attributeCondition: "true" }), 'attributeMapping["attribute.team"]', "CEL expression"],
    ["too many audiences", (s: any) => pool(s).addOidcProvider("o", { providerId: "oidc", issuerUri: "https://idp.example.com", attributeMapping: { "google.subject": "assertion.sub" }, attributeCondition: "true", allowedAudiences: Array.from({ length: 11 }, (_, i) => `a${i}`) }), "allowedAudiences", "at most 10"],
    ["account id too short", (s: any) => new WorkloadServiceAccount(s, "sa", { projectId, accountId: "ci" }), "test/sa", "accountId", '"ci"', "6-30"],
    ["account id ending in hyphen", (s: any) => new WorkloadServiceAccount(s, "sa", { projectId, accountId: "deployer-" }), "accountId", "[a-z0-9]$"],
    ["Kubernetes namespace", (s: any) => new WorkloadServiceAccount(s, "sa", { projectId, accountId: "airflow" }).allowKubernetesWorkload({ namespace: "Airflow", serviceAccountName: "worker" }), "namespace", "DNS label"],
    ["relative token file", (s: any) => pool(s).addGitHubActionsProvider("gh", { owner: "acme" }).credentialConfiguration({ credentialSourceFile: "token" }), "credentialSourceFile", "absolute path"],
    ["token lifetime", (s: any) => pool(s).addGitHubActionsProvider("gh", { owner: "acme" }).credentialConfiguration({ serviceAccount: Principal.serviceAccount("a@b.iam.gserviceaccount.com"), tokenLifetimeSeconds: 60 }), "tokenLifetimeSeconds", "600 to 43200"],
  ];
  test.each(cases)("%s", (_name, build, ...fragments) => expectInputError(build, ...fragments));

  test.each([
    ["serviceAccount", () => Principal.serviceAccount("not-an-email")],
    ["group", () => Principal.group("team@")],
    ["user", () => Principal.user("")],
  ])("Principal.%s validates the email", (factory, make) => {
    expect(make).toThrow(new RegExp(`^Principal\\.${factory}: invalid email .*: must be an email address`));
  });
});

test("unresolved tokens pass through unchecked", () => {
  stackWith((s) => {
    const project = new TerraformVariable(s, "project", { type: "string" });
    const sa = new WorkloadServiceAccount(s, "sa", { projectId: project.stringValue, accountId: "deployer" });
    expect(() => pool(s, { projectId: sa.email })).not.toThrow();
    expect(() => Principal.group(sa.email)).not.toThrow();
  });
});
