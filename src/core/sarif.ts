/**
 * A SARIF 2.1.0 log of one run, as GitHub code scanning reads it: one place for the
 * envelope that `check` and `drift` both write.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function sarifLog(toolName: string, rules: readonly object[], results: readonly object[]): string {
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: toolName, informationUri: "https://github.com/cdktf-firestore-identity/cdktf-firestore-identity", rules } }, results }],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
