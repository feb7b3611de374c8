import { sarifLog } from "../core/sarif";
import { FindingStatus, GuardrailFinding, GuardrailLevel, GuardrailRuleInfo } from "./rule";

/** Findings a reader acts on: violations and the suppressions that hide them. */
function notable(findings: readonly GuardrailFinding[]): GuardrailFinding[] {
  return findings.filter((f) => f.status === FindingStatus.NON_COMPLIANT || f.status === FindingStatus.SUPPRESSED);
}

function count(findings: readonly GuardrailFinding[]) {
  const open = findings.filter((f) => f.status === FindingStatus.NON_COMPLIANT);
  return {
    errors: open.filter((f) => f.level === GuardrailLevel.ERROR).length,
    warnings: open.filter((f) => f.level === GuardrailLevel.WARNING).length,
    suppressed: findings.filter((f) => f.status === FindingStatus.SUPPRESSED).length,
    compliant: findings.filter((f) => f.status === FindingStatus.COMPLIANT).length,
  };
}

/** One message per violation, as shown in annotations and the text report. */
export function describeFinding(f: GuardrailFinding): string {
  return `[${f.ruleId}] ${f.message} (at ${f.constructPath}). Fix: ${f.fix}`;
}

export function formatText(findings: readonly GuardrailFinding[]): string {
  const lines: string[] = [];
  for (const f of notable(findings)) {
    const label = f.status === FindingStatus.SUPPRESSED ? "SUPPRESSED" : f.level.toUpperCase();
    lines.push(`${label.padEnd(10)} ${f.ruleId.padEnd(13)} ${f.stack}: ${f.constructPath}${f.resourceAddress ? ` (${f.resourceAddress})` : ""}`);
    lines.push(`           ${f.message}`);
    lines.push(f.status === FindingStatus.SUPPRESSED ? `           reason: ${f.suppressionReason}` : `           fix: ${f.fix}`);
  }
  const c = count(findings);
  lines.push(`${c.errors} error(s), ${c.warnings} warning(s), ${c.suppressed} suppressed, ${c.compliant} compliant`);
  return lines.join("\n") + "\n";
}

/**
 * The report file written next to the synthesized output (cdk-nag style): every verdict,
 * sorted, one per line. Verdicts without a violation leave out the rule's level and fix
 * (which `rules` holds once) and the message: on large apps they made the report several
 * times the size of cdk.tf.json.
 */
export function formatReport(rules: readonly GuardrailRuleInfo[], findings: readonly GuardrailFinding[]): string {
  const verdicts = findings.map((f) => {
    if (f.status === FindingStatus.NON_COMPLIANT || f.status === FindingStatus.SUPPRESSED) return f;
    const { level: _level, fix: _fix, message: _message, ...verdict } = f;
    return verdict;
  });
  const indentedRules = JSON.stringify(rules, null, 2).replace(/\n/g, "\n  ");
  const lines = verdicts.map((v) => `    ${JSON.stringify(v)}`).join(",\n");
  return `{\n  "summary": ${JSON.stringify(count(findings))},\n  "rules": ${indentedRules},\n  "findings": [${lines ? `\n${lines}\n  ` : ""}]\n}\n`;
}

export function formatJson(findings: readonly GuardrailFinding[]): string {
  return JSON.stringify({ summary: count(findings), findings: notable(findings) }, null, 2) + "\n";
}

/** SARIF 2.1.0, for code-scanning UIs; locations point at the stack's cdk.tf.json and name the construct path. */
export function formatSarif(rules: readonly GuardrailRuleInfo[], findings: readonly GuardrailFinding[], fileOf: (stack: string) => string): string {
  return sarifLog(
    "cdktf-firestore-identity",
    rules.map((r) => ({
      id: r.id,
      shortDescription: { text: r.description },
      fullDescription: { text: r.explanation },
      help: { text: r.fix },
      defaultConfiguration: { level: r.level },
    })),
    notable(findings).map((f) => ({
      ruleId: f.ruleId,
      level: f.level,
      message: { text: `${f.message}. Fix: ${f.fix}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: fileOf(f.stack) } },
          logicalLocations: [{ fullyQualifiedName: f.constructPath, kind: "resource" }],
        },
      ],
      ...(f.status === FindingStatus.SUPPRESSED ? { suppressions: [{ kind: "inSource", justification: f.suppressionReason }] } : {}),
    })),
  );
}
