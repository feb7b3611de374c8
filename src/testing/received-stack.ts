import { TerraformStack } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { terraformText } from "../core/token-text";
import { stackNameOf } from "../analysis/synth-output";
import { StackModel } from "../analysis/terraform-json";

/**
 * What every matcher accepts: `Testing.synth(stack)` output (a string), the parsed JSON
 * (an object, e.g. a cdk.tf.json read from cdktf.out), or the TerraformStack itself.
 */
export type ReceivedStack = string | object | TerraformStack;

/** A received stack, parsed once per matcher call. */
export interface ReadStack {
  readonly model: StackModel;
  /**
   * False for `Testing.synth` output: it strips every `//` block, and with them construct
   * paths, the stack name and FirestoreGuardrails.suppress() suppressions.
   */
  readonly hasMetadata: boolean;
  /** The construct tree, when the matcher received the stack itself. */
  readonly stack?: TerraformStack;
}

/** Stack name for JSON without metadata; only prod-only rules and messages read it. */
const UNNAMED_STACK = "stack";

export function readStack(received: unknown, matcher: string): ReadStack {
  if (TerraformStack.isStack(received)) {
    // What Testing.synth does, minus its removal of the `//` metadata the guardrails read.
    invokeAspects(received);
    return { model: new StackModel(received.node.id, received.toTerraform()), hasMetadata: true, stack: received };
  }
  let json: unknown = received;
  if (typeof received === "string") {
    try {
      json = JSON.parse(received);
    } catch (e) {
      throw new Error(`${matcher}: the received string is not JSON (${(e as Error).message}); pass Testing.synth(stack), its parsed JSON or the stack`);
    }
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new Error(`${matcher}: expected Testing.synth(stack) output, its parsed JSON or a TerraformStack, but received ${preview(received)}`);
  }
  return { model: new StackModel(stackNameOf(json, UNNAMED_STACK), json), hasMetadata: "//" in json };
}

/**
 * Turns cdktf tokens in a value the test passes (a FederatedPrincipal's iamMember, a
 * custom role's name, a database whose project is a variable) into the `${type.name.attr}`
 * text the synthesized JSON holds, so both sides resolve alike. A reference knows the stack
 * it belongs to, which also covers JSON input; other tokens need the received stack.
 */
export function untokenize(value: string, received: ReadStack, what: string): string {
  const text = terraformText(value, received.stack);
  if (!text) {
    throw new Error(`${what} ${value} holds cdktf tokens that do not name their stack; pass the TerraformStack to expect() instead of its JSON`);
  }
  // Stacks built by the same code share logical ids: another stack's reference would resolve here to this stack's resource.
  if (text.scopeStack !== undefined) throw new Error(`${what} ${text.text} belongs to stack ${text.stack}, not to the stack received (${text.scopeStack}); pass stack ${text.stack}`);
  return text.text;
}

export function preview(value: unknown): string {
  if (typeof value === "string") return value.length > 60 ? `a string starting ${JSON.stringify(value.slice(0, 60))}` : JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? `an object of class ${value.constructor?.name ?? "Object"}` : `${typeof value} ${String(value)}`;
}
