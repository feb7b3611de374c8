import * as fs from "fs";
import * as path from "path";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { FirestoreGuardrails } from "../../src";
import { DEPLOYER, PROJECT, buildkiteStack, failure } from "./stacks";

describe("toPassFirestoreGuardrails", () => {
  const { stack, json } = buildkiteStack();

  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", JSON.parse(json)],
    ["the stack", stack],
  ])("passes on a compliant stack given as %s; .not says what was checked", (_, received) => {
    expect(received).toPassFirestoreGuardrails();
    expect(failure(() => expect(received).not.toPassFirestoreGuardrails())).toMatch(
      /^expect\(received\)\.not\.toPassFirestoreGuardrails\(\)\n\nExpected guardrail errors, but there are none \(\d+ compliant, 0 warning\(s\), 0 suppressed\)\.$/,
    );
  });

  const insecure = buildkiteStack((s) => {
    new ProjectIamMember(s, "owner", { project: PROJECT, role: "roles/owner", member: DEPLOYER });
    const wide = new ProjectIamMember(s, "wide", { project: PROJECT, role: "roles/datastore.user", member: DEPLOYER });
    FirestoreGuardrails.suppress(wide, "FSI-FS-001", "break-glass access to every dev database, reviewed");
  });

  test.each([
    ["Testing.synth output", insecure.json],
    ["parsed JSON", JSON.parse(insecure.json)],
  ])("fails on %s listing every error with rule, resource and message, and says suppressions were stripped", (_, received) => {
    expect(failure(() => expect(received).toPassFirestoreGuardrails())).toBe(
      [
        "expect(received).toPassFirestoreGuardrails()",
        "",
        "Expected no guardrail errors, but found 2:",
        "  [FSI-FS-001] roles/datastore.user has no condition, so it reaches every database in the project (at google_project_iam_member.wide). " +
          `Fix: ${FirestoreGuardrails.rules().find((r) => r.id === "FSI-FS-001")!.fix}`,
        "  [FSI-IAM-001] google_project_iam_member grants basic role roles/owner (at google_project_iam_member.owner). " +
          `Fix: ${FirestoreGuardrails.rules().find((r) => r.id === "FSI-IAM-001")!.fix}`,
        "",
        "This JSON has no `//` metadata (Testing.synth removes it), so suppressions from FirestoreGuardrails.suppress() were not seen;",
        "pass the TerraformStack itself to honour them.",
      ].join("\n"),
    );
  });

  test("the stack itself keeps construct paths and suppressions", () => {
    const message = failure(() => expect(insecure.stack).toPassFirestoreGuardrails());
    expect(message).toContain("Expected no guardrail errors, but found 1:\n  google_project_iam_member.owner: [FSI-IAM-001] google_project_iam_member grants basic role roles/owner (at buildkite-dev/owner).");
    expect(message).not.toContain("FSI-FS-001");
    expect(message).not.toContain("metadata");
  });

  test("a cdk.tf.json read from cdktf.out keeps its metadata too", () => {
    const file = path.join(__dirname, "..", "fixtures", "synth-output", "stacks", "app-dev", "cdk.tf.json");
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toPassFirestoreGuardrails();
  });
});
