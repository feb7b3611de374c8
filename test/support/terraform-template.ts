/**
 * A small evaluator of the Terraform template strings this library emits, to fill values in
 * the way `terraform plan` does: `${...}` interpolations holding references (`var.x`,
 * `google_x.y.attr`), string literals (with HCL's escapes and templates of their own) and
 * calls of the few functions the library writes. Anything else throws, so a test never
 * passes on an expression it did not understand.
 *
 * HCL templates and string escapes:
 * https://developer.hashicorp.com/terraform/language/expressions/strings
 * jsonencode (and the characters it writes as \u escapes):
 * https://developer.hashicorp.com/terraform/language/functions/jsonencode
 */

/** The value of a reference (`var.x`, `google_service_account.sa.email`), or undefined when the test has none. */
export type Values = (reference: string) => string | undefined;

type Fn = (args: string[]) => string;

/** Terraform's jsonencode of a string: JSON, with <, >, &, U+2028 and U+2029 as \u escapes. */
function jsonencode(value: string): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const FUNCTIONS: Record<string, Fn> = {
  jsonencode: ([v]) => jsonencode(v),
  lower: ([v]) => v.toLowerCase(),
};

class Parser {
  private pos = 0;
  constructor(private readonly text: string, private readonly values: Values) {}

  /** A template: literal text with `${expr}`, `$${` and `%%{` as Terraform reads them. */
  template(end?: string): string {
    let out = "";
    while (this.pos < this.text.length) {
      if (end !== undefined && this.text.startsWith(end, this.pos)) return out;
      if (this.text.startsWith("$${", this.pos) || this.text.startsWith("%%{", this.pos)) {
        out += this.text[this.pos] + "{";
        this.pos += 3;
      } else if (this.text.startsWith("${", this.pos)) {
        this.pos += 2;
        out += this.expression();
        this.skipSpace();
        this.expect("}");
      } else if (this.text.startsWith("%{", this.pos)) {
        throw new Error(`template directive at ${this.pos}: not evaluated here`);
      } else if (end !== undefined && this.text[this.pos] === "\\") {
        out += this.escape();
      } else {
        out += this.text[this.pos++];
      }
    }
    if (end !== undefined) throw new Error("unterminated string literal");
    return out;
  }

  private escape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
    if (c in simple) return simple[c];
    if (c === "u") {
      const hex = this.text.slice(this.pos, this.pos + 4);
      this.pos += 4;
      return String.fromCharCode(parseInt(hex, 16));
    }
    throw new Error(`unknown escape \\${c}`);
  }

  private expression(): string {
    this.skipSpace();
    if (this.text[this.pos] === '"') {
      this.pos++;
      const s = this.template('"');
      this.pos++;
      return s;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(this.text.slice(this.pos))?.[0];
    if (!name) throw new Error(`expression expected at ${this.pos}: ${this.text.slice(this.pos, this.pos + 20)}`);
    this.pos += name.length;
    this.skipSpace();
    if (this.text[this.pos] === "(") {
      const fn = FUNCTIONS[name];
      if (!fn) throw new Error(`function ${name} is not evaluated here`);
      this.pos++;
      const args: string[] = [];
      this.skipSpace();
      while (this.text[this.pos] !== ")") {
        args.push(this.expression());
        this.skipSpace();
        if (this.text[this.pos] === ",") this.pos++;
        this.skipSpace();
      }
      this.pos++;
      return fn(args);
    }
    const value = this.values(name);
    if (value === undefined) throw new Error(`no value for ${name}`);
    return value;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw new Error(`expected ${c} at ${this.pos}`);
    this.pos++;
  }
}

/** The string Terraform makes of one template, given the values of the references in it. */
export function evaluateTemplate(text: string, values: Values): string {
  return new Parser(text, values).template();
}
