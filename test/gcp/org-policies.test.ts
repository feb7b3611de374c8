import { TerraformStack, Testing } from "cdktf";
import {
  AuditLoggingExemptionPolicy,
  ServiceAccountKeyCreationPolicy,
  ServiceAccountKeyUploadPolicy,
  WorkloadIdentityPool,
  WorkloadIdentityProviderPolicy,
} from "../../src";
import { StackModel } from "../../src/analysis/terraform-json";
import { evaluate, failures } from "../../src/guardrails/engine";
import { GuardrailLevel } from "../../src/guardrails/rule";
import { federationOrgPolicies } from "../../src/guardrails/rules/federation-org-policies";
import { C, N, NA, verdicts, violations } from "../guardrails/support";
import { expectInputError, resourcesOf, stackWith, synthJson } from "../support/synth";

const projectId = "acme-dev-1";
const TENANT = "00000000-0000-4000-8000-000000000001";
const policies = (json: any) => Object.fromEntries(resourcesOf(json, "google_org_policy_policy").map(([, c]) => [c.name.split("/").pop(), c]));

function federatedApp(withPolicies: boolean, build?: (platform: TerraformStack, workload: TerraformStack) => void) {
  const app = Testing.app();
  const platform = new TerraformStack(app, "platform-dev");
  const workload = new TerraformStack(app, "buildkite-dev");
  const pool = new WorkloadIdentityPool(workload, "pool", { projectId, poolId: "buildkite-dev" });
  pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme" });
  if (withPolicies) {
    new ServiceAccountKeyCreationPolicy(platform, "no-keys", { projectId });
    new ServiceAccountKeyUploadPolicy(platform, "no-key-upload", { projectId });
    new AuditLoggingExemptionPolicy(platform, "no-exemptions", { projectId });
    new WorkloadIdentityProviderPolicy(platform, "providers", { projectId });
  }
  build?.(platform, workload);
  return { platform, workload, pool };
}

const models = (...stacks: TerraformStack[]) => stacks.map((s) => new StackModel(s.node.id, synthJson(s)));

describe("org policies that make the promises enforceable", () => {
  test("key creation, key upload and audit logging exemptions are enforced on the project", () => {
    const json = synthJson(federatedApp(true).platform);
    for (const constraint of ["iam.disableServiceAccountKeyCreation", "iam.disableServiceAccountKeyUpload", "iam.disableAuditLoggingExemption"]) {
      expect(policies(json)[constraint]).toEqual({
        parent: `projects/${projectId}`,
        name: `projects/${projectId}/policies/${constraint}`,
        spec: { rules: [{ enforce: "TRUE" }] },
      });
    }
  });

  test("iam.workloadIdentityPoolProviders allows exactly the issuers of the project's providers, from every stack", () => {
    const { platform } = federatedApp(true, (_, workload) => {
      // Another project's pool does not widen this project's policy.
      new WorkloadIdentityPool(workload, "other", { projectId: "acme-prod-1", poolId: "github" }).addGitHubActionsProvider("gh", { owner: "acme" });
    });
    expect(policies(synthJson(platform))["iam.workloadIdentityPoolProviders"].spec).toEqual({
      rules: [{ values: { allowed_values: ["https://agent.buildkite.com"] } }],
    });
  });

  test("adding a provider updates the policy; additional issuers are kept", () => {
    const { platform } = federatedApp(false, (p, workload) => {
      new WorkloadIdentityProviderPolicy(p, "providers", { projectId, additionalIssuers: ["https://gitlab.example.com"] });
      const azure = new WorkloadIdentityPool(workload, "azure", { projectId, poolId: "azure-dev" });
      azure.addEntraIdProvider("entra", { tenantId: TENANT, audience: "api://google-federation" });
    });
    expect(policies(synthJson(platform))["iam.workloadIdentityPoolProviders"].spec.rules[0].values.allowed_values).toEqual([
      "https://agent.buildkite.com",
      "https://gitlab.example.com",
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
    ]);
  });

  test("a project without providers denies every identity provider", () => {
    const stack = stackWith((s) => new WorkloadIdentityProviderPolicy(s, "providers", { projectId }));
    expect(policies(synthJson(stack))["iam.workloadIdentityPoolProviders"].spec).toEqual({ rules: [{ deny_all: "TRUE" }] });
  });

  test("bad input is refused with path, property, value and rule", () => {
    expectInputError((s) => new ServiceAccountKeyUploadPolicy(s, "p", { projectId: "dev" }), "test/p", "projectId", '"dev"');
    expectInputError((s) => new WorkloadIdentityProviderPolicy(s, "p", { projectId, additionalIssuers: ["http://insecure.example.com"] }), "test/p", "additionalIssuers[0]", "http://insecure.example.com");
  });
});

