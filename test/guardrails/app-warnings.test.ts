import * as fs from "fs";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import {
  AuditLogDestination,
  AuditLoggingExemptionPolicy,
  FirestoreAuditLogging,
  FirestoreGuardrails,
  ServiceAccountKeyCreationPolicy,
  ServiceAccountKeyUploadPolicy,
  WorkloadIdentityPool,
  WorkloadIdentityProviderPolicy,
} from "../../src";

/**
 * `cdktf synth` prints the annotations each stack carries in manifest.json
 * (printAnnotations in @cdktf/cli-core/src/lib/synth.ts reads `stack.annotations`). The
 * whole-app rules run after the last stack is synthesized, so their warnings are added to
 * the manifest there; these tests read what the CLI reads, and run the CLI's printer on it.
 */
function app(projects: Array<{ projectId: string; policies: boolean }>): App {
  const app = Testing.app();
  for (const { projectId, policies } of projects) {
    const platform = new TerraformStack(app, `platform-${projectId}`);
    new GoogleProvider(platform, "google", {});
    new FirestoreAuditLogging(platform, "audit", { projectId, destination: AuditLogDestination.logBucket({ bucketId: "firestore-audit", retentionDays: 400 }) });
    if (policies) {
      new ServiceAccountKeyCreationPolicy(platform, "no-keys", { projectId });
      new ServiceAccountKeyUploadPolicy(platform, "no-key-upload", { projectId });
      new AuditLoggingExemptionPolicy(platform, "no-exemption", { projectId });
      new WorkloadIdentityProviderPolicy(platform, "issuers", { projectId });
    }
    const ci = new TerraformStack(app, `ci-${projectId}`);
    new GoogleProvider(ci, "google", {});
    new WorkloadIdentityPool(ci, "pool", { projectId, poolId: "ci-pool" }).addBuildkiteProvider("buildkite", { organizationSlug: "acme", organizationId: "0190ed86-7d1b-4d0b-9e4e-3a1e47c5d1c2" });
  }
  FirestoreGuardrails.applyTo(app, { reports: false });
  return app;
}

function manifestWarnings(outdir: string): Array<{ stack: string; constructPath: string; message: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  return Object.entries<any>(manifest.stacks).flatMap(([stack, m]) =>
    (m.annotations as any[]).filter((a) => a.level === "@cdktf/warn").map((a) => ({ stack, constructPath: a.constructPath, message: a.message })),
  );
}

test("a whole-app warning (FSI-ORG-001) reaches manifest.json on the stack of the resource, where cdktf synth prints it; a project with the policies has none", () => {
  const synthesized = app([
    { projectId: "acme-dev", policies: false },
    { projectId: "acme-prod", policies: true },
  ]);
  synthesized.synth();
  const org = manifestWarnings(synthesized.outdir).filter((w) => w.message.includes("[FSI-ORG-001]"));
  expect(org).toEqual([expect.objectContaining({ stack: "ci-acme-dev", constructPath: "ci-acme-dev/pool/buildkite/Resource" })]);
  expect(org[0].message).toContain("Fix:");

  // What `cdktf synth` does with the manifest: the same printer, on the same stacks.
  const { printAnnotations } = require("@cdktf/cli-core/src/lib/synth") as { printAnnotations(stacks: unknown[]): void };
  const manifest = JSON.parse(fs.readFileSync(path.join(synthesized.outdir, "manifest.json"), "utf8"));
  const printed: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((line: string) => void printed.push(String(line)));
  try {
    printAnnotations(Object.values(manifest.stacks));
  } finally {
    log.mockRestore();
  }
  expect(printed.some((l) => l.includes("WARN [ci-acme-dev/pool/buildkite/Resource]: [FSI-ORG-001]"))).toBe(true);
});

test("a synth run twice reports each whole-app warning once", () => {
  const synthesized = app([{ projectId: "acme-dev", policies: false }]);
  synthesized.synth();
  synthesized.synth();
  expect(manifestWarnings(synthesized.outdir).filter((w) => w.message.includes("[FSI-ORG-001]"))).toHaveLength(1);
});
