import * as fs from "fs";
import * as path from "path";
import { Annotations, App, Aspects, IAspect, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { check, inputError } from "../core/validate";
import { allRuleInfos, evaluate, isKnownRuleId } from "./engine";
import { describeFinding, formatReport } from "./finding-formats";
import { FindingStatus, GuardrailFinding, GuardrailLevel, GuardrailRuleInfo } from "./rule";
import { MIN_REASON_LENGTH, SUPPRESSIONS_KEY } from "./suppressions";
import { loadSynthOutput } from "./synth-output";
import { StackModel } from "./terraform-json";

export interface FirestoreGuardrailsProps {
  /**
   * Write every verdict to `<outdir>/stacks/<stack>/guardrails-report.json`, next to
   * the stack's cdk.tf.json (cdk-nag style).
   * @default true
   */
  readonly reports?: boolean;
}

/** Suppressions declared through the API, per stack, in declaration order. */
const declared = new WeakMap<TerraformStack, Array<{ rule_id: string; reason: string; scope: string }>>();
const SYNTH_WRAPPED = Symbol.for("cdktf-firestore-identity.guardrails.synth");

/**
 * The guardrail rule pack as a cdktf Aspect. It reads each stack's synthesized Terraform
 * JSON (escape-hatch overrides included) after every other Aspect has run, and turns
 * violations into error annotations on the offending construct, so `cdktf synth` (and
 * `app.synth()` / `Testing.fullSynth`) fail with the rule id, construct path and fix.
 * Warnings become warning annotations.
 *
 * Rules that need every stack at once (audit logging owned by a platform stack) run in
 * `npx cdktf-firestore-identity check`, which reads the whole cdktf.out.
 */
export class FirestoreGuardrails implements IAspect {
  /**
   * Adds the guardrails to every TerraformStack of the app. cdktf 0.21 never invokes
   * Aspects added to the App itself, so this adds one to each stack now, and again to
   * any stack created later, just before `app.synth()` runs.
   */
  public static applyTo(app: App, props: FirestoreGuardrailsProps = {}): FirestoreGuardrails {
    const guardrails = new FirestoreGuardrails(props);
    guardrails.attach(app);
    const holder = app as unknown as { [SYNTH_WRAPPED]?: boolean; synth: () => void };
    if (!holder[SYNTH_WRAPPED]) {
      const synth = app.synth.bind(app);
      holder.synth = () => {
        guardrails.attach(app);
        synth();
      };
      holder[SYNTH_WRAPPED] = true;
    }
    return guardrails;
  }

  /**
   * Suppresses one rule for a construct and everything below it. The suppression is
   * written into the stack's cdk.tf.json (`//.guardrails.suppressions`), so the `check`
   * CLI honours it too; an unused suppression is reported as FSI-SUP-002.
   *
   * @param construct a resource, a higher-level construct, or a whole stack
   * @param ruleId e.g. `FSI-IAM-001`
   * @param reason why the rule does not apply here, at least 10 characters
   */
  public static suppress(construct: IConstruct, ruleId: string, reason: string): void {
    if (!isKnownRuleId(ruleId)) {
      throw inputError(construct, "ruleId", ruleId, `must be a guardrail rule id (${allRuleInfos().map((r) => r.id).join(", ")})`);
    }
    check(construct, "reason", reason, {
      test: (r: string) => typeof r === "string" && r.trim().length >= MIN_REASON_LENGTH,
      rule: `must explain the exception in at least ${MIN_REASON_LENGTH} characters`,
    });
    const stack = TerraformStack.of(construct);
    const list = declared.get(stack) ?? [];
    declared.set(stack, list);
    list.push({ rule_id: ruleId, reason: reason.trim(), scope: construct.node.path });
    stack.addOverride(`//.${SUPPRESSIONS_KEY}.suppressions`, [...list]);
  }

  /** Every rule, with its id, level, description, explanation and fix. */
  public static rules(): GuardrailRuleInfo[] {
    return allRuleInfos();
  }

  /**
   * Checks a synthesized cdktf output directory (or one cdk.tf.json file) with every
   * rule, cross-stack rules included; the same engine as the `check` CLI.
   */
  public static checkSynthOutput(directory: string): GuardrailFinding[] {
    return evaluate(loadSynthOutput(directory), { crossStack: true });
  }

  private readonly reports: boolean;
  private readonly registered = new WeakSet<TerraformStack>();

  constructor(props: FirestoreGuardrailsProps = {}) {
    this.reports = props.reports ?? true;
  }

  /**
   * On a stack, registers a validation that evaluates the rules. Validations run after
   * every Aspect of the stack, so the rules see the final JSON even when other Aspects
   * edit resources.
   */
  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.registered.has(node)) return;
    this.registered.add(node);
    let done = false;
    node.node.addValidation({
      validate: () => {
        // app.synth() after Testing.fullSynth() validates again; annotate once.
        if (!done) this.evaluateStack(node);
        done = true;
        return [];
      },
    });
  }

  private attach(app: App): void {
    for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
      if (!Aspects.of(stack).all.some((a) => a instanceof FirestoreGuardrails)) Aspects.of(stack).add(this);
    }
  }

  private evaluateStack(stack: TerraformStack): void {
    const model = new StackModel(stack.node.id, stack.toTerraform());
    const findings = evaluate([model], { crossStack: false });
    const byPath = new Map<string, IConstruct>(stack.node.findAll().map((c) => [c.node.path, c]));
    for (const f of findings) {
      if (f.status !== FindingStatus.NON_COMPLIANT) continue;
      const target = byPath.get(f.constructPath) ?? stack;
      if (f.level === GuardrailLevel.ERROR) Annotations.of(target).addError(describeFinding(f));
      else Annotations.of(target).addWarning(describeFinding(f));
    }
    if (this.reports) {
      const dir = path.join(App.of(stack).outdir, "stacks", stack.node.id);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "guardrails-report.json"), formatReport(allRuleInfos().filter((r) => !r.crossStack), findings));
    }
  }
}
