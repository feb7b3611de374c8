import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { FirestoreDatabase, FirestoreGuardrails, WorkloadIdentityPool, WorkloadServiceAccount } from "../../src";

// The Aspect reads each stack's JSON during validation and hands that same JSON to the
// write that follows, instead of letting cdktf resolve the stack a third time. These
// tests pin that the output is unchanged and that nothing stale survives a failed synth.

function compliantStack(app: App, name: string): { stack: TerraformStack; account: WorkloadServiceAccount } {
  const stack = new TerraformStack(app, name);
  new GoogleProvider(stack, "google", { project: "acme-dev" });
  const pool = new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: `ci-${name}` });
  const buildkite = pool.addBuildkiteProvider("buildkite", { organizationSlug: "acme" });
  const database = FirestoreDatabase.fromExisting(stack, "database", { projectId: "acme-dev", databaseId: "app-data" });
  const account = new WorkloadServiceAccount(stack, "deployer", { projectId: "acme-dev", accountId: "deployer" });
  database.grantReadWrite(account);
  account.allowImpersonation(buildkite.pipeline("deploy"));
  FirestoreGuardrails.suppress(stack, "FSI-LOG-001", "audit logging of acme-dev is declared by the platform team's app");
  return { stack, account };
}

function written(app: App, stack: string): string {
  return fs.readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8");
}

afterEach(() => jest.restoreAllMocks());

test("a guarded synth writes exactly what an unguarded one writes, resolving each stack once instead of twice", () => {
  const resolve = jest.spyOn(TerraformStack.prototype, "toTerraform");
  const plain = Testing.app();
  compliantStack(plain, "app-dev");
  compliantStack(plain, "app-prod");
  plain.synth();
  expect(resolve).toHaveBeenCalledTimes(2);

  resolve.mockClear();
  const guarded = Testing.app();
  const stacks = [compliantStack(guarded, "app-dev").stack, compliantStack(guarded, "app-prod").stack];
  FirestoreGuardrails.applyTo(guarded);
  guarded.synth();
  expect(resolve).toHaveBeenCalledTimes(2);

  for (const name of ["app-dev", "app-prod"]) expect(written(guarded, name)).toEqual(written(plain, name));
  expect(fs.existsSync(path.join(guarded.outdir, "stacks", "app-dev", "guardrails-report.json"))).toBe(true);
  // The hand-over is one-shot: nothing is left on the stacks.
  for (const stack of stacks) expect(Object.prototype.hasOwnProperty.call(stack, "toTerraform")).toBe(false);
});

test("a synth stopped by another validation leaves nothing stale: the next synth writes the changed stack", () => {
  const app = Testing.app();
  const { stack, account } = compliantStack(app, "app-dev");
  let broken = true;
  new Construct(stack, "gate").node.addValidation({ validate: () => (broken ? ["not yet"] : []) });
  FirestoreGuardrails.applyTo(app, { reports: false });
  expect(() => app.synth()).toThrow(/not yet/);

  broken = false;
  account.resource.displayName = "changed after the failed synth";
  expect(Testing.synth(stack)).toContain("changed after the failed synth");
  app.synth();
  expect(written(app, "app-dev")).toContain("changed after the failed synth");
});

test("app.synth() after Testing.fullSynth() writes the current stack", () => {
  const app = Testing.app();
  const { stack, account } = compliantStack(app, "app-dev");
  FirestoreGuardrails.applyTo(app, { reports: false });
  const first = Testing.fullSynth(stack);
  expect(fs.readFileSync(path.join(first, "stacks", "app-dev", "cdk.tf.json"), "utf8")).toContain('"display_name": "deployer"');

  account.resource.displayName = "renamed";
  app.synth();
  expect(written(app, "app-dev")).toContain('"display_name": "renamed"');
});
