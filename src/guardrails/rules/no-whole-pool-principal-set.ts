import { iamGrants } from "../../analysis/iam-grants";
import { GuardrailLevel, RuleResult, StackRule, compliant, nonCompliant, notApplicable } from "../rule";
import { StackModel, TfResource } from "../../analysis/terraform-json";

const PREFIX = "principalSet://iam.googleapis.com/";
/** A pool (workload or workforce), by literal name or by a single reference to it. */
const POOL = /^(?:projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+|locations\/global\/workforcePools\/[^/]+|\$\{[^}]+\})$/;

export function isWholePool(member: string): boolean {
  return member.startsWith(PREFIX) && member.endsWith("/*") && POOL.test(member.slice(PREFIX.length, -2));
}

export const noWholePoolPrincipalSet: StackRule = {
  id: "FSI-WIF-003",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "No principalSet that names a whole pool (principalSet://.../workloadIdentityPools/POOL/*).",
  explanation:
    "POOL/* matches every identity any provider of the pool admits, now and after providers are added; access should " +
    "follow one pipeline, repository, app role or subject.",
  fix: "Bind principalSet://.../attribute.KEY/VALUE or principal://.../subject/SUBJECT instead.",
  evaluate(stack: StackModel): RuleResult[] {
    const grants = iamGrants(stack);
    if (grants.length === 0) return [notApplicable(stack)];
    const bad = new Map<TfResource, string>();
    const all = new Set<TfResource>();
    for (const g of grants) {
      all.add(g.resource);
      const whole = g.members.find(isWholePool);
      if (whole) bad.set(g.resource, `${g.role} is granted to the whole pool ${stack.resolve(whole)}`);
    }
    return [...all].map((r) => (bad.has(r) ? nonCompliant(stack, r, bad.get(r)!) : compliant(stack, r)));
  },
};
