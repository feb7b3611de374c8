import { StackModel } from "../analysis/terraform-json";

/** Minimum reason length, as in cdk-nag: a reason must say something a reviewer can check. */
export const MIN_REASON_LENGTH = 10;

/** Key under the stack's (or a resource's) `//` block where suppressions are recorded. */
export const SUPPRESSIONS_KEY = "guardrails";

/** One suppression as it appears in cdk.tf.json. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Construct path it covers: findings at this path or below. */
  readonly scope: string;
}

/** True when the reason is long enough to be honoured. */
export function hasReason(s: Suppression): boolean {
  return typeof s.reason === "string" && s.reason.trim().length >= MIN_REASON_LENGTH;
}

function parse(entries: unknown, defaultScope: string): Suppression[] {
  if (!Array.isArray(entries)) return [];
  return entries
    .filter((e) => e && typeof e === "object" && typeof e.rule_id === "string")
    .map((e) => ({ ruleId: e.rule_id, reason: typeof e.reason === "string" ? e.reason : "", scope: typeof e.scope === "string" ? e.scope : defaultScope }));
}

/**
 * Suppressions recorded in a stack: `FirestoreGuardrails.suppress` writes them to the
 * stack's top-level `//.guardrails.suppressions` with a construct-path scope; hand-written
 * JSON may also put `{rule_id, reason}` entries in a resource's own `//.guardrails.suppressions`.
 */
export function suppressionsOf(stack: StackModel): Suppression[] {
  const found = parse(stack.json?.["//"]?.[SUPPRESSIONS_KEY]?.suppressions, stack.name);
  for (const r of stack.resources) {
    const entries = r.meta?.[SUPPRESSIONS_KEY]?.suppressions;
    if (entries) found.push(...parse(entries, r.path));
  }
  return found;
}

/** Finds the suppression covering a construct path by walking up its ancestors: linear in path depth. */
export class SuppressionIndex {
  private readonly byScope = new Map<string, Map<string, Suppression>>();

  constructor(suppressions: readonly Suppression[], private readonly stackName: string) {
    for (const s of suppressions) {
      if (!hasReason(s)) continue;
      const rules = this.byScope.get(s.scope) ?? new Map<string, Suppression>();
      if (!rules.has(s.ruleId)) rules.set(s.ruleId, s);
      this.byScope.set(s.scope, rules);
    }
  }

  public lookup(ruleId: string, constructPath: string): Suppression | undefined {
    let path = constructPath;
    for (;;) {
      const hit = this.byScope.get(path)?.get(ruleId);
      if (hit) return hit;
      const cut = path.lastIndexOf("/");
      if (cut < 0) break;
      path = path.slice(0, cut);
    }
    // Stack-wide suppressions are written with the stack's path, which is its name for top-level stacks.
    return path === this.stackName ? undefined : this.byScope.get(this.stackName)?.get(ruleId);
  }
}
