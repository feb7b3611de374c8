import { GcsBackend, LocalBackend, TerraformStack } from "cdktf";

/**
 * One Terraform state per stack. With STATE_BUCKET set, states live in that GCS bucket
 * under `cdktf-firestore-identity/<stack>`; otherwise in a local file. cdktf's implicit
 * local backend writes an absolute path into the output; this relative one (seen from
 * cdktf.out/stacks/<stack>) keeps the output portable and the state outside cdktf.out.
 */
export function useStateBackend(stack: TerraformStack, stackName: string, env: NodeJS.ProcessEnv = process.env): void {
  const bucket = env.STATE_BUCKET;
  if (bucket) {
    new GcsBackend(stack, { bucket, prefix: `cdktf-firestore-identity/${stackName}` });
  } else {
    new LocalBackend(stack, { path: `../../../terraform-state/${stackName}.tfstate` });
  }
}
