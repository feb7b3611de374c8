import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../src/cli/main";

/** explain --project meets the CLI's refusals: each names the options the user typed; control: the same question well formed. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-cli-"));
const stackDir = path.join(dir, "stacks", "s");
fs.mkdirSync(stackDir, { recursive: true });
fs.writeFileSync(
  path.join(stackDir, "cdk.tf.json"),
  JSON.stringify({ resource: { google_project_iam_member: { admin: { project: "acme-dev", role: "roles/resourcemanager.projectIamAdmin", member: "user:ci@x.example" } } } }),
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; out: string } {
  const out: string[] = [];
  const code = main(["explain", path.join(stackDir, "cdk.tf.json"), "--member", "user:ci@x.example", ...args], { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
  return { code, out: out.join("") };
}

test("--database with --project, and a database permission asked of --project, name the options", () => {
  expect(run("--database", "projects/acme-dev/databases/orders", "--project", "acme-dev", "--permission", "datastore.databases.list")).toEqual({
    code: 2,
    out: expect.stringContaining("explain: --database and --project cannot be given together"),
  });
  expect(run("--project", "acme-dev", "--permission", "datastore.entities.get")).toEqual({ code: 2, out: expect.stringContaining("give --database instead of --project acme-dev") });
});

test("control: a project IAM admin listing databases is DENIED directly, allowed through the escalation the CLI prints (exit 0), and denied with --no-escalations (exit 1)", () => {
  const r = run("--project", "acme-dev", "--permission", "datastore.databases.list");
  expect(r.out).toMatch(/^DENIED: datastore\.databases\.list on projects\/acme-dev/);
  expect(r.out).toContain("grants itself any role on project acme-dev");
  expect(r.code).toBe(0);
  expect(run("--project", "acme-dev", "--permission", "datastore.databases.list", "--no-escalations").code).toBe(1);
});
