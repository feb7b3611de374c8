import type * as Cel from "@bufbuild/cel";
import { Fn, Token, Tokenization } from "cdktf";

let loaded: typeof Cel | undefined;

/**
 * The CEL engine (`@bufbuild/cel`, tested against the CEL specification's conformance
 * suite), loaded on first use: it costs about a quarter of a second to load, which a
 * synth that never checks user CEL should not pay.
 */
export function celEngine(): typeof Cel {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require("@bufbuild/cel") as typeof Cel);
}

/** `${...}` interpolations Terraform fills in later (one level of nested braces, as in `${lookup(x, {a = 1})}`). */
export const TERRAFORM_INTERPOLATION = /\$\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/g;

/**
 * The expression with each Terraform interpolation replaced by a placeholder of the same
 * syntactic role (an identifier outside string literals, plain text inside them), so CEL
 * written around a reference can still be parsed before Terraform fills it in.
 */
function withoutInterpolations(expression: string): string {
  return expression.replace(TERRAFORM_INTERPOLATION, "tf_value");
}

let parser: { parse(expression: string): unknown } | undefined;

/**
 * The parser alone: its module loads in ~10 ms where the whole engine (planner, standard
 * library, protobuf registry) takes ~150 ms, and a synth that only checks syntax should not
 * pay for evaluation. The package's exports do not name the module, so it is found next to
 * the entry point; should a release move it, the whole engine parses instead.
 */
function celParser(): { parse(expression: string): unknown } {
  if (parser) return parser;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require("path") as typeof import("path");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parser = require(path.join(path.dirname(require.resolve("@bufbuild/cel")), "parse.js")) as { parse(expression: string): unknown };
    if (typeof parser.parse !== "function") throw new Error("no parse");
  } catch {
    parser = celEngine();
  }
  return parser;
}

/**
 * Why a CEL expression does not parse (the parser's message, with line and column), or
 * undefined when it does. Google parses every condition and mapping at apply; this
 * finds the same mistakes at synth.
 */
export function celSyntaxError(expression: string): string | undefined {
  if (syntaxErrors.has(expression)) return syntaxErrors.get(expression);
  let error: string | undefined;
  try {
    celParser().parse(withoutInterpolations(expression));
  } catch (e) {
    error = (e as Error).message.replace(/^<input>:/, "");
  }
  syntaxErrors.set(expression, error);
  return error;
}

/** Thousands of grants share a handful of expression texts; each is parsed once per process. */
const syntaxErrors = new Map<string, string | undefined>();

/**
 * A value as one CEL string literal, whatever it holds. A literal is JSON-quoted (JSON's
 * escapes are CEL's). A value Terraform fills in (a variable, an attribute, or text around
 * one) is wrapped in `jsonencode()`, so the quotes come from Terraform around whatever it
 * substitutes: `acme" || true || "` stays one string and can never add CEL of its own.
 */
export function celStringLiteral(value: string): string {
  return Token.isUnresolved(value) ? Fn.jsonencode(value) : JSON.stringify(value);
}

/**
 * Tokens in a CEL text that Terraform would paste in raw: anything but a `jsonencode()`
 * call (which quotes what it substitutes). Also catches a cdktf token marker typed as
 * text, which cdktf would swap for whichever token has that number.
 */
export function unquotedCelTokens(expression: string): string[] {
  if (!Token.isUnresolved(expression)) return [];
  let tokens;
  try {
    tokens = Tokenization.reverseString(expression).tokens;
  } catch (e) {
    return [(e as Error).message.split(".")[0]];
  }
  const raw = tokens.filter((t) => !(t.constructor?.name === "FunctionCall" && (t as { name?: unknown }).name === "jsonencode")).map(() => "a value pasted in raw");
  // jsonencode() writes a double-quoted string; inside CEL quotes of its own, a ' in the value would still end the literal.
  const quoted = [...expression.matchAll(/\$\{TfToken\[[A-Za-z0-9_.:-]+\]\}/g)].filter((m) => insideCelString(expression, m.index ?? 0)).map(() => "a value inside CEL quotes");
  return [...raw, ...quoted];
}

/** Whether a position of a CEL text lies inside a string literal ('...' or "..."), escapes honoured. */
function insideCelString(expression: string, position: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < position; i++) {
    const c = expression[i];
    if (quote !== undefined && c === "\\") i++;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
  }
  return quote !== undefined;
}
