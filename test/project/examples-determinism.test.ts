import { mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { buildExamplesApp } from "../../examples/main";

function synthToDir(): { dir: string; files: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "examples-"));
  buildExamplesApp(new App({ outdir: dir, skipValidation: false })).synth();
  const files = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, readFileSync(join(dir, rel), "utf8"));
    }
  };
  walk("");
  return { dir, files };
}

describe("examples app output", () => {
  const first = synthToDir();
  const second = synthToDir();
  afterAll(() => [first.dir, second.dir].forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("two synths are byte-identical", () => {
    expect([...second.files.keys()].sort()).toEqual([...first.files.keys()].sort());
    for (const [name, content] of first.files) expect(second.files.get(name)).toBe(content);
  });

  test("contains no absolute path, key or secret material", () => {
    for (const [name, content] of first.files) {
      expect({ name, hasTmpDir: content.includes(first.dir) || content.includes(process.cwd()) }).toEqual({ name, hasTmpDir: false });
      expect(content).not.toMatch(/"\/(home|root|tmp|Users|work)\//);
      // The guardrail report names the rule against keys; only Terraform input must be free of them.
      if (name.endsWith("cdk.tf.json")) expect(content).not.toMatch(/google_service_account_key|PRIVATE KEY|private_key/);
    }
  });
});
