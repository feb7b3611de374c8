import { Fn, Token } from "cdktf";

/**
 * Values inside Cloud Logging filters (sink filters, exclusions, log views).
 *
 * The Logging query language (https://cloud.google.com/logging/docs/view/logging-query-language)
 * follows Google's API filtering grammar (https://google.aip.dev/160, EBNF at
 * https://google.aip.dev/assets/misc/ebnf-filtering.txt): a value in double quotes is one
 * STRING, a backslash takes the next character literally (`\"`, `\\`), and text outside quotes
 * is syntax — `AND`, `OR`, `NOT`, `:`, `=`, parentheses. The troubleshooting page adds
 * "Unquoted text must not contain any special characters. When in doubt, add double quotation
 * marks" (https://cloud.google.com/logging/docs/view/troubleshoot-lql). So a value is safe
 * exactly when it reaches the filter as one quoted string whose quotes and backslashes are
 * escaped: then no value can end the string and add an `OR` of its own.
 */

/**
 * The value as one quoted filter string, whatever it holds. A literal is JSON-quoted (JSON
 * escapes `"` and `\` with a backslash, as the filter grammar reads them). A value Terraform
 * fills in is wrapped in `jsonencode()`, so the quotes and escapes come from Terraform around
 * whatever it substitutes: `x" OR protoPayload.methodName:"google` stays one string.
 * (jsonencode also writes `<`, `>`, `&` as `\u003c`…; should Logging read those escapes
 * literally, such a value would match less, never more: an exclusion only narrows.)
 */
export function loggingStringLiteral(value: string): string {
  return Token.isUnresolved(value) ? Fn.jsonencode(value) : JSON.stringify(value);
}

/**
 * Cloud Logging quotas: "Length of a sink inclusion filter: 20,000 characters", and the same
 * for a sink exclusion filter. https://cloud.google.com/logging/quotas
 */
export const MAX_LOGGING_FILTER_LENGTH = 20_000;
