import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { main } from "../../src/cli/main";

/** The CLI on synth output that is truncated, hand-broken or hostile: a clear message naming the file, never exit 0. */
function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "malformed-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function output(manifest: string | undefined, stacks: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(root, "out-"));
  if (manifest !== undefined) fs.writeFileSync(path.join(dir, "manifest.json"), manifest);
  for (const [name, text] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), text);
  }
  return dir;
}

const manifestFor = (...names: string[]) => JSON.stringify({ stacks: Object.fromEntries(names.map((n) => [n, { synthesizedStackPath: `stacks/${n}/cdk.tf.json` }])) });

test.each([
  ["a manifest of null", () => output("null"), /manifest\.json: expected \{ "stacks"/],
  ["a manifest that is an array", () => output("[1,2]"), /manifest\.json: expected \{ "stacks"/],
  ["a truncated manifest", () => output('{"stacks": {'), /manifest\.json: not valid JSON/],
  ["a stack file of null", () => output(manifestFor("a"), { a: "null" }), /stacks\/a\/cdk\.tf\.json: expected a Terraform JSON object, got null/],
  ["a stack file of 42", () => output(manifestFor("a"), { a: "42" }), /expected a Terraform JSON object, got 42/],
  ["a stack file that is an array", () => output(manifestFor("a"), { a: "[]" }), /expected a Terraform JSON object, got an array/],
  ['"resource" that is a string', () => output(manifestFor("a"), { a: '{"resource":"x"}' }), /"resource" must be an object of blocks/],
  ["a truncated stack file", () => output(manifestFor("a"), { a: '{"resource": {' }), /stacks\/a\/cdk\.tf\.json: not valid JSON/],
  ["a path outside the output", () => output(JSON.stringify({ stacks: { a: { synthesizedStackPath: "../../../../etc/passwd" } } })), /leads outside/],
  ["a stack file listed but missing", () => output(manifestFor("a")), /stacks\/a\/cdk\.tf\.json: cannot read it \(ENOENT\)/],
  ["a manifest that lists no stacks", () => output('{"stacks": {}}'), /lists no stacks/],
  ["a resource block that is not an object", () => output(manifestFor("a"), { a: '{"resource": {"google_project_iam_member": {"x": 1}}}' }), /resource\.google_project_iam_member\.x must be an object/],
  [
    "a stack file linked to a file outside the output",
    () => {
      const dir = output(manifestFor("a"));
      const outside = path.join(root, "outside.json");
      fs.writeFileSync(outside, '{"resource": {}}');
      fs.mkdirSync(path.join(dir, "stacks", "a"), { recursive: true });
      fs.symlinkSync(outside, path.join(dir, "stacks", "a", "cdk.tf.json"));
      return dir;
    },
    /leads outside/,
  ],
])("%s: exit 2 with the file and what is wrong", (_, make, message) => {
  for (const command of ["check", "report"]) {
    const { code, err } = run(command, make());
    expect({ command, code }).toEqual({ command, code: 2 });
    expect(err).toMatch(message);
  }
});

test("a UTF-8 byte order mark is read like any JSON", () => {
  const dir = output(manifestFor("a-dev"), { "a-dev": '\uFEFF{"resource": {}}' });
  expect(run("check", dir).code).toBe(0);
});

test("a FIFO where a stack file belongs is refused without reading it", () => {
  const dir = output(manifestFor("a"));
  fs.mkdirSync(path.join(dir, "stacks", "a"), { recursive: true });
  execFileSync("mkfifo", [path.join(dir, "stacks", "a", "cdk.tf.json")]);
  const { code, err } = run("check", dir);
  expect(code).toBe(2);
  expect(err).toContain("not a regular file");
});

test("help, -h and --help print the usage and exit 0; an unknown option exits 2 with the usage", () => {
  for (const argv of [["help"], ["-h"], ["--help"], ["check", "--help"]]) {
    const { code, out } = run(...argv);
    expect({ argv, code }).toEqual({ argv, code: 0 });
    expect(out).toContain("Usage:");
  }
  const unknown = run("check", "--bogus");
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain("--bogus");
  expect(unknown.err).toContain("Usage:");
});

test("the report file is never written through a link planted in the output", () => {
  const dir = output(manifestFor("a-dev"), { "a-dev": '{"resource": {}}' });
  const target = path.join(root, "victim.txt");
  fs.writeFileSync(target, "keep");
  fs.symlinkSync(target, path.join(dir, "guardrails-report.json"));
  const { code, err } = run("check", dir);
  expect(code).toBe(2);
  expect(err).toContain("is a symbolic link");
  expect(fs.readFileSync(target, "utf8")).toBe("keep");
});
