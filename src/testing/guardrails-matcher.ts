import { evaluate, failures } from "../guardrails/engine";
import { describeFinding } from "../guardrails/finding-formats";
import { FindingStatus, GuardrailFinding, GuardrailLevel } from "../guardrails/rule";
import { MatcherResult, bullets, result } from "./matcher-result";
import { readStack } from "./received-stack";

const MATCHER = "toPassFirestoreGuardrails";

/** The annotation text `cdktf synth` shows, led by the Terraform address when the path alone would not give it. */
function describe(f: GuardrailFinding): string {
  return f.resourceAddress && f.resourceAddress !== f.constructPath ? `${f.resourceAddress}: ${describeFinding(f)}` : describeFinding(f);
}

/**
 * Passes when the guardrail rules that need one stack find no error, after suppressions.
 * Rules over every stack of an app (audit logging owned by a platform stack) run in
 * `app.synth()` under `FirestoreGuardrails.applyTo` and in `npx cdktf-firestore-identity check`.
 */
export function toPassFirestoreGuardrails(received: unknown): MatcherResult {
  const stack = readStack(received, MATCHER);
  const findings = evaluate([stack.model], { crossStack: false });
  const errors = failures(findings);
  const count = (status: FindingStatus, level?: GuardrailLevel) => findings.filter((f) => f.status === status && (!level || f.level === level)).length;
  return result(
    MATCHER,
    errors.length === 0,
    () => [
      `Expected no guardrail errors, but found ${errors.length}:`,
      ...bullets(errors.map(describe)),
      ...(stack.hasMetadata
        ? []
        : [
            "",
            "This JSON has no `//` metadata (Testing.synth removes it), so suppressions from FirestoreGuardrails.suppress() were not seen;",
            "pass the TerraformStack itself to honour them.",
          ]),
    ],
    () => [
      `Expected guardrail errors, but there are none (${count(FindingStatus.COMPLIANT)} compliant, ` +
        `${count(FindingStatus.NON_COMPLIANT, GuardrailLevel.WARNING)} warning(s), ${count(FindingStatus.SUPPRESSED)} suppressed).`,
    ],
    "",
  );
}
