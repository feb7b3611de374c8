import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../src/cli/main";

/**
 * `check` on stacks whose IAM resources or audit configs it cannot read: each such resource is
 * an error finding (FSI-IAM-004) naming the field and what is wrong, so the exit code is 1,
 * never the 0 of a stack that passed. Controls: the same resources written right pass.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), "unreadable-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
function check(resources: Record<string, Record<string, unknown>>): { code: number; out: string } {
  const file = path.join(root, `stack-${n++}.json`);
  fs.writeFileSync(file, JSON.stringify({ provider: { google: [{ project: "acme-dev" }] }, resource: resources }));
  let out = "";
  const code = main(["check", file, "--no-report"], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return { code, out };
}

const member = (over: Record<string, unknown>) => ({ google_project_iam_member: { m: { project: "acme-dev", role: "roles/logging.viewer", member: "user:ann@acme.example", ...over } } });
const binding = (over: Record<string, unknown>) => ({ google_project_iam_binding: { b: { project: "acme-dev", role: "roles/logging.viewer", members: ["user:ann@acme.example"], ...over } } });
const policy = (policyData: unknown) => ({ google_project_iam_policy: { p: { project: "acme-dev", policy_data: policyData } } });
/** Firestore audit logging as FSI-LOG-001 wants it; `over` changes its first audit_log_config. */
const audit = (over: Record<string, unknown>) => ({
  google_project_iam_audit_config: {
    a: { project: "acme-dev", service: "datastore.googleapis.com", audit_log_config: [{ log_type: "DATA_READ", ...over }, { log_type: "DATA_WRITE" }] },
  },
});

test("controls: the same resources, written in the provider's types, pass", () => {
  for (const resources of [member({}), binding({}), binding({ members: "${var.readers}" }), policy(JSON.stringify({ bindings: [{ role: "roles/logging.viewer", members: ["user:ann@acme.example"] }] })), audit({})]) {
    const r = check(resources);
    expect({ resources, code: r.code, out: r.out }).toEqual({ resources, code: 0, out: expect.not.stringContaining("FSI-IAM-004") });
  }
});

test.each([
  ["a member that is a number", member({ member: 7 }), "member is number 7, not a string"],
  ["a role that is a list (a basic role the other rules never saw)", member({ role: ["roles/owner"] }), "role is an array, not a string"],
  ["members that are a string", binding({ members: "user:ann@acme.example" }), 'members is string "user:ann@acme.example", not a list of strings'],
  ["members holding a number", binding({ members: ["user:ann@acme.example", 7] }), "members is an array, not a list of strings"],
  ["a condition without an expression", member({ condition: { title: "t" } }), "condition.expression is"],
  ["policy_data that is not JSON", policy('{"bindings": ['), "policy_data is not valid JSON"],
  ["policy_data that Terraform computes", policy("${jsonencode(local.policy)}"), "policy_data is computed by Terraform"],
  ["policy_data whose bindings hold a member of the wrong type", policy(JSON.stringify({ bindings: [{ role: "roles/owner", members: "allUsers" }] })), "policy_data bindings[0].members"],
  ["audit exemptions written as a string", audit({ exempted_members: "user:ann@acme.example" }), "audit_log_config[0].exempted_members is string"],
  ["an audit log type that is a number", audit({ log_type: 1 }), "audit_log_config[0].log_type is number 1"],
  ["an audit config with no log configs", { google_project_iam_audit_config: { a: { project: "acme-dev", service: "datastore.googleapis.com" } } }, "audit_log_config is missing"],
])("%s: exit 1 with FSI-IAM-004 naming the field", (_, resources, message) => {
  const r = check(resources as never);
  expect(r.code).toBe(1);
  expect(r.out).toContain("FSI-IAM-004");
  expect(r.out).toContain(message);
});
