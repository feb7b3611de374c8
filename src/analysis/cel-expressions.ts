import { iamGrants } from "./iam-grants";
import { StackModel, TfResource } from "./terraform-json";

/** A CEL expression a resource carries, named by the argument that holds it. */
export interface CelExpression {
  readonly resource: TfResource;
  /** `attribute_condition`, `attribute_mapping["google.subject"]` or `condition.expression`. */
  readonly where: string;
  readonly expression: string;
}

/** Every CEL expression of a stack: providers' conditions and mappings, IAM conditions of every grant. */
export function celExpressionsOf(stack: StackModel): CelExpression[] {
  const out: CelExpression[] = [];
  for (const p of stack.ofType("google_iam_workload_identity_pool_provider")) {
    if (typeof p.config.attribute_condition === "string") out.push({ resource: p, where: "attribute_condition", expression: p.config.attribute_condition });
    for (const [key, value] of Object.entries((p.config.attribute_mapping ?? {}) as object)) {
      if (typeof value === "string") out.push({ resource: p, where: `attribute_mapping["${key}"]`, expression: value });
    }
  }
  for (const g of iamGrants(stack)) {
    if (g.condition !== undefined) out.push({ resource: g.resource, where: "condition.expression", expression: g.condition });
  }
  return out;
}
