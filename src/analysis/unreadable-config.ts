import { IAM_RESOURCE } from "./iam-grants";
import { Json, StackModel, TfResource, block, isLiteral } from "./terraform-json";

/**
 * IAM resources and audit configs whose fields have a type Terraform would not accept (a
 * number where a member belongs, a string where a list belongs) or that no reader can parse
 * (policy_data that is not JSON, or that Terraform computes). The model reads what it can and
 * skips the rest, so without this a stack it could not read would pass every rule; here each
 * such resource gets its reason, and the guardrail turns it into an error.
 */

const isStringList = (v: unknown) => Array.isArray(v) && v.every((e) => typeof e === "string");
/** A list Terraform computes (`${var.members}`) is a value, not a wrong type. */
const isListOrExpression = (v: unknown) => isStringList(v) || (typeof v === "string" && v.includes("${"));

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const text = JSON.stringify(value);
  return `${typeof value} ${text !== undefined && text.length > 60 ? `${text.slice(0, 60)}...` : text}`;
}

function conditionProblem(condition: Json): string | undefined {
  if (condition === undefined) return undefined;
  const c = block(condition);
  if (c === undefined || typeof c.expression !== "string") return `condition.expression is ${describe(c?.expression ?? condition)}, not a string`;
  return undefined;
}

function bindingProblems(bindings: unknown, where: string): string[] {
  if (!Array.isArray(bindings)) return [`${where} bindings is ${describe(bindings)}, not a list`];
  return bindings.flatMap((b: Json, i: number) => {
    const out: string[] = [];
    if (typeof b !== "object" || b === null) return [`${where} bindings[${i}] is ${describe(b)}, not an object`];
    if (typeof b.role !== "string") out.push(`${where} bindings[${i}].role is ${describe(b.role)}, not a string`);
    if (!isStringList(b.members)) out.push(`${where} bindings[${i}].members is ${describe(b.members)}, not a list of strings`);
    if (b.condition !== undefined && typeof b.condition?.expression !== "string") out.push(`${where} bindings[${i}].condition.expression is not a string`);
    return out;
  });
}

function policyDataProblems(stack: StackModel, policyData: unknown): string[] {
  const ref = stack.referenced(policyData);
  if (ref) return ref.resource.type === "google_iam_policy" && ref.resource.mode === "data" ? [] : [`policy_data refers to ${ref.resource.address}, not a data.google_iam_policy the rules can read`];
  if (typeof policyData !== "string") return [`policy_data is ${describe(policyData)}, not the policy's JSON text`];
  if (!isLiteral(policyData)) return ["policy_data is computed by Terraform (an expression), so no rule can read its bindings: write the JSON, or use data.google_iam_policy"];
  let parsed: Json;
  try {
    parsed = JSON.parse(policyData);
  } catch (e) {
    return [`policy_data is not valid JSON (${(e as Error).message})`];
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return [`policy_data is ${describe(parsed)}, not a policy object`];
  return parsed.bindings === undefined ? [] : bindingProblems(parsed.bindings, "policy_data");
}

function iamProblems(stack: StackModel, resource: TfResource): string[] {
  const c = resource.config;
  if (resource.type.endsWith("_iam_policy")) return policyDataProblems(stack, c.policy_data);
  const out: string[] = [];
  if (typeof c.role !== "string") out.push(`role is ${describe(c.role)}, not a string`);
  if (resource.type.endsWith("_iam_member")) {
    if (typeof c.member !== "string") out.push(`member is ${describe(c.member)}, not a string`);
  } else if (!isListOrExpression(c.members)) {
    out.push(`members is ${describe(c.members)}, not a list of strings`);
  }
  const condition = conditionProblem(c.condition);
  if (condition) out.push(condition);
  return out;
}

function auditConfigProblems(resource: TfResource): string[] {
  const c = resource.config;
  const out: string[] = [];
  if (typeof c.service !== "string") out.push(`service is ${describe(c.service)}, not a string`);
  const logs = c.audit_log_config;
  const list = Array.isArray(logs) ? logs : logs !== undefined ? [logs] : [];
  if (logs === undefined || list.length === 0) out.push("audit_log_config is missing: the config logs nothing the rules can see");
  list.forEach((l: Json, i: number) => {
    if (typeof l !== "object" || l === null || Array.isArray(l)) return void out.push(`audit_log_config[${i}] is ${describe(l)}, not a block`);
    if (typeof l.log_type !== "string") out.push(`audit_log_config[${i}].log_type is ${describe(l.log_type)}, not a string`);
    if (l.exempted_members !== undefined && !isListOrExpression(l.exempted_members)) out.push(`audit_log_config[${i}].exempted_members is ${describe(l.exempted_members)}, not a list of strings`);
  });
  return out;
}

/** The resources this check reads: every IAM member, binding and policy, and every project audit config. */
export function judgedConfigResources(stack: StackModel): TfResource[] {
  return [...stack.typesMatching(IAM_RESOURCE).flatMap((t) => stack.ofType(t)), ...stack.ofType("google_project_iam_audit_config")];
}

/** Why the rules cannot read this resource, or undefined when they can. */
export function unreadableProblem(stack: StackModel, resource: TfResource): string | undefined {
  const problems = resource.type === "google_project_iam_audit_config" ? auditConfigProblems(resource) : iamProblems(stack, resource);
  return problems.length === 0 ? undefined : `${resource.type} cannot be judged: ${problems.join("; ")}`;
}
