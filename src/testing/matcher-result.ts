/** What jest's (and vitest's) expect.extend wants back from a matcher. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Longest list a message prints before it summarizes the rest; enough to spot a pattern, short enough to read. */
const MAX_LINES = 25;

/**
 * A result whose message is built only when jest shows it. Jest asks for the message when
 * the assertion fails: with `pass` false that is the plain assertion, with `pass` true it
 * is `.not`, so the hint line and the text follow from `pass` alone.
 */
export function result(matcher: string, pass: boolean, failure: () => string[], negatedFailure: () => string[], args = "expected"): MatcherResult {
  return {
    pass,
    message: () => [`expect(received)${pass ? ".not" : ""}.${matcher}(${args})`, "", ...(pass ? negatedFailure() : failure())].join("\n"),
  };
}

/** Indented list lines, at most MAX_LINES of them. */
export function bullets(lines: readonly string[], prefix = "  "): string[] {
  const shown = lines.slice(0, MAX_LINES).map((l) => `${prefix}${l}`);
  if (lines.length > MAX_LINES) shown.push(`${prefix}... and ${lines.length - MAX_LINES} more`);
  return shown;
}
