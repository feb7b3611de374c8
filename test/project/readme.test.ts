import { readFileSync } from "fs";
import { join } from "path";
import { FirestoreGuardrails } from "../../src";

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("README", () => {
  test("lists every guardrail rule with its current level and description", () => {
    const missing = FirestoreGuardrails.rules()
      .map((r) => `| ${r.id} | ${r.level} | ${r.description}`)
      .filter((row) => !readme.includes(row));
    expect(missing).toEqual([]);
  });

  test("gives the two commands a newcomer needs", () => {
    expect(readme).toContain("npm ci && npm run synth");
    expect(readme).toContain("npm test");
  });
});
