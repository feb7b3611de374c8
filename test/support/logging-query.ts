/**
 * A tokenizer of the Logging query language, enough to see a filter's structure: quoted
 * strings (a backslash takes the next character, as in Google's filtering grammar,
 * https://google.aip.dev/assets/misc/ebnf-filtering.txt, which the Logging query language
 * follows: https://cloud.google.com/logging/docs/view/logging-query-language), comparison
 * operators, parentheses, the keywords AND, OR, NOT, and bare text.
 */
export interface LqlToken {
  readonly kind: "STRING" | "OP" | "LPAREN" | "RPAREN" | "AND" | "OR" | "NOT" | "TEXT";
  /** For a STRING, the text between the quotes with escapes taken (JSON's \uXXXX read as one character). */
  readonly value: string;
}

export function tokenizeLql(filter: string): LqlToken[] {
  const tokens: LqlToken[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let value = "";
      let j = i + 1;
      for (; j < filter.length && filter[j] !== '"'; j++) {
        if (filter[j] === "\\") {
          const next = filter[++j];
          if (next === "u" && /^[0-9a-fA-F]{4}$/.test(filter.slice(j + 1, j + 5))) {
            value += String.fromCharCode(parseInt(filter.slice(j + 1, j + 5), 16));
            j += 4;
          } else {
            value += ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[next] ?? next;
          }
        } else value += filter[j];
      }
      if (j >= filter.length) throw new Error(`unterminated string at ${i}`);
      tokens.push({ kind: "STRING", value });
      i = j + 1;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c === "(" ? "LPAREN" : "RPAREN", value: c });
      i++;
    } else {
      const op = /^(=~|!~|!=|<=|>=|=|<|>|:)/.exec(filter.slice(i));
      if (op) {
        tokens.push({ kind: "OP", value: op[0] });
        i += op[0].length;
        continue;
      }
      const text = /^[^\s"()=<>!:~]+/.exec(filter.slice(i))?.[0] ?? c;
      tokens.push({ kind: text === "AND" || text === "OR" || text === "NOT" ? text : "TEXT", value: text });
      i += text.length;
    }
  }
  return tokens;
}

/** The filter's shape: every token but the contents of its strings. */
export function lqlShape(filter: string): string {
  return tokenizeLql(filter)
    .map((t) => (t.kind === "STRING" ? "STRING" : t.value))
    .join(" ");
}
