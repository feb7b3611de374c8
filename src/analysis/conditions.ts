import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { TERRAFORM_INTERPOLATION } from "../core/cel";
import { evaluateCel, stringLiterals } from "./cel-evaluator";

/** What an IAM condition is evaluated against (IAM conditions resource attributes). */
export interface ConditionTarget {
  readonly name: string;
  readonly type: string;
  readonly service: string;
}

export type Verdict = "yes" | "no" | "unknown";

export interface ConditionVerdict {
  readonly verdict: Verdict;
  /** Why, in words; empty for an unconditioned grant. */
  readonly reason: string;
}

let toTimestamp: ((date: Date) => Timestamp) | undefined;

/** request.time as CEL wants it; protobuf's runtime is loaded with the CEL engine, on first use. */
function celTimestamp(date: Date): Timestamp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  toTimestamp ??= (require("@bufbuild/protobuf/wkt") as typeof import("@bufbuild/protobuf/wkt")).timestampFromDate;
  return toTimestamp(date);
}

/** A Firestore database as IAM conditions see it: named by project id, `(default)` included. */
export function firestoreDatabaseTarget(database: string): ConditionTarget {
  return { name: database, type: "firestore.googleapis.com/Database", service: "firestore.googleapis.com" };
}

const DATABASE_NAME = /^projects\/([^/]+)\/databases\/([^/]+)$/;

export function parseDatabaseName(name: string): { project: string; database: string } | undefined {
  const m = DATABASE_NAME.exec(name);
  return m ? { project: m[1], database: m[2] } : undefined;
}

/**
 * Evaluates an IAM condition with CEL. An attribute the resource does not provide never
 * grants access (IAM conditions attribute reference), so a failed evaluation is "no"; a
 * function this engine lacks (tags, API attributes) or a value Terraform fills in later is
 * "unknown", never a guessed "no". With no target, resource attributes are absent, as
 * they are for IAM's own resources such as service accounts.
 */
export function evaluateCondition(expression: string | undefined, target: ConditionTarget | undefined, time: Date): ConditionVerdict {
  if (expression === undefined) return { verdict: "yes", reason: "" };
  if (expression.includes("${")) return { verdict: "unknown", reason: `condition \`${expression}\` holds a reference Terraform fills in` };
  const out = evaluateCel(expression, { resource: target ?? {}, request: { time: celTimestamp(time) } });
  const where = target ? `for resource.name ${target.name}` : "(the resource provides no attributes)";
  switch (out.kind) {
    case "syntax":
      return { verdict: "no", reason: `condition \`${expression}\` does not parse (${out.message}): Google refuses the binding` };
    case "unsupported":
      return { verdict: "unknown", reason: `condition \`${expression}\` uses what this engine cannot evaluate offline (${out.message})` };
    case "error":
      return { verdict: "no", reason: `condition \`${expression}\` fails ${where} (${out.message}), so it grants nothing` };
    default:
      return out.value === true
        ? { verdict: "yes", reason: `condition \`${expression}\` is true ${where}` }
        : { verdict: "no", reason: `condition \`${expression}\` is ${JSON.stringify(out.value)} ${where}` };
  }
}

/** What a condition on a project-level Firestore grant reaches. */
export type DatabaseScope =
  | { readonly kind: "unconditioned" }
  | { readonly kind: "one"; readonly database: string }
  | { readonly kind: "beyond"; readonly reason: string }
  | { readonly kind: "none"; readonly reason: string }
  | { readonly kind: "unknown"; readonly reason: string };

const EPOCH = new Date(0);
/**
 * The two texts of the condition the library writes (firestoreDatabaseCondition): one
 * equality with a database name, literal or quoted by Terraform. Recognized by text so a
 * synth that only has these does not load the evaluator; a property test checks that the
 * evaluator gives the same answer for every such text.
 */
