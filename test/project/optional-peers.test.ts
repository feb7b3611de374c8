import { execFileSync } from "child_process";
import { join } from "path";

// @cdktf/provider-azuread and @cdktf/provider-time are optional peers (package.json
// peerDependenciesMeta). This repository installs them, so a child process hides them the
// way Node reports a package that is not installed; the consumer smoke test
// (scripts/smoke-test.js) proves the same against a real install without them.
const repo = join(__dirname, "..", "..");
const pkg = require(join(repo, "package.json")) as { peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }> };

const HIDE = `
const Module = require("module");
const resolve = Module._resolveFilename;
globalThis.hidden = new Set();
Module._resolveFilename = function (request, ...rest) {
  if ([...globalThis.hidden].some((p) => request === p || request.startsWith(p + "/"))) {
    const e = new Error("Cannot find module '" + request + "'");
    e.code = "MODULE_NOT_FOUND";
    throw e;
  }
  return resolve.call(this, request, ...rest);
};`;

const SCRIPT = `
${HIDE}
const TENANT = "00000000-0000-4000-8000-000000000001";
const attempt = (f) => { try { f(); return "ok"; } catch (e) { return e.message; } };
globalThis.hidden.add("@cdktf/provider-azuread").add("@cdktf/provider-time");
const { TerraformStack, Testing } = require("cdktf");
const lib = require("./src");
const stack = new TerraformStack(Testing.app(), "github-dev");
const pool = new lib.WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "github" });
const github = pool.addGitHubActionsProvider("github", { owner: "acme" });
lib.FirestoreDatabase.fromExisting(stack, "orders", { projectId: "acme-dev", databaseId: "orders" }).grantRead(github.repository("acme/orders"));
new lib.FirestoreAuditLogging(stack, "audit", { projectId: "acme-dev", destination: lib.AuditLogDestination.logBucket({ bucketId: "firestore-audit", retentionDays: 400 }) });
const githubOnly = Object.keys(JSON.parse(Testing.synth(stack)).resource).sort();
const entra = attempt(() => new lib.EntraAppRegistration(stack, "app", { tenantId: TENANT, displayName: "Orders" }));
globalThis.hidden.delete("@cdktf/provider-azuread");
const secret = attempt(() => new lib.EntraAppRegistration(stack, "login", { tenantId: TENANT, displayName: "Airflow", clientSecret: { projectId: "acme-dev", secretId: "airflow-entra", accessors: [lib.Principal.group("ops@acme.example")] } }));
console.log(JSON.stringify({ githubOnly, entra, secret }));
`;

test("package.json marks exactly the Entra ID and rotation providers optional", () => {
  const optional = Object.entries(pkg.peerDependenciesMeta)
    .filter(([, meta]) => meta.optional)
    .map(([name]) => name);
  expect(optional.sort()).toEqual(["@cdktf/provider-azuread", "@cdktf/provider-time"]);
  for (const name of optional) expect(pkg.peerDependencies[name]).toBeDefined();
});

test("without the optional peers the library loads and a GitHub-only stack synthesizes; constructs that need one name the package to install", () => {
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", SCRIPT], { cwd: repo, encoding: "utf8" });
  const { githubOnly, entra, secret } = JSON.parse(out.trim().split("\n").pop()!) as { githubOnly: string[]; entra: string; secret: string };
  expect(githubOnly).toEqual(expect.arrayContaining(["google_iam_workload_identity_pool_provider", "google_project_iam_member", "google_project_iam_audit_config"]));
  expect(entra).toBe(
    `github-dev/app: EntraAppRegistration needs the peer dependency @cdktf/provider-azuread, which is not installed. ` +
      `Install it next to cdktf-firestore-identity: npm install @cdktf/provider-azuread@"${pkg.peerDependencies["@cdktf/provider-azuread"]}"`,
  );
  expect(secret).toBe(
    `github-dev/login/ClientSecret: EntraClientSecret needs the peer dependency @cdktf/provider-time, which is not installed. ` +
      `Install it next to cdktf-firestore-identity: npm install @cdktf/provider-time@"${pkg.peerDependencies["@cdktf/provider-time"]}"`,
  );
});
