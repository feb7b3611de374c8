/**
 * The boundary between what a caller holds and what the model reads: a member, database or
 * project given as a library object (anything with an `iamMember`, a `databaseName`) or as
 * a string holding cdktf tokens (`sa.iamMember` is `serviceAccount:${TfToken[…]}` until
 * synth) becomes the text the stacks declare, resolved the way bindings are. Without it a
 * token matches no binding and every answer is a silent DENIED: a `.not` test that cannot
 * fail. What the stacks cannot resolve is an error that names it, never a guess.
 */
import type { IConstruct } from "constructs";
import { terraformText } from "../core/token-text";
import { cut } from "../core/validate";
import { AccessRequest } from "./access-request";
import { IamModel } from "./iam-model";
import { parseMember } from "./members";
import { stackNameOf } from "./synth-output";
import { StackModel } from "./terraform-json";

const REFERENCE = /\$\{(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}/g;

/** A string, or the named string property of an object (a principal's iamMember, a database's databaseName); anything else as it is, for validation to refuse. */
export function textOf(value: unknown, property: "iamMember" | "databaseName" | "projectId"): unknown {
  if (value !== null && typeof value === "object" && typeof (value as Record<string, unknown>)[property] === "string") {
    return (value as Record<string, unknown>)[property];
  }
  return value;
}

/**
 * The Terraform text of a value (cdktf tokens turned into `${type.name.attr}` with their
 * own stack, or `scope`), resolved in the stack that declares it: the one the token names
 * when the model has it, else the one stack whose resolution leaves no reference.
 */
export function resolveSubject(model: IamModel, value: string, what: string, where: string, scope?: IConstruct): string {
  const t = terraformText(value, scope);
  if (!t) {
    throw new Error(`${where}: ${what} ${cut(value)} holds cdktf tokens that do not name their stack; pass the TerraformStack to expect() instead of its JSON, or the value as Google writes it`);
  }
  if (t.scopeStack !== undefined) {
    throw new Error(`${where}: ${what} ${cut(t.text)} belongs to stack ${t.stack}, not to the stack received (${t.scopeStack}): its bindings cannot name it; pass stack ${t.stack}`);
  }
  if (!t.text.includes("${")) return t.text;
  const resolved = resolveInStacks(model.stacks, t.text, t.stack, what, where);
  if (resolved.includes("${")) {
    throw new Error(
      `${where}: ${what} ${cut(resolved)} holds ${cut(unresolvedReferences(resolved).join(", "))}, which these stacks cannot resolve ` +
        "(not declared in them, or known only after apply): no binding can be compared with it, so any answer would be a guess. " +
        "Pass the stack that declares it, or the value as Google writes it",
    );
  }
  return resolved;
}

function resolveInStacks(stacks: readonly StackModel[], text: string, preferred: string | undefined, what: string, where: string): string {
  const own = preferred === undefined ? undefined : stacks.find((s) => s.name === preferred);
  if (own) {
    const value = own.resolve(text);
    if (!value.includes("${")) return value;
  }
  // Stacks that carry their own name are not the token's stack when the name differs; JSON without metadata (Testing.synth) cannot say.
  const candidates = preferred === undefined ? stacks : stacks.filter((s) => stackNameOf(s.json, "") === "");
  const byStack = new Map<string, string[]>();
  for (const s of candidates) {
    const value = s.resolve(text);
    if (!value.includes("${")) byStack.set(value, [...(byStack.get(value) ?? []), s.name]);
  }
  if (byStack.size > 1) {
    const options = [...byStack].map(([value, names]) => `${value} in ${names.join(", ")}`).join("; ");
    throw new Error(`${where}: ${what} ${cut(text)} names a resource several stacks declare with different values (${options}); pass the value as Google writes it`);
  }
  return byStack.size === 1 ? [...byStack.keys()][0] : text;
}

function unresolvedReferences(text: string): string[] {
  return [...new Set(text.match(/\$\{[^{}]*\}/g) ?? [text])];
}

/**
 * References to resources the stack does not declare: a binding of this stack can never
 * hold them, so an expectation naming one could only ever miss. (A reference to a declared
 * resource whose value only apply knows is compared as text: bindings hold the same text.)
 */
export function undeclaredReferences(stack: StackModel, text: string): string[] {
  return [...text.matchAll(REFERENCE)].filter((m) => !stack.byAddress(m[0].startsWith("${data.") ? `data.${m[1]}.${m[2]}` : `${m[1]}.${m[2]}`)).map((m) => m[0]);
}

/** The request with member, database and project as the text the stacks declare (see resolveSubject). */
export function resolveRequestSubjects(model: IamModel, request: AccessRequest, where: string, scope?: IConstruct): AccessRequest {
  if (request === null || typeof request !== "object") return request;
  const one = (value: unknown, property: "iamMember" | "databaseName" | "projectId", what: string): unknown => {
    const text = textOf(value, property);
    return typeof text === "string" ? resolveSubject(model, text, what, where, scope) : text;
  };
  const resolved: { -readonly [K in keyof AccessRequest]: unknown } = { ...request };
  if (request.member !== undefined) {
    resolved.member = one(request.member, "iamMember", "member");
    // A principal set names many identities; asked as one member it would match no binding of a subject and be denied whatever the set holds.
    const parsed = typeof resolved.member === "string" ? parseMember(resolved.member) : undefined;
    if (parsed?.kind === "federated" && parsed.principalSet) {
      throw new Error(
        `${where}: member ${cut(parsed.raw)} is a principal set (many identities), not one identity: ask with the token (decoded claims) of a workload in it, ` +
          "or a principal://…/subject/… member; to check the binding itself, use toGrantFirestoreAccess",
      );
    }
  }
  if (request.database !== undefined) resolved.database = one(request.database, "databaseName", "database");
  if (request.project !== undefined) resolved.project = one(request.project, "projectId", "project");
  return resolved as AccessRequest;
}
