import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { FirestoreGuardrails, WorkloadIdentityPool } from "../../src";
import { isPresetCel } from "../../src/core/library-cel";

// FSI-CEL-001 skips the parser for CEL the presets wrote in this process (the parser costs a
// tenth of the examples' synth); generated-inputs.test.ts parses what presets write.
function stack(): { app: App; stack: TerraformStack; pool: WorkloadIdentityPool } {
  const app = Testing.app();
  const s = new TerraformStack(app, "ci-dev");
  new GoogleProvider(s, "google", {});
  return { app, stack: s, pool: new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "ci-pool" }) };
}

function celErrors(app: App): string {
  FirestoreGuardrails.applyTo(app, { reports: false });
  try {
    app.synth();
    return "";
  } catch (e) {
    return (e as Error).message.split("\n").filter((l) => l.includes("FSI-CEL-001")).join("\n");
  }
}

test("the presets' conditions and mappings are remembered as written by the library; a user's provider's are not", () => {
  const { pool } = stack();
  const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme-preset-cel" });
  const user = pool.addOidcProvider("user", {
    providerId: "user-oidc",
    issuerUri: "https://issuer.example.com",
    attributeMapping: { "google.subject": 'assertion.sub + "/user-preset-cel"' },
    attributeCondition: 'assertion.aud == "user-preset-cel"',
  });
  expect([buildkite.attributeCondition, ...Object.values(buildkite.attributeMapping)].every(isPresetCel)).toBe(true);
  expect(isPresetCel(user.attributeCondition)).toBe(false);
  expect(isPresetCel(user.attributeMapping["google.subject"])).toBe(false);
});

test("a preset's condition edited through an escape hatch is parsed again and fails FSI-CEL-001; unedited, it passes", () => {
  const edited = stack();
  const provider = edited.pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme", organizationId: "0184990a-477b-4fa8-9968-496074483c77" });
  provider.resource.addOverride("attribute_condition", `${provider.attributeCondition} && (`);
  expect(celErrors(edited.app)).toContain("[FSI-CEL-001] attribute_condition");

  const control = stack();
  control.pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme", organizationId: "0184990a-477b-4fa8-9968-496074483c77" });
  expect(celErrors(control.app)).toBe("");
});
