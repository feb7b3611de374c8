import { LocalBackend, TerraformStack } from "cdktf";

/**
 * One state per stack. cdktf's implicit local backend writes an absolute path into the
 * output; this relative one (from cdktf.out/stacks/<stack>) keeps output portable and
 * keeps state outside cdktf.out, which synth rewrites.
 */
export function useStateBackend(stack: TerraformStack, stackName: string): void {
  new LocalBackend(stack, { path: `../../../terraform-state/${stackName}.tfstate` });
}
