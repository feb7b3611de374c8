import { FindingStatus, GuardrailFinding, GuardrailLevel, GuardrailRuleInfo, Rule, RuleResult } from "./rule";
import { RULES } from "./rules";
import { MIN_REASON_LENGTH, Suppression, SuppressionIndex, hasReason, suppressionsOf } from "./suppressions";
import { StackModel } from "../analysis/terraform-json";

/** Findings about suppressions themselves; produced by the engine, not by a rule. */
export const SUPPRESSION_RULES: readonly GuardrailRuleInfo[] = [
  {
    id: "FSI-SUP-001",
    level: GuardrailLevel.ERROR,
    description: `Every suppression has a reason of at least ${MIN_REASON_LENGTH} characters.`,
    explanation: "A suppression without a reason cannot be reviewed; it is not honoured, so the suppressed finding stays too.",
    fix: "Give the suppression a reason that says why the rule does not apply here.",
    crossStack: false,
  },
  {
    id: "FSI-SUP-002",
    level: GuardrailLevel.WARNING,
    description: "Every suppression suppresses a finding.",
    explanation: "An unused suppression outlives the exception it documented and would silently hide a future violation.",
    fix: "Remove the suppression, or move it to the construct that has the finding.",
    crossStack: false,
  },
];

export function ruleInfo(rule: Rule): GuardrailRuleInfo {
  return { id: rule.id, level: rule.level, description: rule.description, explanation: rule.explanation, fix: rule.fix, crossStack: rule.scope === "app" };
}

/** Every rule the engine can report, suppression checks included. */
export function allRuleInfos(): GuardrailRuleInfo[] {
  return [...RULES.map(ruleInfo), ...SUPPRESSION_RULES];
}

export function isKnownRuleId(id: string): boolean {
  return RULES.some((r) => r.id === id);
}

export interface EvaluateOptions {
  /**
   * Run rules that need every stack. The Aspect sees one stack at a time, so it leaves
   * them (and suppressions of them) to the app-level pass of `applyTo` and to the CLI.
   */
  readonly crossStack: boolean;
  /**
   * Run only the rules that need every stack, and report nothing about suppressions: the
   * pass `FirestoreGuardrails.applyTo` makes after the Aspect judged each stack.
   */
  readonly crossStackOnly?: boolean;
}

function compare(a: GuardrailFinding, b: GuardrailFinding): number {
  const keys: Array<keyof GuardrailFinding> = ["stack", "ruleId", "constructPath", "resourceAddress", "status", "message"];
  for (const k of keys) {
    const x = String(a[k] ?? "");
    const y = String(b[k] ?? "");
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Runs the rule pack over synthesized stacks and applies suppressions. Each rule walks
 * the resource types it needs from the per-stack index, so the cost is linear in the
 * number of resources. Findings come back sorted, so reports are byte-for-byte stable.
 */
export function evaluate(stacks: readonly StackModel[], options: EvaluateOptions): GuardrailFinding[] {
  const results: RuleResult[][] = [];
  const ruleOf: Rule[] = [];
  for (const rule of RULES) {
    if (rule.scope === "app") {
      if (!options.crossStack) continue;
      results.push(rule.evaluate(stacks));
      ruleOf.push(rule);
    } else {
      if (options.crossStackOnly) continue;
      for (const stack of stacks) {
        results.push(rule.evaluate(stack));
        ruleOf.push(rule);
      }
    }
  }

  const suppressions = new Map<StackModel, Suppression[]>();
  const indexes = new Map<StackModel, SuppressionIndex>();
  for (const stack of stacks) {
    const list = suppressionsOf(stack);
    suppressions.set(stack, list);
    indexes.set(stack, new SuppressionIndex(list, stack.name));
  }

  const used = new Set<Suppression>();
  const findings: GuardrailFinding[] = [];
  results.forEach((batch, i) => {
    const rule = ruleOf[i];
    for (const r of batch) {
      const constructPath = r.resource?.path ?? r.stack.name;
      const suppression = r.status === FindingStatus.NON_COMPLIANT ? indexes.get(r.stack)!.lookup(rule.id, constructPath) : undefined;
      if (suppression) used.add(suppression);
      findings.push({
        ruleId: rule.id,
        level: rule.level,
        status: suppression ? FindingStatus.SUPPRESSED : r.status,
        stack: r.stack.name,
        constructPath,
        resourceAddress: r.resource?.address,
        message: r.message,
        fix: rule.fix,
        suppressionReason: suppression?.reason,
      });
    }
  });

  if (options.crossStackOnly) return findings.sort(compare);
  const [reasonRule, unusedRule] = SUPPRESSION_RULES;
  for (const stack of stacks) {
    for (const s of suppressions.get(stack)!) {
      const base = { stack: stack.name, constructPath: s.scope, status: FindingStatus.NON_COMPLIANT };
      if (!hasReason(s)) {
        findings.push({ ...base, ruleId: reasonRule.id, level: reasonRule.level, fix: reasonRule.fix, message: `suppression of ${s.ruleId} has no reason of at least ${MIN_REASON_LENGTH} characters, so it is ignored` });
      } else if (!used.has(s) && (options.crossStack || !isCrossStack(s.ruleId))) {
        const what = isKnownRuleId(s.ruleId) ? `no ${s.ruleId} finding at or below this path` : `${s.ruleId} is not a guardrail rule id`;
        findings.push({ ...base, ruleId: unusedRule.id, level: unusedRule.level, fix: unusedRule.fix, message: `unused suppression: ${what}` });
      }
    }
  }
  return findings.sort(compare);
}

function isCrossStack(ruleId: string): boolean {
  return RULES.some((r) => r.id === ruleId && r.scope === "app");
}

/** Findings that fail a build: non-compliant errors. */
export function failures(findings: readonly GuardrailFinding[]): GuardrailFinding[] {
  return findings.filter((f) => f.status === FindingStatus.NON_COMPLIANT && f.level === GuardrailLevel.ERROR);
}
