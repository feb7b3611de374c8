import fc from "fast-check";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import {
  AuditLogDestination,
  EntraAppRegistration,
  FirestoreAuditLogging,
  FirestoreCustomRole,
  FirestoreDatabase,
  Principal,
  WorkloadIdentityPool,
  WorkloadServiceAccount,
} from "../../src";
import { celSyntaxError } from "../../src/core/cel";
import { evaluate, failures } from "../../src/guardrails/engine";
import { StackModel } from "../../src/analysis/terraform-json";

/**
 * Generated input, honest and hostile, for every public construct: each run ends in the
 * library's own error (naming the construct path, never a TypeError from inside) or in
 * Terraform whose every CEL expression parses, that Terraform will not evaluate as a
 * template, and that passes the single-stack guardrails. Bounded: RUNS per construct.
 */
const RUNS = Number(process.env.GENERATED_RUNS ?? 60);
const counts: Record<string, number> = {};
afterAll(() => {
  // The closing note of issue 12 records these counts.
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});

const hostile = fc.constantFrom('acme" || true || "', '${file("/etc/passwd")}', "%{if true}x%{endif}", "a".repeat(300), "", " ", "UPPER", "-x-", "x/y", "\u0000", "${TfToken[TOKEN.1]}");
const weird: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -5n, max: 5n }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
/** Mostly valid values, sometimes anything at all. */
const maybe = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: weird });
const slug = fc.stringMatching(/^[a-z][a-z0-9-]{4,12}[a-z0-9]$/);
const text = fc.oneof(fc.string({ maxLength: 40 }), hostile);

function newStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "gen-dev");
  new GoogleProvider(stack, "google", { project: "acme-dev" });
  return stack;
}

/** The outcome every generated input must have. */
function outcome(name: string, build: (stack: TerraformStack) => void): boolean {
  counts[name] = (counts[name] ?? 0) + 1;
  const stack = newStack();
  try {
    build(stack);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError || !(e instanceof Error)) throw e;
    if (!/^(gen-dev\/|Principal\.|AuditLogDestination\.)/.test(e.message)) throw new Error(`error without the construct path: ${e.message}`);
    return true;
  }
  const text = Testing.synth(stack);
  const json = JSON.parse(text);
  for (const expression of celExpressions(json)) {
    const error = celSyntaxError(expression);
    if (error !== undefined) throw new Error(`CEL that does not parse: ${expression}: ${error}`);
  }
  const template = templateText(json);
  if (template) throw new Error(`text Terraform would evaluate: ${template}`);
  const errors = failures(evaluate([new StackModel("gen-dev", json)], { crossStack: false }));
  if (errors.length > 0) throw new Error(`guardrail errors: ${errors.map((f) => `${f.ruleId} ${f.message}`).join("; ")}`);
  return true;
}

function celExpressions(json: any): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
    for (const r of Object.values<any>(byName)) {
      if (type === "google_iam_workload_identity_pool_provider") out.push(r.attribute_condition, ...Object.values<string>(r.attribute_mapping ?? {}));
      if (r.condition?.expression) out.push(r.condition.expression);
    }
  }
  return out.filter((e) => typeof e === "string");
}

/** A `${` or `%{` that is neither escaped nor one of the references the library writes. */
function templateText(json: any): string | undefined {
  const found: string[] = [];
  JSON.stringify(json, (_, v) => {
    if (typeof v === "string") {
      const stripped = v.replace(/\$\$\{|%%\{/g, "").replace(/\$\{(jsonencode\(|var\.|data\.|google_|azuread_|time_|timeadd\(|TfToken)[^}]*\}/g, "");
      if (/\$\{|%\{/.test(stripped)) found.push(v);
    }
    return v;
  });
  return found[0];
}

const run = (name: string, arb: fc.Arbitrary<unknown[]>, build: (stack: TerraformStack, ...args: any[]) => void) =>
  test(`${name}: ${RUNS} generated inputs end in a clear error or in output that parses and passes`, () => {
    fc.assert(fc.property(arb, (args) => outcome(name, (stack) => build(stack, ...args))), { numRuns: RUNS, seed: process.env.GENERATED_RUNS ? undefined : 12 });
  });

run("WorkloadIdentityPool + Buildkite", fc.tuple(maybe(slug), maybe(slug), maybe(text), maybe(fc.array(slug, { maxLength: 3 })), maybe(slug), maybe(slug)), (s, poolId, org, description, pipelines, pipeline, branch) => {
  const pool = new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: poolId as never, description: description as never });
  const bk = pool.addBuildkiteProvider("bk", { organizationSlug: org as never, pipelineSlugs: pipelines as never });
  new WorkloadServiceAccount(s, "sa", { projectId: "acme-dev", accountId: "deployer-sa" }).allowImpersonation(bk.pipeline(pipeline as never, { branch: branch as never }));
});

run("GitHub Actions provider", fc.tuple(maybe(slug), maybe(fc.stringMatching(/^[0-9]{1,8}$/)), maybe(slug), maybe(fc.constantFrom("refs/heads/main", "refs/tags/v1"))), (s, owner, ownerId, repo, ref) => {
  const gh = new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "ci-pool" }).addGitHubActionsProvider("gh", { owner: owner as never, ownerId: ownerId as never });
  FirestoreDatabase.fromExisting(s, "db", { projectId: "acme-dev", databaseId: "orders" }).grantRead(gh.repository((typeof repo === "string" && typeof owner === "string" ? `${owner}/${repo}` : repo) as never, { ref: ref as never }));
});

run("Entra ID provider", fc.tuple(maybe(fc.uuid()), maybe(fc.string({ maxLength: 30 })), maybe(fc.constantFrom(1, 2)), maybe(fc.uuid())), (s, tenantId, audience, tokenVersion, oid) => {
  const entra = new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "az-pool" }).addEntraIdProvider("entra", { tenantId: tenantId as never, audience: audience as never, tokenVersion: tokenVersion as never });
  FirestoreDatabase.fromExisting(s, "db", { projectId: "acme-dev" }).grantRead(entra.objectId(oid as never));
});

