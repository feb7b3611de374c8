import * as fs from "fs";
import * as path from "path";
import { IamWorkloadIdentityPool } from "@cdktf/provider-google/lib/iam-workload-identity-pool";
import { IamWorkloadIdentityPoolProvider } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { AuditLogDestination, FirestoreAuditLogging, FirestoreGuardrails } from "../../src";

const SA = "serviceAccount:app@acme-dev.iam.gserviceaccount.com";
const DB = { title: "app database", expression: 'resource.name == "projects/acme-dev/databases/app"' };

/** A stack with a google provider (cdktf's own validation requires one). */
function googleStack(app: App, name: string): TerraformStack {
  const stack = new TerraformStack(app, name);
  new GoogleProvider(stack, "google", { project: "acme-dev" });
  return stack;
}

function insecure(stack: TerraformStack): void {
  new ProjectIamMember(stack, "owner", { project: "acme-dev", role: "roles/owner", member: SA });
  const pool = new IamWorkloadIdentityPool(stack, "pool", { project: "acme-dev", workloadIdentityPoolId: "ci" });
  new IamWorkloadIdentityPoolProvider(stack, "provider", {
    project: "acme-dev",
    workloadIdentityPoolId: pool.workloadIdentityPoolId,
    workloadIdentityPoolProviderId: "github",
    attributeMapping: { "google.subject": "assertion.sub" },
    oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
  });
  new ProjectIamMember(stack, "reader", { project: "acme-dev", role: "roles/datastore.viewer", member: SA });
}

function synthError(app: App): string {
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("synth did not fail");
}

