import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/** A fresh stack in a fresh app; the callback declares what the test needs. */
export function stackWith(build: (stack: TerraformStack) => void): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  build(stack);
  return stack;
}

/** Synthesized Terraform JSON of a stack, parsed. */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** All resources of one type in a synthesized stack, as [logicalId, config] pairs without metadata. */
export function resourcesOf(json: any, type: string): Array<[string, any]> {
  return Object.entries(json.resource?.[type] ?? {}).map(([id, cfg]: [string, any]) => {
    const { ["//"]: _meta, ...rest } = cfg;
    return [id, rest];
  });
}

/** Asserts that building throws an error naming path, property, value and rule. */
export function expectInputError(build: (scope: Construct) => unknown, ...fragments: Array<string | RegExp>): void {
  let error: unknown;
  stackWith((stack) => {
    try {
      build(stack);
    } catch (e) {
      error = e;
    }
  });
  expect(error).toBeInstanceOf(Error);
  for (const fragment of fragments) expect((error as Error).message).toMatch(fragment);
}