run("generic OIDC provider", fc.tuple(maybe(slug), maybe(fc.constantFrom("https://idp.example.com", "http://x")), maybe(fc.constantFrom("assertion.sub", "assertion.sub ==", '"a" + assertion.x')), maybe(fc.constantFrom('assertion.org == "acme"', "assertion.x)", "true"))), (s, providerId, issuerUri, subject, condition) => {
  new WorkloadIdentityPool(s, "pool", { projectId: "acme-dev", poolId: "oidc-pool" }).addOidcProvider("o", {
    providerId: providerId as never,
    issuerUri: issuerUri as never,
    attributeMapping: { "google.subject": subject as never },
    attributeCondition: condition as never,
  });
});

run("FirestoreDatabase + grants", fc.tuple(maybe(slug), maybe(fc.constantFrom("eur3", "nam5")), maybe(fc.boolean()), maybe(fc.constantFrom("roles/datastore.viewer", "roles/owner", "roles/datastore.user")), maybe(fc.emailAddress())), (s, databaseId, locationId, pitr, role, email) => {
  const db = new FirestoreDatabase(s, "db", { projectId: "acme-dev", databaseId: databaseId as never, locationId: locationId as never, pointInTimeRecovery: pitr as never });
  db.grant(Principal.group(email as never), role as never);
});

run("FirestoreCustomRole", fc.tuple(maybe(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_.]{2,20}$/)), maybe(fc.array(fc.constantFrom("datastore.entities.get", "datastore.entities.gett", "storage.objects.get"), { maxLength: 3 })), maybe(text)), (s, roleId, permissions, title) => {
  const role = new FirestoreCustomRole(s, "role", { projectId: "acme-dev", roleId: roleId as never, permissions: permissions as never, title: title as never });
  FirestoreDatabase.fromExisting(s, "db", { projectId: "acme-dev" }).grantCustomRole(Principal.user("a@acme.example"), role);
});

run("FirestoreAuditLogging", fc.tuple(maybe(fc.stringMatching(/^[a-z][a-z0-9-]{4,20}$/)), maybe(fc.integer({ min: -1, max: 30000 })), maybe(fc.boolean()), maybe(fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/))), (s, bucketName, retentionDays, lock, bucketId) => {
  const destination =
    typeof bucketId === "string" && bucketId.length % 2 === 0
      ? AuditLogDestination.logBucket({ projectId: "acme-logs", bucketId: bucketId as never, retentionDays: retentionDays as never })
      : AuditLogDestination.storage({ bucketName: bucketName as never, location: "EU", retentionDays: retentionDays as never, lockRetention: lock as never });
  new FirestoreAuditLogging(s, "audit", { projectId: "acme-dev", destination });
});

run("EntraAppRegistration", fc.tuple(maybe(text), maybe(text), maybe(fc.constantFrom("Orders.Read", "a b", "x${y}")), maybe(fc.constantFrom(["https://app.example.com/cb"], ["http://evil.example/cb"], "https://x"))), (s, displayName, description, roleValue, redirectUris) => {
  new EntraAppRegistration(s, "app", {
    tenantId: "00000000-0000-4000-8000-000000000001",
    displayName: displayName as never,
    description: description as never,
    redirectUris: redirectUris as never,
    appRoles: [{ value: roleValue as never, displayName: "Read", description: "Read orders" }],
  });
});