describe("FSI-ORG-001 federation needs the org policies", () => {
  test("a project with a provider and none of the policies is flagged, naming every missing one", () => {
    const { platform, workload } = federatedApp(false);
    expect(violations(federationOrgPolicies, ...models(platform, workload))).toEqual([
      expect.stringMatching(
        /project acme-dev-1 federates external identities but: no iam\.disableServiceAccountKeyCreation policy; no iam\.disableServiceAccountKeyUpload policy; no iam\.disableAuditLoggingExemption policy; no iam\.workloadIdentityPoolProviders policy$/,
      ),
    ]);
  });

  test("the four policies in another stack of the app satisfy it; stacks without providers are not applicable", () => {
    const { platform, workload } = federatedApp(true);
    const result = verdicts(federationOrgPolicies, ...models(platform, workload));
    expect(Object.values(result).sort()).toEqual([C, NA].sort());
    expect(result["stack:platform-dev"]).toBe(NA);
  });

  test("an allow list that misses a declared issuer is flagged: Google would refuse the provider", () => {
    const { platform, workload } = federatedApp(true);
    const [p, w] = models(platform, workload);
    const json = JSON.parse(JSON.stringify(p.json));
    for (const policy of Object.values<any>(json.resource.google_org_policy_policy)) {
      if (policy.name.endsWith("iam.workloadIdentityPoolProviders")) policy.spec.rules = [{ values: { allowed_values: ["https://token.actions.githubusercontent.com"] } }];
    }
    expect(violations(federationOrgPolicies, new StackModel("platform-dev", json), w)).toEqual([
      expect.stringContaining("iam.workloadIdentityPoolProviders does not allow https://agent.buildkite.com, which a provider declares"),
    ]);
  });

  test("a boolean policy that is declared but not enforced does not count", () => {
    const { platform, workload } = federatedApp(true);
    const [p, w] = models(platform, workload);
    const json = JSON.parse(JSON.stringify(p.json));
    for (const policy of Object.values<any>(json.resource.google_org_policy_policy)) {
      if (policy.name.endsWith("iam.disableAuditLoggingExemption")) policy.spec.rules = [{ enforce: "FALSE" }];
    }
    expect(violations(federationOrgPolicies, new StackModel("platform-dev", json), w)).toEqual([
      expect.stringContaining("iam.disableAuditLoggingExemption is declared but not enforced"),
    ]);
    // The project's own policy replaces its organization's: an enforcing one above does not help.
    json.resource.google_org_policy_policy.org_level = { parent: "organizations/123", name: "organizations/123/policies/iam.disableAuditLoggingExemption", spec: { rules: [{ enforce: "TRUE" }] } };
    expect(violations(federationOrgPolicies, new StackModel("platform-dev", json), w)).toEqual([
      expect.stringContaining("iam.disableAuditLoggingExemption is declared but not enforced"),
    ]);
  });
});

test("missing policies are a warning: check reports them without failing", () => {
  const { platform, workload } = federatedApp(false);
  const findings = evaluate(models(platform, workload), { crossStack: true });
  expect(findings.filter((f) => f.ruleId === "FSI-ORG-001" && f.status === N).map((f) => f.level)).toEqual([GuardrailLevel.WARNING]);
  expect(failures(findings).map((f) => f.ruleId)).not.toContain("FSI-ORG-001");
});
