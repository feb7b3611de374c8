import { exportBuckets } from "../../analysis/export-copies";
import { IamModel } from "../../analysis/iam-model";
import { StackModel, block, isExpression } from "../../analysis/terraform-json";
import { isProduction } from "../environment";
import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";

/** What makes a bucket of exports unsafe, in the order a reader fixes it. */
function problems(stack: StackModel, bucket: ReturnType<typeof exportBuckets>[number]): string[] {
  const c = bucket.resource.config;
  const out: string[] = [];
  if (c.uniform_bucket_level_access !== true) out.push("uniform_bucket_level_access is not true (object ACLs could share single exports)");
  if (c.public_access_prevention !== "enforced") out.push('public_access_prevention is not "enforced"');
  const policy = block(c.retention_policy);
  const hasPeriod = isExpression(policy?.retention_period) || Number(policy?.retention_period) > 0;
  if (!hasPeriod) out.push("there is no retention_policy, so an export can be altered or deleted at once");
  else if (isProduction(stack, c.labels) && policy.is_locked !== true) out.push("the prod retention_policy is not locked");
  const publicMembers = IamModel.ofStack(stack)
    .grants.filter((g) => g.level === "storage_bucket" && g.target === bucket.bucket)
    .flatMap((g) => g.parsedMembers.filter((m) => m.kind === "public").map((m) => `${m.raw} holds ${g.role}`));
  if (publicMembers.length > 0) out.push(`it is public: ${publicMembers.join(", ")}`);
  return out;
}

export const exportBucketProtected: StackRule = {
  id: "FSI-EXP-001",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description:
    "Buckets labelled as holding a Firestore database's exports have uniform bucket-level access, public_access_prevention = \"enforced\", a retention_policy (locked in prod) and no public members.",
  explanation:
    "An export holds the documents themselves: it is a copy of the database, outside Firestore's IAM conditions and audit " +
    "logs. Object ACLs or a public member would hand it to anyone; without retention an export can be swapped or deleted " +
    "before anyone notices.",
  fix: "Use FirestoreExportBucket, or set uniform_bucket_level_access = true, public_access_prevention = \"enforced\" and retention_policy { retention_period, is_locked in prod }.",
  evaluate(stack: StackModel): RuleResult[] {
    const buckets = exportBuckets(stack);
    const byResource = new Map(buckets.map((b) => [b.resource, b]));
    return eachResource(stack, buckets.map((b) => b.resource), (resource) => {
      const found = problems(stack, byResource.get(resource)!);
      return found.length === 0 ? undefined : `the export bucket of ${byResource.get(resource)!.database}: ${found.join("; ")}`;
    });
  },
};