const LIBRARY_CONDITION = /^resource\.name == (?:"(projects\/[a-z0-9-]+\/databases\/[a-z0-9()-]+)"|\$\{jsonencode\("(projects\/(?:[a-z0-9-]+|\$\{[^{}"]*\})\/databases\/(?:[a-z0-9()-]+|\$\{[^{}"]*\}))"\)\})$/;
/** `${jsonencode("projects/${var.p}/databases/d")}`: a quoted template (celStringLiteral of text around a reference). */
const JSONENCODED_TEMPLATE = /\$\{jsonencode\("((?:[^"\\$]|\$(?!\{)|\$\{[^{}]*\})*)"\)\}/g;
/** `${jsonencode(var.p)}`: a quoted reference (celStringLiteral of a token). */
const JSONENCODED_VALUE = /\$\{jsonencode\([^(){}"]*\)\}/g;

/**
 * Which Firestore databases a condition admits, found by evaluating it, not by reading it:
 * every database name among its string literals is tried, then probes it must refuse (a
 * longer name, a sibling such as `(default)`, the same id in another project). One name
 * true and every probe false is "one"; `|| true`, `startsWith` and the like are "beyond".
 * Terraform references inside the condition stand in as placeholders and come back in the
 * answer.
 */
/** True for the condition text the library writes itself (see LIBRARY_CONDITION): it parses and means one database. */
export function isLibraryDatabaseCondition(expression: string): boolean {
  return LIBRARY_CONDITION.test(expression);
}

export function databaseScopeOf(expression: string | undefined, project: string | undefined): DatabaseScope {
  if (expression === undefined) return { kind: "unconditioned" };
  const canonical = LIBRARY_CONDITION.exec(expression);
  if (canonical) return { kind: "one", database: canonical[1] ?? canonical[2] };
  const key = `${project ?? ""}\n${expression}`;
  let scope = scopes.get(key);
  if (!scope) scopes.set(key, (scope = scopeOf(expression, project)));
  return scope;
}

const scopes = new Map<string, DatabaseScope>();

/** The evaluator's answer, without the shortcut for the library's own condition (for the test that checks the shortcut). */
export function evaluatedScopeOf(expression: string, project: string | undefined): DatabaseScope {
  return scopeOf(expression, project);
}

function scopeOf(expression: string, project: string | undefined): DatabaseScope {
  const placeholders: string[] = [];
  const placeholder = (ref: string) => {
    placeholders.push(ref);
    return `tfref${placeholders.length - 1}x`;
  };
  // Each reference becomes a distinct plain word (tfrefNx) and comes back in the answer. A value
  // the library quotes with jsonencode() is a string literal once Terraform has filled it in.
  const plain = expression
    .replace(JSONENCODED_TEMPLATE, (_, template: string) => `"${template.replace(TERRAFORM_INTERPOLATION, placeholder)}"`)
    .replace(JSONENCODED_VALUE, (ref) => `"${placeholder(ref)}"`)
    .replace(TERRAFORM_INTERPOLATION, placeholder);
  const restore = (text: string) => text.replace(/tfref([0-9]+)x/g, (_, i) => placeholders[Number(i)]);
  const time = EPOCH;
  const admits = (name: string) => evaluateCondition(plain, firestoreDatabaseTarget(name), time);
  const candidates = stringLiterals(plain).filter((s) => DATABASE_NAME.test(s));
  const admitted: string[] = [];
  for (const c of candidates) {
    const v = admits(c);
    if (v.verdict === "unknown") return { kind: "unknown", reason: v.reason };
    if (v.verdict === "yes") admitted.push(c);
  }
  const probes = new Set<string>();
  for (const c of admitted) {
    const { project: p, database: d } = parseDatabaseName(c)!;
    const sibling = d === "(default)" ? "probe-db" : "(default)";
    for (const probe of [`projects/${p}/databases/${d}-probe`, `projects/${p}/databases/${sibling}`, `projects/probe-project/databases/${d}`]) probes.add(probe);
  }
  // The grant's own project is probed too, whatever the condition names: a condition naming a
  // database elsewhere may still admit this project's (found by mutation testing: it said "one").
  const home = project && !project.includes("${") ? project : "probe-project";
  probes.add(`projects/${home}/databases/(default)`);
  probes.add(`projects/${home}/databases/probe-db`);
  for (const probe of [...probes].filter((p) => !admitted.includes(p))) {
    const v = admits(probe);
    if (v.verdict === "unknown") return { kind: "unknown", reason: v.reason };
    if (v.verdict === "yes") return { kind: "beyond", reason: `it also admits ${restore(probe)}` };
  }
  if (admitted.length === 0 && placeholders.length > 0) return { kind: "unknown", reason: `it compares with ${placeholders.join(", ")}, which Terraform fills in` };
  if (admitted.length === 0) return { kind: "none", reason: "it admits no database named in it" };
  if (admitted.length > 1) return { kind: "beyond", reason: `it admits ${admitted.map(restore).join(" and ")}` };
  return { kind: "one", database: restore(admitted[0]) };
}
