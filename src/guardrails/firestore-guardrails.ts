import * as fs from "fs";
import * as path from "path";
import { AnnotationMetadataEntryType, Annotations, App, Aspects, IAspect, StackAnnotation, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { requireCdktfApp } from "../core/supported-core";
import { check, inputError } from "../core/validate";
import type * as Engine from "./engine";
import { describeFinding, formatReport } from "./finding-formats";
import { FindingStatus, GuardrailFinding, GuardrailLevel, GuardrailRuleInfo } from "./rule";
import { MIN_REASON_LENGTH, SUPPRESSIONS_KEY } from "./suppressions";
import { SimulatorOptions, applyDeployed } from "../analysis/deployed-values";
import { loadSynthOutput } from "../analysis/synth-output";
import { StackModel } from "../analysis/terraform-json";

export interface FirestoreGuardrailsProps {
  /**
   * Write every verdict to `<outdir>/stacks/<stack>/guardrails-report.json`, next to
   * the stack's cdk.tf.json (cdk-nag style).
   * @default true
   */
  readonly reports?: boolean;
}

/**
 * The rule engine and its sixteen rule modules load when rules first run, not with the
 * library: apps that never add the guardrails do not pay for them.
 */
function engine(): typeof Engine {
  return require("./engine");
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
 * Rules that need every stack at once (audit logging owned by a platform stack) run when
 * the whole app is known: `FirestoreGuardrails.applyTo(app)` fails `app.synth()` (and so
 * `cdktf synth`) on them too, and `npx cdktf-firestore-identity check` reads them from
 * cdktf.out. An Aspect added to single stacks leaves them to the CLI.
 */
export class FirestoreGuardrails implements IAspect {
  /**
   * Adds the guardrails to every TerraformStack of the app. cdktf 0.21 never invokes
   * Aspects added to the App itself, so this adds one to each stack now, and again to
   * any stack created later, just before `app.synth()` runs.
   *
   * Rules over every stack (FSI-LOG-001) run as an App validation, which cdktf runs after
   * every stack is synthesized and before it writes manifest.json: a violation fails
   * `app.synth()` with the construct path, rule id and fix, so `cdktf synth` and
   * `cdktf deploy` (which synthesizes first) stop. Whole-app warnings are listed with the
   * per-stack ones in manifest.json, so `cdktf synth` prints both.
   *
   * Throws when the App comes from another core package (CDK Terrain's `cdktn`), which
   * would never run the Aspect: judge such an app's output with the CLI instead.
   */
  public static applyTo(app: App, props: FirestoreGuardrailsProps = {}): FirestoreGuardrails {
    // A CDK Terrain (cdktn) App would never visit the Aspect: refused, not silently unchecked.
    requireCdktfApp(app, "FirestoreGuardrails.applyTo");
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
      app.node.addValidation({ validate: () => crossStackErrors(app) });
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
    requireCdktfApp(construct, "FirestoreGuardrails.suppress");
    const { allRuleInfos, isKnownRuleId } = engine();
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
    return engine().allRuleInfos();
  }

  /**
   * Checks a synthesized cdktf output directory (or one cdk.tf.json file) with every
   * rule, cross-stack rules included; the same engine as the `check` CLI. With states and
   * project numbers, messages name what is deployed (a sink's writer identity, an account's email).
   */
  public static checkSynthOutput(directory: string, options?: SimulatorOptions): GuardrailFinding[] {
    return engine().evaluate(applyDeployed(loadSynthOutput(directory), options), { crossStack: true });
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
        else pendingJson.delete(node);
        done = true;
        return [];
      },
    });
    reuseJsonWhenWriting(node);
  }

  private attach(app: App): void {
    for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
      if (!Aspects.of(stack).all.some((a) => a instanceof FirestoreGuardrails)) Aspects.of(stack).add(this);
    }
  }

  private evaluateStack(stack: TerraformStack): void {
    const json = stack.toTerraform();
    const model = new StackModel(stack.node.id, json);
    const { allRuleInfos, evaluate } = engine();
    const findings = evaluate([model], { crossStack: false });
    const constructs = stack.node.findAll();
    const byPath = new Map<string, IConstruct>(constructs.map((c) => [c.node.path, c]));
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
    pendingJson.set(stack, { json, constructs: constructs.length });
    evaluatedModels.set(stack, model);
  }
}

/** The JSON each stack's rules last read, for the rules over every stack of the app. */
const evaluatedModels = new WeakMap<TerraformStack, StackModel>();

