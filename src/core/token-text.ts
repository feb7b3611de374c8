import { DefaultTokenResolver, StringConcat, TerraformStack, Token, Tokenization } from "cdktf";
import { IConstruct } from "constructs";

/** A value a caller holds (`sa.iamMember`, `db.databaseName`), written the way the synthesized JSON writes it. */
export interface TerraformText {
  /** The value with cdktf tokens turned into Terraform text (`${google_service_account.x.email}`); plain strings unchanged. */
  readonly text: string;
  /** The id of the stack whose resource a reference token names, when one does: logical ids repeat across stacks. */
  readonly stack?: string;
  /** The id of the scope's stack, when the reference names another one: a value of one stack asked of another. */
  readonly scopeStack?: string;
}

/**
 * Turns the cdktf tokens inside a string into the `${type.name.attr}` text the synthesized
 * JSON holds, so a value the test or caller holds and a binding's member resolve alike. A
 * reference token knows the stack it belongs to; other tokens (variables, functions) need
 * `scope`. Undefined when the string holds tokens and neither tells the stack.
 */
export function terraformText(value: string, scope?: IConstruct): TerraformText | undefined {
  if (!Token.isUnresolved(value)) return { text: value };
  const origin = originStackOf(value);
  const stack = origin ?? (scope ? TerraformStack.of(scope) : undefined);
  if (!stack) return undefined;
  const resolved: unknown = Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  if (typeof resolved !== "string") return undefined;
  const own = scope ? TerraformStack.of(scope) : undefined;
  return { text: resolved, stack: origin?.node.id, scopeStack: origin && own && origin !== own ? own.node.id : undefined };
}

function originStackOf(value: string): TerraformStack | undefined {
  for (const token of Tokenization.reverseString(value).tokens) {
    const origin = (token as { originStack?: unknown }).originStack;
    if (TerraformStack.isStack(origin)) return origin;
  }
  return undefined;
}
