import { judgedConfigResources, unreadableProblem } from "../../analysis/unreadable-config";
import { StackModel } from "../../analysis/terraform-json";
import { GuardrailLevel, RuleResult, StackRule, eachResource } from "../rule";

/** A resource the other rules cannot read would pass all of them: an error, never a silent pass. */
export const readableIam: StackRule = {
  id: "FSI-IAM-004",
  scope: "stack",
  level: GuardrailLevel.ERROR,
  description: "Every IAM member, binding, policy and project audit config is written in a shape the rules can read (strings, lists of strings, policy_data as JSON).",
  explanation:
    "A member that is a number, members that are a string, policy_data that is not JSON or that Terraform computes, or an audit config " +
    "whose exemptions are not a list cannot be judged: every other rule would skip it and `check` would pass a stack it never read.",
  fix: "Write the field in the type the provider documents (member a string, members a list of strings, policy_data the JSON of data.google_iam_policy).",
  evaluate(stack: StackModel): RuleResult[] {
    return eachResource(stack, judgedConfigResources(stack), (r) => unreadableProblem(stack, r));
  },
};