/**
 * Violations of the rules that need every stack, as cdktf App validation messages. It
 * reuses the JSON the per-stack rules read, so no stack is resolved again; the per-stack
 * rules already reported through annotations and do not run again. Their warnings go where
 * the per-stack ones are (see appWarnings).
 */
function crossStackErrors(app: App): string[] {
  const stacks = app.node.findAll().filter(TerraformStack.isStack);
  const models = stacks.map((s) => evaluatedModels.get(s));
  // A stack the Aspect did not read (its validation was skipped) could hold the audit
  // configuration; without it the verdict would be a guess, so the CLI judges instead.
  if (models.some((m) => m === undefined)) return [];
  const { evaluate, failures } = engine();
  const findings = evaluate(models as StackModel[], { crossStack: true, crossStackOnly: true });
  appWarnings(app, stacks, findings);
  return failures(findings).map((f) => `[${f.stack}] ${describeFinding(f)}`);
}

/**
 * Whole-app warnings (FSI-ORG-001, FSI-LOG-005, FSI-EXP-002) as warning annotations of the
 * stack that holds the resource, in manifest.json, where `cdktf synth` prints the per-stack
 * ones from (`printAnnotations` in @cdktf/cli-core reads each stack's `annotations`). A
 * construct annotation would come too late: cdktf copies those into the manifest while it
 * synthesizes each stack, and this runs after the last one, just before manifest.json is
 * written.
 */
function appWarnings(app: App, stacks: TerraformStack[], findings: readonly GuardrailFinding[]): void {
  const byName = new Map(stacks.map((s) => [s.node.id, s]));
  for (const f of findings) {
    const stack = byName.get(f.stack);
    if (stack === undefined || f.status !== FindingStatus.NON_COMPLIANT || f.level !== GuardrailLevel.WARNING) continue;
    const annotations = app.manifest.forStack(stack).annotations as StackAnnotation[];
    annotations.push({ constructPath: f.constructPath, level: AnnotationMetadataEntryType.WARN, message: describeFinding(f) });
  }
}

/** JSON the rules read during this synth's validation, not yet written, per stack. */
const pendingJson = new WeakMap<TerraformStack, { json: unknown; constructs: number }>();
/** cdktf's hook (`addCustomSynthesis` in cdktf/lib/synthesize/synthesizer, not re-exported): an `onSynthesize(session)` object. */
const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");

/**
 * The synthesizer resolves the whole stack again (`stack.toTerraform()`) to write it, right
 * after the validation in which the rules resolved it: without this, a guarded synth
 * resolves every stack three times instead of twice (+45% synth time measured over 400
 * stacks of 62 resources). cdktf calls a stack's custom synthesis after every validation
 * and every other custom synthesis of the stack, just before it collects annotations and
 * writes cdk.tf.json; from there the JSON the rules read is handed to that one write.
 *
 * Only then: not when synth is about to stop on an error annotation, not for HCL output,
 * not when the stack gained or lost constructs since the rules read it, and never later
 * than the current synchronous job. A stack that has a custom synthesis of its own keeps
 * the plain behaviour.
 */
function reuseJsonWhenWriting(stack: TerraformStack): void {
  if (CUSTOM_SYNTHESIS in stack) return;
  const hook = {
    onSynthesize: (): void => {
      const pending = pendingJson.get(stack);
      pendingJson.delete(stack);
      if (pending === undefined) return;
      const synthesizer = stack.synthesizer as { hclOutput?: unknown; continueOnErrorAnnotations?: unknown };
      if (synthesizer.hclOutput === true) return;
      const constructs = stack.node.findAll();
      if (constructs.length !== pending.constructs) return;
      if (synthesizer.continueOnErrorAnnotations !== true && constructs.some(hasErrorAnnotation)) return;
      if (Object.prototype.hasOwnProperty.call(stack, "toTerraform")) return; // patched by someone else
      const holder = stack as unknown as { toTerraform?: () => unknown };
      const restore = (): void => {
        if (holder.toTerraform === toTerraformOnce) delete holder.toTerraform;
      };
      function toTerraformOnce(): unknown {
        restore();
        return pending!.json;
      }
      holder.toTerraform = toTerraformOnce;
      queueMicrotask(restore);
    },
  };
  Object.defineProperty(stack, CUSTOM_SYNTHESIS, { value: hook, enumerable: false });
}

function hasErrorAnnotation(construct: IConstruct): boolean {
  return construct.node.metadata.some((m) => m.type === AnnotationMetadataEntryType.ERROR);
}
