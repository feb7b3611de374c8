import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import * as fc from "fast-check";
import { AuditLogDestination, FirestoreAuditLogging, Principal, WorkloadServiceAccount } from "../../src";
import { lqlShape, tokenizeLql } from "../support/logging-query";
import { expectInputError } from "../support/synth";
import { evaluateTemplate } from "../support/terraform-template";

/**
 * Values Terraform fills in land inside Cloud Logging exclusion filters. Filled in the way
 * `terraform plan` does (the emitted expression evaluated, jsonencode included) and read back
 * with a tokenizer of the Logging query language, every filter keeps the structure it has with
 * honest values, and each value stays one string holding exactly what the variable held.
 */
const HONEST = { "var.method": "google.firestore.v1.Firestore.Listen", "var.sa": "loadtest@acme-dev-1.iam.gserviceaccount.com", "var.local": "alice" };
const SA_EMAIL = "deployer@acme-dev-1.iam.gserviceaccount.com";
const ISSUE_EXAMPLE = 'x" OR protoPayload.methodName:"google';

function synth(): any {
  const stack = new TerraformStack(Testing.app(), "logs-dev");
  new GoogleProvider(stack, "google", { project: "acme-dev-1" });
  const v = (name: string) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
  const deployer = new WorkloadServiceAccount(stack, "deployer", { projectId: "acme-dev-1", accountId: "deployer" });
  new FirestoreAuditLogging(stack, "audit", {
    projectId: "acme-dev-1",
    destination: AuditLogDestination.pubSub({ topicName: "firestore-audit" }),
    exclusions: [
      { name: "no-listen", description: "listen streams of the web app are noise", methods: [v("method")] },
      { name: "loadtest", description: "load tests read the same documents all day", principals: [Principal.serviceAccount(v("sa")), Principal.user(`${v("local")}@acme.example`), deployer] },
    ],
  });
  return JSON.parse(Testing.synth(stack));
}

const json = synth();
/** Every exclusion filter the stack deploys: the _Default sink's exclusions and the audit sink's. */
const filters: string[] = [
  ...Object.values<any>(json.resource.google_logging_project_exclusion).map((e) => e.filter),
  ...Object.values<any>(json.resource.google_logging_project_sink).flatMap((s) => (s.exclusions ?? []).map((e: any) => e.filter)),
];

function fill(filter: string, vars: Record<string, string>): string {
  return evaluateTemplate(filter, (ref) => vars[ref] ?? (/^google_service_account\.[^.]+\.email$/.test(ref) ? SA_EMAIL : undefined));
}

/** The string values of a filter, in order. */
const strings = (filter: string) => tokenizeLql(filter).filter((t) => t.kind === "STRING").map((t) => t.value);

function expectSameStructure(vars: Record<string, string>): void {
  for (const filter of filters) {
    const honest = fill(filter, HONEST);
    const filled = fill(filter, vars);
    expect(lqlShape(filled)).toBe(lqlShape(honest));
    // Where an honest value stood, the hostile one stands whole; every other string is unchanged.
    const expected = strings(honest).map((s) => {
      const variable = Object.entries(HONEST).find(([, value]) => s === value || s === `${value}@acme.example`);
      if (!variable) return s;
      return s === HONEST[variable[0] as keyof typeof HONEST] ? vars[variable[0]] : `${vars[variable[0]]}@acme.example`;
    });
    expect(strings(filled)).toEqual(expected);
  }
}

test("the filters carry the values through jsonencode(), and honest values give the filter that was meant", () => {
  expect(filters).toHaveLength(4);
  expect(filters.join("\n")).toContain("protoPayload.methodName=${jsonencode(var.method)}");
  expect(filters.join("\n")).toContain('protoPayload.authenticationInfo.principalEmail=${jsonencode("${var.local}@acme.example")}');
  const listen = fill(filters.find((f) => f.includes("methodName"))!, HONEST);
  expect(listen).toBe('logName:"cloudaudit.googleapis.com%2Fdata_access" AND (protoPayload.serviceName="firestore.googleapis.com" OR protoPayload.serviceName="datastore.googleapis.com") AND (protoPayload.methodName="google.firestore.v1.Firestore.Listen")');
  expect(fill(filters.find((f) => f.includes("principalEmail"))!, HONEST)).toContain(`protoPayload.authenticationInfo.principalEmail="${SA_EMAIL}"`);
});

test("the issue's example stays one string; pasted between quotes as before, it would have added an OR", () => {
  expectSameStructure({ "var.method": ISSUE_EXAMPLE, "var.sa": ISSUE_EXAMPLE, "var.local": ISSUE_EXAMPLE });
  // Control: the tokenizer does see the injection in the filter the library used to write.
  const before = `protoPayload.methodName="${HONEST["var.method"]}"`;
  const injected = `protoPayload.methodName="${ISSUE_EXAMPLE}"`;
  expect(lqlShape(injected)).not.toBe(lqlShape(before));
  expect(tokenizeLql(injected).map((t) => t.kind)).toContain("OR");
});

const filterSyntax = fc.constantFrom('"', "\\", '\\"', " OR ", " AND ", "NOT ", "(", ")", ":", "=", "=~", "*", "\n", "<", "&", "\u2028", "${x}", "%{", "'", "protoPayload.methodName", "google");

test("hostile variable values never change an exclusion filter's structure (property)", () => {
  const value = fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.oneof(filterSyntax, fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join("")));
  fc.assert(
    fc.property(value, value, value, (method, sa, local) => {
      expectSameStructure({ "var.method": method, "var.sa": sa, "var.local": local });
    }),
    { numRuns: 300, seed: 23 },
  );
});

describe("what cannot be quoted is refused with the library's message", () => {
  const audit = (s: any, exclusions: unknown[]) =>
    new FirestoreAuditLogging(s, "audit", { projectId: "acme-dev-1", destination: AuditLogDestination.pubSub({ topicName: "firestore-audit" }), exclusions: exclusions as never });
  const variable = (s: any) => new TerraformVariable(s, "x", { type: "string" }).stringValue;

  test("an exclusion name Terraform fills in (it names a construct)", () => {
    expectInputError((s) => audit(s, [{ name: variable(s), description: "listen streams are noise", methods: ["Listen"] }]), "test/audit", "exclusions[0].name", "written in the code");
  });
  test("a member whose type Terraform fills in (a group is never named by entries)", () => {
    expectInputError((s) => audit(s, [{ name: "x", description: "listen streams are noise", principals: [{ iamMember: variable(s), principalName: "p" }] }]), "exclusions[0].principals", "iamMember that is user:");
    expectInputError((s) => audit(s, [{ name: "x", description: "listen streams are noise", principals: [Principal.group(variable(s))] }]), "exclusions[0].principals[0]", "user: or serviceAccount: written in the code");
  });
  test("a filter over 20,000 characters (Cloud Logging quotas), with its control", () => {
    const methods = (n: number) => Array.from({ length: n }, (_, i) => `google.firestore.v1.Firestore.${"M".repeat(200)}${i}`);
    expectInputError((s) => audit(s, [{ name: "x", description: "too many methods to list", methods: methods(90) }]), "exclusions[0]", "characters", "at most 20,000 characters");
    expect(() => audit(new TerraformStack(Testing.app(), "ok"), [{ name: "x", description: "many methods, still fits", methods: methods(40) }])).not.toThrow();
  });
});
