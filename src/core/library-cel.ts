/**
 * CEL texts the library's presets wrote in this process: the Buildkite, GitHub Actions and
 * Entra ID providers' attribute conditions and mappings, built from fixed templates with
 * every value a JSON-quoted literal (celStringLiteral). test/security/generated-inputs.test.ts
 * parses what they write for thousands of generated inputs, so FSI-CEL-001 does not parse
 * them again during a synth: the parser cost ~40 ms for the examples' 28 preset expressions,
 * a tenth of their synth. Only exact texts are remembered: an expression edited afterwards
 * (an escape-hatch override), or read by the CLI in another process, is parsed as before.
 */
const written = new Set<string>();

/** Remembers a preset's condition and mapping values as written by the library. */
export function rememberPresetCel(provider: { readonly attributeCondition: string; readonly attributeMapping: { readonly [key: string]: string } }): void {
  written.add(provider.attributeCondition);
  for (const value of Object.values(provider.attributeMapping)) written.add(value);
}

/** True when a preset of this process wrote exactly this text. */
export function isPresetCel(expression: string): boolean {
  return written.has(expression);
}