describe("FirestoreGuardrails Aspect", () => {
  test("app.synth() fails on a basic role, an unconditioned provider and a missing database condition, naming rule, path and fix", () => {
    const app = Testing.app();
    insecure(googleStack(app, "app-dev"));
    FirestoreGuardrails.applyTo(app, { reports: false });
    const message = synthError(app);
    expect(message).toContain("[app-dev/owner] [FSI-IAM-001] google_project_iam_member grants basic role roles/owner (at app-dev/owner). Fix: Grant a predefined role");
    expect(message).toContain("[app-dev/provider] [FSI-WIF-001] attribute_condition is missing or empty");
    expect(message).toContain("[app-dev/provider] [FSI-WIF-002] GitHub Actions provider's attribute_condition does not compare repository_owner");
    expect(message).toContain("[app-dev/reader] [FSI-FS-001] roles/datastore.viewer has no condition");
  });

  test("Testing.fullSynth fails too; a compliant stack synthesizes", () => {
    const bad = googleStack(Testing.app(), "bad");
    Aspects.of(bad).add(new FirestoreGuardrails({ reports: false }));
    new ProjectIamMember(bad, "editor", { project: "acme-dev", role: "roles/editor", member: SA });
    expect(() => Testing.fullSynth(bad)).toThrow(/\[bad\/editor\] \[FSI-IAM-001\]/);

    const good = googleStack(Testing.app(), "good");
    Aspects.of(good).add(new FirestoreGuardrails({ reports: false }));
    new ProjectIamMember(good, "reader", { project: "acme-dev", role: "roles/datastore.viewer", member: SA, condition: DB });
    expect(() => Testing.fullSynth(good)).not.toThrow();
  });

  test("sees escape-hatch overrides: the rules read what Terraform receives", () => {
    const app = Testing.app();
    const stack = googleStack(app, "app-dev");
    const grant = new ProjectIamMember(stack, "reader", { project: "acme-dev", role: "roles/datastore.viewer", member: SA, condition: DB });
    grant.addOverride("role", "roles/owner");
    FirestoreGuardrails.applyTo(app, { reports: false });
    expect(synthError(app)).toContain("[FSI-IAM-001] google_project_iam_member grants basic role roles/owner");
  });

  test("applyTo also covers stacks created after it (cdktf never runs App-level Aspects)", () => {
    const app = Testing.app();
    FirestoreGuardrails.applyTo(app, { reports: false });
    const late = googleStack(app, "late-dev");
    new ProjectIamMember(late, "owner", { project: "acme-dev", role: "roles/owner", member: SA });
    expect(synthError(app)).toContain("[late-dev/owner] [FSI-IAM-001]");
  });

  test("suppressions: honoured, written to cdk.tf.json, unused ones warned about, bad ones rejected", () => {
    const app = Testing.app();
    const stack = googleStack(app, "app-dev");
    const owner = new ProjectIamMember(stack, "owner", { project: "acme-dev", role: "roles/owner", member: SA });
    FirestoreGuardrails.suppress(owner, "FSI-IAM-001", "break-glass account reviewed quarterly");
    FirestoreGuardrails.suppress(stack, "FSI-IAM-002", "no keys here, suppression kept for the test");
    FirestoreGuardrails.suppress(stack, "FSI-LOG-001", "cross-stack rule: left to the CLI");
    expect(() => FirestoreGuardrails.suppress(owner, "FSI-IAM-001", "because")).toThrow(/app-dev\/owner: invalid reason "because": must explain the exception in at least 10 characters/);
    expect(() => FirestoreGuardrails.suppress(owner, "FSI-NOPE-001", "a long enough reason")).toThrow(/invalid ruleId "FSI-NOPE-001"/);
    FirestoreGuardrails.applyTo(app);
    app.synth();

    const json = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks/app-dev/cdk.tf.json"), "utf8"));
    expect(json["//"].guardrails.suppressions).toEqual([
      { rule_id: "FSI-IAM-001", reason: "break-glass account reviewed quarterly", scope: "app-dev/owner" },
      { rule_id: "FSI-IAM-002", reason: "no keys here, suppression kept for the test", scope: "app-dev" },
      { rule_id: "FSI-LOG-001", reason: "cross-stack rule: left to the CLI", scope: "app-dev" },
    ]);
    const warnings = app.manifest.stacks["app-dev"].annotations.filter((a) => a.level === "@cdktf/warn").map((a) => a.message);
    expect(warnings).toEqual([expect.stringContaining("[FSI-SUP-002] unused suppression: no FSI-IAM-002 finding at or below this path")]);

    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, "stacks/app-dev/guardrails-report.json"), "utf8"));
    expect(report.findings).toContainEqual(expect.objectContaining({ ruleId: "FSI-IAM-001", status: "suppressed", suppressionReason: "break-glass account reviewed quarterly" }));
    expect(report.summary).toMatchObject({ errors: 0, warnings: 1, suppressed: 1 });
  });

  test("a suppression on a higher-level construct covers the resources below it, for per-stack and cross-stack rules", () => {
    const app = Testing.app();
    const stack = googleStack(app, "app-dev");
    FirestoreGuardrails.suppress(stack, "FSI-IAM-001", "legacy project, migration tracked in TICKET-1");
    FirestoreGuardrails.suppress(stack, "FSI-LOG-001", "audit logging of this project is managed by the security team");
    new ProjectIamMember(stack, "owner", { project: "acme-dev", role: "roles/owner", member: SA });
    FirestoreGuardrails.applyTo(app, { reports: false });
    expect(() => app.synth()).not.toThrow();
  });

  test("applyTo fails app.synth() on a cross-stack rule before manifest.json is written; audit logging in another stack satisfies it", () => {
    const build = (withPlatform: boolean): App => {
      const app = Testing.app();
      const orders = googleStack(app, "orders-dev");
      new ProjectIamMember(orders, "reader", { project: "acme-dev", role: "roles/datastore.viewer", member: SA, condition: DB });
      if (withPlatform) {
        const platform = googleStack(app, "platform-dev");
        new FirestoreAuditLogging(platform, "audit", { projectId: "acme-dev", destination: AuditLogDestination.logBucket({ bucketId: "firestore-audit", retentionDays: 400 }) });
      }
      FirestoreGuardrails.applyTo(app, { reports: false });
      return app;
    };
    const failing = build(false);
    expect(synthError(failing)).toContain(
      "[orders-dev] [FSI-LOG-001] project acme-dev grants Firestore roles but no stack logs DATA_READ and DATA_WRITE for datastore.googleapis.com without exemptions (at orders-dev/reader). Fix: Declare google_project_iam_audit_config",
    );
    expect(fs.existsSync(path.join(failing.outdir, "manifest.json"))).toBe(false);

    const passing = build(true);
    passing.synth();
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(passing.outdir, "manifest.json"), "utf8")).stacks).sort()).toEqual(["orders-dev", "platform-dev"]);
  });

  test("an Aspect added to single stacks leaves cross-stack rules to the check CLI", () => {
    const app = Testing.app();
    const orders = googleStack(app, "orders-dev");
    new ProjectIamMember(orders, "reader", { project: "acme-dev", role: "roles/datastore.viewer", member: SA, condition: DB });
    Aspects.of(orders).add(new FirestoreGuardrails({ reports: false }));
    expect(() => app.synth()).not.toThrow();
  });

  test("rules() lists every rule with id, level, description, explanation and fix", () => {
    const rules = FirestoreGuardrails.rules();
    expect(rules.map((r) => r.id)).toEqual([
      "FSI-IAM-001", "FSI-IAM-002", "FSI-IAM-003", "FSI-IAM-004", "FSI-IAM-005", "FSI-WIF-001", "FSI-WIF-002", "FSI-WIF-003", "FSI-WIF-004", "FSI-ORG-001", "FSI-CEL-001", "FSI-CEL-002", "FSI-FS-001", "FSI-LOG-001",
      "FSI-LOG-005", "FSI-LOG-002", "FSI-LOG-003", "FSI-LOG-004", "FSI-EXP-001", "FSI-EXP-002", "FSI-ENTRA-001", "FSI-ENTRA-002", "FSI-ENTRA-003", "FSI-SEC-001", "FSI-SUP-001", "FSI-SUP-002",
    ]);
    for (const r of rules) expect([r.description, r.explanation, r.fix].every((t) => t.length > 20)).toBe(true);
    expect(rules.filter((r) => r.crossStack).map((r) => r.id)).toEqual(["FSI-IAM-005", "FSI-ORG-001", "FSI-LOG-001", "FSI-LOG-005", "FSI-EXP-002"]);
  });
});
