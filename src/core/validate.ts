import { Token, Tokenization } from "cdktf";
import { IConstruct } from "constructs";

/**
 * A named input rule: a predicate and the sentence shown to the user when it fails.
 * Rules live next to the domain they describe (gcp/gcp-rules.ts, entra/entra-rules.ts)
 * so each limit is written down exactly once.
 */
export interface InputRule<T> {
  readonly test: (value: T) => boolean;
  readonly rule: string;
}

/** Where an input came from: a construct path, or a factory name such as "Principal.user". */
export type InputSite = IConstruct | string;

export function siteName(site: InputSite): string {
  return typeof site === "string" ? site : site.node.path || "<root>";
}

/** Longest piece of a bad value an error message quotes: enough to recognize it, short enough to read. */
const MAX_SHOWN = 200;

/** The value as a message quotes it: JSON where it can be, never throwing, cut after MAX_SHOWN characters. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "bigint" ? `${value}n` : typeof value === "function" ? "a function" : JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return cut(text);
}

/** Text as messages echo it: whole when short, else its start and its length (a 100,000-character input is not echoed back). */
export function cut(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}... (${text.length} characters)` : text;
}

/** cdktf's marker for a token inside a string: `${TfToken[TOKEN.7]}`. */
const TOKEN_MARKER = "\\$\\{TfToken\\[[A-Za-z0-9_.:-]+\\]\\}";
/** `${` and `%{` that are not a cdktf token marker: text Terraform would evaluate as a template. */
const TEMPLATE_SEQUENCE = new RegExp(`\\$\\{(?!${TOKEN_MARKER.slice(4)})|%\\{`);

/**
 * Free text (descriptions, display names, titles) as Terraform must keep it: `${` and `%{`
 * become `$${` and `%%{`, which Terraform writes back as the literal characters instead of
 * evaluating `${file("/etc/passwd")}` at plan. cdktf tokens stay tokens.
 */
export function terraformLiteral(value: string): string {
  return value.replace(new RegExp(TEMPLATE_SEQUENCE.source, "g"), (sequence) => (sequence === "%{" ? "%%{" : "$${"));
}

/**
 * A UTF-16 surrogate without its pair. JavaScript strings may hold one; JSON text cannot
 * carry it as a character, and Terraform's JSON reader (Go's encoding/json) replaces each
 * with U+FFFD, so the deployed value would silently differ from the one written.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

const LONE_SURROGATE_RULE =
  "must not hold a lone UTF-16 surrogate (half of a character): Terraform's JSON reader replaces it with U+FFFD, so the deployed value would differ";

/** Every string an input carries (the value, an array's elements, an object's values, one level down) is whole Unicode. */
function checkWholeUnicode(site: InputSite, property: string, value: unknown): void {
  if (typeof value === "string") {
    if (hasLoneSurrogate(value)) throw inputError(site, property, value, LONE_SURROGATE_RULE);
  } else if (Array.isArray(value)) {
    value.forEach((e, i) => typeof e === "string" && checkWholeUnicode(site, `${property}[${i}]`, e));
  } else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      const e = (value as Record<string, unknown>)[key];
      if (typeof e === "string") checkWholeUnicode(site, property === "" ? key : `${property}.${key}`, e);
    }
  }
}

/** The one error format of this library: path, property, bad value, rule. */
export function inputError(site: InputSite, property: string, value: unknown, rule: string): Error {
  return new Error(`${siteName(site)}: invalid ${property} ${show(value)}: ${rule}`);
}

/** True when the value is (or contains) a token that Terraform resolves later. */
export function isUnresolved(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/**
 * Throws when a resolved value breaks the rule. Unresolved tokens pass: their value is
 * known only to Terraform, which checks it again at plan time.
 */
export function check<T>(site: InputSite, property: string, value: T, rule: InputRule<T>): T {
  checkWholeUnicode(site, property, value);
  if (typeof value === "string" && TEMPLATE_SEQUENCE.test(value)) {
    throw inputError(site, property, value, "must not contain ${ or %{: Terraform would evaluate it as a template; pass a value Terraform fills in as a cdktf token (e.g. TerraformVariable.stringValue) instead");
  }
  if (isUnresolved(value)) {
    checkTokenMarkers(site, property, value);
  } else if (!passes(rule, value)) {
    throw inputError(site, property, value, rule.rule);
  }
  return value;
}

/**
 * A token marker typed as text (`${TfToken[TOKEN.7]}`) that no token of this app has is
 * refused here, instead of failing deep inside cdktf at synth. (One that happens to match a
 * real token's number cannot be told apart from it: cdktf tokens are plain strings.)
 */
function checkTokenMarkers(site: InputSite, property: string, value: unknown): void {
  if (typeof value !== "string") return;
  try {
    Tokenization.reverseString(value);
  } catch {
    throw inputError(site, property, value, "holds a cdktf token marker that no token of this app has: pass the token itself (e.g. variable.stringValue), not text that looks like one");
  }
}

/** A rule that throws on a value of the wrong type (a number where it calls startsWith) refuses it. */
function passes<T>(rule: InputRule<T>, value: T): boolean {
  try {
    return rule.test(value) === true;
  } catch {
    return false;
  }
}

/** Checks free text against its rule and returns it escaped for Terraform (terraformLiteral). */
export function checkText(site: InputSite, property: string, value: string, rule: InputRule<string>): string {
  checkWholeUnicode(site, property, value);
  if (isUnresolved(value)) {
    checkTokenMarkers(site, property, value);
    // Beside a token, cdktf reads `${...}` as an expression of its own: it cannot be kept as text there.
    if (typeof value === "string" && TEMPLATE_SEQUENCE.test(value)) {
      throw inputError(site, property, value, "must not contain ${ or %{ next to a value Terraform fills in: cdktf would read it as an expression");
    }
  } else if (!passes(rule, value)) throw inputError(site, property, value, rule.rule);
  return terraformLiteral(value);
}

export function checkTextOptional(site: InputSite, property: string, value: string | undefined, rule: InputRule<string>): string | undefined {
  return value === undefined ? undefined : checkText(site, property, value, rule);
}

/** Same as check, skipping undefined (optional properties). */
export function checkOptional<T>(site: InputSite, property: string, value: T | undefined, rule: InputRule<T>): T | undefined {
  return value === undefined ? undefined : check(site, property, value, rule);
}

/** Checks every element; the property name carries the index so the user finds the entry. */
export function checkEach<T>(site: InputSite, property: string, values: readonly T[] | undefined, rule: InputRule<T>): void {
  (values ?? []).forEach((value, i) => check(site, `${property}[${i}]`, value, rule));
}

export function pattern(regex: RegExp, rule: string): InputRule<string> {
  return { test: (v) => typeof v === "string" && regex.test(v), rule };
}

export function lengthBetween(min: number, max: number, what = "characters"): InputRule<string> {
  return {
    test: (v) => typeof v === "string" && v.length >= min && v.length <= max,
    rule: min === max ? `must be exactly ${min} ${what}` : `must be ${min}-${max} ${what}`,
  };
}

export function integerBetween(min: number, max: number, unit: string): InputRule<number> {
  return {
    test: (v) => Number.isInteger(v) && v >= min && v <= max,
    rule: `must be a whole number of ${unit} from ${min} to ${max}`,
  };
}

export function allOf<T>(...rules: InputRule<T>[]): InputRule<T> {
  return { test: (v) => rules.every((r) => r.test(v)), rule: rules.map((r) => r.rule).join(" and ") };
}

export function oneOf<T extends string>(allowed: readonly T[]): InputRule<string> {
  return { test: (v) => (allowed as readonly string[]).includes(v), rule: `must be one of ${allowed.join(", ")}` };
}

/**
 * A value the library makes a construct id from (an exclusion name, a role): it must be
 * written in the code, since a value Terraform fills in is not known at synth.
 */
export function checkWrittenInCode(site: InputSite, property: string, value: unknown, why: string): void {
  if (isUnresolved(value)) {
    throw inputError(site, property, value, `must be written in the code, not a value Terraform fills in: ${why}`);
  }
}

/** Text outside cdktf token markers: what the code wrote around the values Terraform fills in. */
export function literalParts(value: string): string {
  return value.replace(new RegExp(TOKEN_MARKER, "g"), "");
}

/** Throws when two entries share a key; `describe` names what is duplicated. */
export function checkUnique(site: InputSite, property: string, values: readonly string[], describe: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (isUnresolved(v)) continue;
    if (seen.has(v)) throw inputError(site, property, v, `${describe} must be unique; this one appears more than once`);
    seen.add(v);
  }
}

/**
 * The type a public input must have. Values arrive from JavaScript and, through jsii, from
 * Python, Java, C# and Go, so a number where a string belongs is a mistake to name, not to
 * crash on. `?` marks an optional property. `whole-number` is a number the library computes
 * with (days into seconds), so a cdktf number token, which only Terraform can read, is refused.
 */
export type InputType =
  | "string"
  | "number"
  | "whole-number"
  | "boolean"
  | "string[]"
  | "object"
  | "object[]"
  | "principal"
  | "principal[]"
  | "string-map";

export type InputShape = { readonly [property: string]: InputType | `${InputType}?` };

const MEMBER_RULE = "is user:, group:, serviceAccount:, domain:, principal:// or principalSet:// (never allUsers or allAuthenticatedUsers) and holds no ${ or %{";
const IAM_MEMBER = /^((user|group|serviceAccount|domain):\S+|(principal|principalSet):\/\/iam\.googleapis\.com\/\S+)$/;

const TYPE_RULES: Record<InputType, InputRule<unknown>> = {
  string: { test: (v) => typeof v === "string", rule: "must be a string" },
  number: { test: (v) => typeof v === "number" && Number.isFinite(v), rule: "must be a finite number" },
  "whole-number": {
    test: (v) => typeof v === "number" && Number.isInteger(v) && !isUnresolved(v),
    rule: "must be a whole number written in the code: the library computes with it, and a value Terraform fills in cannot be computed with",
  },
  boolean: { test: (v) => typeof v === "boolean", rule: "must be true or false (a boolean, not a string)" },
  "string[]": { test: (v) => Array.isArray(v) && v.every((e) => typeof e === "string"), rule: "must be an array of strings" },
  object: { test: (v) => typeof v === "object" && v !== null && !Array.isArray(v), rule: "must be an object" },
  "object[]": { test: (v) => Array.isArray(v) && v.every((e) => typeof e === "object" && e !== null && !Array.isArray(e)), rule: "must be an array of objects" },
  principal: { test: isPrincipalLike, rule: `must be a principal (e.g. Principal.group(...) or a WorkloadServiceAccount) with a string principalName and an iamMember that ${MEMBER_RULE}` },
  "principal[]": { test: (v) => Array.isArray(v) && v.every(isPrincipalLike), rule: `must be an array of principals, each with a string principalName and an iamMember that ${MEMBER_RULE}` },
  "string-map": {
    test: (v) => typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((e) => typeof e === "string"),
    rule: "must be an object whose values are strings",
  },
};

/**
 * A principal whose member string IAM accepts and Terraform will not evaluate; tokens inside
 * it are Terraform's to fill. Its principalName must be a string too: construct ids and the
 * access report are made from it.
 */
function isPrincipalLike(v: unknown): boolean {
  const member = typeof v === "object" && v !== null ? (v as { iamMember?: unknown }).iamMember : undefined;
  const name = typeof v === "object" && v !== null ? (v as { principalName?: unknown }).principalName : undefined;
  if (typeof member !== "string" || typeof name !== "string" || TEMPLATE_SEQUENCE.test(member) || hasLoneSurrogate(member) || hasLoneSurrogate(name)) return false;
  return IAM_MEMBER.test(member.replace(new RegExp(TOKEN_MARKER, "g"), "x"));
}

/** One input's type; tokens pass where Terraform may fill the value in (strings, numbers, lists). */
export function checkType(site: InputSite, property: string, value: unknown, type: InputType | `${InputType}?`): void {
  const optional = type.endsWith("?");
  const base = (optional ? type.slice(0, -1) : type) as InputType;
  if (value === undefined || value === null) {
    if (optional && value === undefined) return;
    throw inputError(site, property, value, `is required: it ${TYPE_RULES[base].rule}`);
  }
  checkWholeUnicode(site, property, value);
  // A list Terraform fills in is still an array (of one token); a token string where a list belongs is a mistake.
  const arrayType = base.endsWith("[]");
  // A string token (variable.stringValue) where a number belongs is text Terraform would have to convert; a number token is a number.
  if (base === "number" && typeof value === "string") {
    throw inputError(site, property, value, `${TYPE_RULES.number.rule}${isUnresolved(value) ? " (this is a string Terraform fills in: pass a number token, e.g. variable.numberValue)" : ""}`);
  }
  if (base !== "whole-number" && isUnresolved(value) && (!arrayType || Array.isArray(value))) {
    checkTokenMarkers(site, property, value);
    return;
  }
  if (!TYPE_RULES[base].test(value)) throw inputError(site, property, value, TYPE_RULES[base].rule);
}

/** Every property of a props object against its declared type, before any rule reads it. */
export function checkShape(site: InputSite, property: string, value: unknown, shape: InputShape): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw inputError(site, property, value, `must be an object with ${Object.keys(shape).join(", ")}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(shape)) checkType(site, property === "" ? key : `${property}.${key}`, record[key], shape[key]);
}

/**
 * checkShape for an options object the shape describes completely: a key it does not know
 * is refused, since a misspelt option (`repositoryID`) would otherwise be dropped, and with
 * it a pin. Classes whose subclasses add options check those with checkShape.
 */
export function checkOptions(site: InputSite, property: string, value: unknown, shape: InputShape): void {
  checkShape(site, property, value, shape);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key in shape || record[key] === undefined) continue;
    const near = Object.keys(shape).find((k) => k.toLowerCase() === key.toLowerCase());
    throw inputError(site, property === "" ? key : `${property}.${key}`, record[key], `is not an option here${near ? `; did you mean ${near}?` : ""} (known: ${Object.keys(shape).join(", ")})`);
  }
}
