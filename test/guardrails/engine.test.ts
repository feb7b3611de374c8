import { FirestoreGuardrails, FindingStatus } from "../../src";
import { evaluate, failures } from "../../src/guardrails/engine";
import { environmentOf } from "../../src/guardrails/environment";
import { StackModel } from "../../src/analysis/terraform-json";
import * as path from "path";
import { DB_CONDITION, model } from "./support";

const SA = "serviceAccount:app@acme-dev.iam.gserviceaccount.com";

function summary(stacks: StackModel[]) {
  return evaluate(stacks, { crossStack: true })
    .filter((f) => f.status === FindingStatus.NON_COMPLIANT || f.status === FindingStatus.SUPPRESSED)
    .map((f) => `${f.status} ${f.ruleId} ${f.constructPath}: ${f.message}`);
}

describe("suppressions in hand-written JSON", () => {
  const owner = (suppressions: unknown) => ({
    "//": { metadata: { path: "app-dev/owner" }, guardrails: { suppressions } },
    project: "acme-dev",
    role: "roles/owner",
    member: SA,
  });

  test("a resource-level suppression with a reason is honoured", () => {
    const stack = model({ google_project_iam_member: { o: owner([{ rule_id: "FSI-IAM-001", reason: "break-glass owner, reviewed" }]) } });
    // roles/owner holds datastore.* permissions (Google's role data), so the audit-log rule applies too.
    expect(summary([stack])).toEqual([
      "suppressed FSI-IAM-001 app-dev/owner: google_project_iam_member grants basic role roles/owner",
      "non-compliant FSI-LOG-001 app-dev/owner: project acme-dev grants Firestore roles but no stack logs DATA_READ and DATA_WRITE for datastore.googleapis.com without exemptions",
    ]);
  });

  test("a reason-less suppression is reported and not honoured; unused and unknown ones are reported", () => {
    const stack = model(
      { google_project_iam_member: { o: owner([{ rule_id: "FSI-IAM-001", reason: "ok" }]) } },
      { "//": { guardrails: { suppressions: [{ rule_id: "FSI-IAM-002", reason: "no keys but suppressed anyway", scope: "app-dev" }, { rule_id: "FSI-X", reason: "typo in the rule id here" }] } } },
    );
    expect(summary([stack])).toEqual([
      "non-compliant FSI-IAM-001 app-dev/owner: google_project_iam_member grants basic role roles/owner",
      "non-compliant FSI-LOG-001 app-dev/owner: project acme-dev grants Firestore roles but no stack logs DATA_READ and DATA_WRITE for datastore.googleapis.com without exemptions",
      "non-compliant FSI-SUP-001 app-dev/owner: suppression of FSI-IAM-001 has no reason of at least 10 characters, so it is ignored",
      "non-compliant FSI-SUP-002 app-dev: unused suppression: FSI-X is not a guardrail rule id",
      "non-compliant FSI-SUP-002 app-dev: unused suppression: no FSI-IAM-002 finding at or below this path",
    ]);
  });
});

describe("model", () => {
  test("resolves references into readable names, and survives reference cycles", () => {
    const stack = model({
      google_service_account: { sa: { account_id: "app", project: "acme-dev" } },
      google_iam_workload_identity_pool: { pool: { workload_identity_pool_id: "ci" } },
      null_resource: { a: { x: "${null_resource.b.y}" }, b: { y: "${null_resource.a.x}" } },
    }, { provider: { google: { project: "acme-dev" } } });
    expect(stack.resolve("serviceAccount:${google_service_account.sa.email}")).toBe("serviceAccount:app@acme-dev.iam.gserviceaccount.com");
    expect(stack.resolve("principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.pool.name}/*")).toBe(
      "principalSet://iam.googleapis.com/projects/acme-dev/locations/global/workloadIdentityPools/ci/*",
    );
    expect(stack.resolve("${var.unknown}")).toBe("${var.unknown}");
    expect(stack.resolve("${null_resource.a.x}")).toContain("${");
  });

  test("environment from the stack name suffix, else the provider's env label", () => {
    expect(environmentOf(new StackModel("airflow-prod", {}))).toBe("prod");
    expect(environmentOf(new StackModel("platform_staging", {}))).toBe("staging");
    expect(environmentOf(new StackModel("platform", { provider: { google: [{ default_labels: { env: "Production" } }] } }))).toBe("prod");
    expect(environmentOf(new StackModel("platform", {}))).toBe("default");
  });
});

describe("engine", () => {
  test("checkSynthOutput runs every rule over cdktf.out; findings are sorted and stable", () => {
    const dir = path.join(__dirname, "..", "fixtures", "synth-output");
    const a = FirestoreGuardrails.checkSynthOutput(dir);
    expect(failures(a).map((f) => `${f.ruleId} ${f.stack}`)).toEqual(["FSI-LOG-001 app-prod"]);
    expect(JSON.stringify(FirestoreGuardrails.checkSynthOutput(dir))).toBe(JSON.stringify(a));
  });

  // How long this takes is measured by `npm run bench` (bench/RESULTS.md), not asserted here: shared machines are noisy.
  test("16,000 resources are evaluated, every grant judged", () => {
    const resources: any = { google_service_account: {}, google_service_account_iam_member: {}, google_project_iam_member: {}, google_iam_workload_identity_pool_provider: {} };
    for (let i = 0; i < 4000; i++) {
      resources.google_service_account[`sa${i}`] = { "//": { metadata: { path: `big-dev/sa${i}/Resource` } }, account_id: `sa-${i}`, project: "acme-dev" };
      resources.google_service_account_iam_member[`wi${i}`] = {
        "//": { metadata: { path: `big-dev/sa${i}/wi` } },
        service_account_id: `\${google_service_account.sa${i}.name}`,
        role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/attribute.pipeline/acme/p${i}`,
      };
      resources.google_project_iam_member[`g${i}`] = {
        "//": { metadata: { path: `big-dev/db/g${i}` } },
        project: "acme-dev",
        role: "roles/datastore.user",
        member: `serviceAccount:\${google_service_account.sa${i}.email}`,
        condition: DB_CONDITION,
      };
      resources.google_iam_workload_identity_pool_provider[`p${i}`] = { attribute_condition: 'assertion.organization_slug == "acme"', oidc: { issuer_uri: "https://agent.buildkite.com" } };
    }
    const audit = model({ google_project_iam_audit_config: { a: { project: "acme-dev", service: "datastore.googleapis.com", audit_log_config: [{ log_type: "DATA_READ" }, { log_type: "DATA_WRITE" }] } } }, {}, "platform-dev");
    const findings = evaluate([model(resources, {}, "big-dev"), audit], { crossStack: true });
    expect(failures(findings)).toEqual([]);
    expect(findings.filter((f) => f.status === FindingStatus.COMPLIANT).length).toBeGreaterThan(16000);
  });
});
