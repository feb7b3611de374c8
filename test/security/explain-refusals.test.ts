import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import * as fc from "fast-check";
import { AccessDecision, AccessSimulator, FirestoreAccessLevel, FirestoreDatabase, WorkloadIdentityPool } from "../../src";
import { main } from "../../src/cli/main";
import { buildkiteToken, githubToken, providerAudience } from "../fixtures/tokens";

/**
 * explain refuses questions nobody can ask — a token no issuer sends, two identities at once,
 * a time that is no instant, names IAM or Firestore would never accept — with the field, the
 * rule and why, instead of answering ALLOWED, DENIED or UNKNOWN. Each refusal has its control:
 * the same request, made well, gets an answer.
 */
const DB = "projects/acme-dev/databases/orders";
const AUD = providerAudience("ci-pool", "buildkite");

function synth(): string {
  const stack = new TerraformStack(Testing.app(), "explain-dev");
  new GoogleProvider(stack, "google", { project: "acme-dev" });
  const pool = new WorkloadIdentityPool(stack, "pool", { projectId: "acme-dev", poolId: "ci-pool" });
  const bk = pool.addBuildkiteProvider("bk", { organizationSlug: "acme", pipelineSlugs: ["deploy"] });
  const gh = pool.addGitHubActionsProvider("gh", { owner: "contoso" });
  const db = FirestoreDatabase.fromExisting(stack, "db", { projectId: "acme-dev", databaseId: "orders" });
  db.grantRead(bk.pipeline("deploy"));
  db.grantRead(gh.repository("contoso/app"));
  return Testing.synth(stack);
}

const json = synth();
const simulator = AccessSimulator.fromStackJson([json]);
const good = { token: buildkiteToken("acme", "deploy", "main", AUD), database: DB, permission: "datastore.entities.get" };

/** The error explain throws, or fails when it answers instead. */
function refusal(request: unknown): Error {
  let answer: unknown;
  try {
    answer = simulator.explain(request as never);
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error(`explain answered ${JSON.stringify((answer as { decision: string }).decision)} instead of refusing ${String(JSON.stringify(request))?.slice(0, 200)}`);
}

test("control: the well-made request is answered", () => {
  expect(simulator.explain(good).decision).toBe(AccessDecision.ALLOWED);
  expect(simulator.explain({ ...good, time: "2030-01-01T09:00:00Z" }).decision).toBe(AccessDecision.ALLOWED);
  expect(simulator.explain({ token: githubToken("contoso/app", "refs/heads/main", providerAudience("ci-pool", "github-actions")), database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
  expect(simulator.explain({ member: "user:ann@acme.example", groups: ["ops@acme.example"], database: DB, access: FirestoreAccessLevel.READ }).decision).toBe(AccessDecision.DENIED);
});

describe("tokens no issuer sends (OpenID Connect Core §2; each issuer's documented claim types)", () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ["no iss", { iss: undefined }, ["token.iss (missing)", "REQUIRED", "OpenID Connect Core 1.0 §2"]],
    ["no sub", { sub: undefined }, ["token.sub (missing)", "REQUIRED"]],
    ["no aud", { aud: undefined }, ["token.aud (missing)", "string or a non-empty array of strings"]],
    ["iss a number", { iss: 7 }, ["token.iss 7", "must be a string"]],
    ["sub an object", { sub: { a: 1 } }, ['token.sub {"a":1}', "must be a string"]],
    ["aud an array holding a number", { aud: [AUD, 1] }, ["token.aud", "array of strings"]],
    ["aud an empty array", { aud: [] }, ["token.aud []"]],
    ["build_branch: 7", { build_branch: 7 }, ["token.build_branch 7", "Buildkite documents build_branch as a string", "buildkite.com/docs"]],
    ["build_number a string", { build_number: "1" }, ["token.build_number", "as an integer"]],
    ["pipeline_slug a list", { pipeline_slug: ["deploy"] }, ["token.pipeline_slug", "as a string"]],
  ];
  test.each(cases)("%s", (_, over, fragments) => {
    const message = refusal({ ...good, token: buildkiteToken("acme", "deploy", "main", AUD, over) }).message;
    for (const f of fragments) expect(message).toContain(f);
    expect(message).toContain("no issuer sends such a token");
  });
  test("a GitHub id as a number, Entra roles as a string, GKE's kubernetes.io as a string", () => {
    expect(refusal({ ...good, token: githubToken("contoso/app", "refs/heads/main", AUD, { repository_id: 74 }) }).message).toContain("GitHub Actions documents repository_id as a string");
    const entra = { iss: "https://login.microsoftonline.com/t/v2.0", sub: "s", aud: "a", roles: "Reader" };
    expect(refusal({ ...good, token: entra }).message).toContain("Microsoft Entra ID documents roles as an array of strings");
    const gke = { iss: "https://container.googleapis.com/v1/projects/acme-dev/locations/europe-west3/clusters/c", sub: "system:serviceaccount:ns:sa", aud: "a", "kubernetes.io": "ns" };
    expect(refusal({ ...good, token: gke }).message).toContain("GKE documents kubernetes.io as an object");
  });
  test("claims that are not a JSON object, or nested deeper than any token", () => {
    for (const token of [[], "eyJhbGciOi", 7, null]) expect(refusal({ ...good, token }).message).toMatch(/invalid token/);
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal({ ...good, token: { ...good.token, extra: deep } }).message).toContain("nested more than 32 levels");
  });
});

describe("requests no caller can make", () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ["a token and a member", { member: "user:ann@acme.example" }, ["invalid member", "cannot be given with token"]],
    ["a token and groups", { groups: ["ops@acme.example"] }, ["invalid groups", "cannot be given with token"]],
    ["time 1", { time: "1" }, ["invalid time \"1\"", "ISO 8601 date-time"]],
    ["a date without a time", { time: "2030-01-01" }, ["invalid time"]],
    ["a database id of 3 characters", { database: "projects/acme-dev/databases/app" }, ["invalid database", "4-63 characters"]],
    ["a database id with upper case", { database: "projects/acme-dev/databases/Orders" }, ["invalid database"]],
    ["a project with a slash-less name", { database: "orders" }, ["invalid database", "projects/PROJECT_ID/databases/DATABASE_ID"]],
    ["a storage permission", { permission: "storage.objects.get" }, ["invalid permission", "Firestore permission"]],
    ["a made-up Firestore permission", { permission: "datastore.entities.steal" }, ["invalid permission"]],
  ];
  test.each(cases)("%s", (_, over, fragments) => {
    const message = refusal({ ...good, ...over }).message;
    for (const f of fragments) expect(message).toContain(f);
  });
  test("a member or group IAM would not accept", () => {
    const asMember = { database: DB, permission: "datastore.entities.get" };
    expect(refusal({ ...asMember, member: "user:ann" }).message).toContain("email address");
    expect(refusal({ ...asMember, member: "ann@acme.example" }).message).toContain("user:EMAIL");
    expect(refusal({ ...asMember, member: "user:ann@acme.example", groups: ["ops"] }).message).toContain("invalid groups[0]");
  });
  test("non-strings from JavaScript: Symbols, BigInts, prototype-less objects are named, never a TypeError", () => {
    const odd = [Symbol("s"), 10n, Object.create(null), { toString: null }, () => 1];
    for (const value of odd) {
      for (const field of ["member", "database", "access", "time", "permission"]) {
        const request = field === "member" ? { database: DB, permission: "datastore.entities.get", member: value } : field === "access" ? { ...good, permission: undefined, access: value } : { ...good, [field]: value };
        expect(refusal(request).message).toContain(`invalid ${field}`);
      }
    }
  });
  test("long values are cut in the message, as construct errors cut them", () => {
    const message = refusal({ ...good, database: `projects/acme-dev/databases/${"d".repeat(100_000)}` }).message;
    expect(message.length).toBeLessThan(1000);
    expect(message).toContain("(100030 characters)");
  });
});

describe("explain CLI: exit 2 and the option named", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explain-"));
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), json);
  const tokenFile = (claims: unknown, name = "token.json") => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof claims === "string" ? claims : JSON.stringify(claims));
    return file;
  };
  const run = (...argv: string[]) => {
    let out = "";
    let err = "";
    const code = main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
  };
  const target = path.join(dir, "cdk.tf.json");
  const ask = ["--database", DB, "--permission", "datastore.entities.get"];

  test("control: a well-made token file is answered", () => {
    expect(run("explain", target, "--token", tokenFile(good.token), ...ask).code).toBe(0);
  });
  test.each([
    ["--token with --member", ["--member", "user:ann@acme.example"], "--token and --member cannot be given together"],
    ["--group with --token", ["--group", "ops@acme.example"], "--token and --group cannot be given together"],
  ])("%s", (_, extra, message) => {
    const r = run("explain", target, "--token", tokenFile(good.token), ...extra, ...ask);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
  test("--group with --no-groups; --time 1; a member IAM would not accept", () => {
    const member = ["--member", "user:ann@acme.example"];
    expect(run("explain", target, ...member, "--group", "ops@acme.example", "--no-groups", ...ask).err).toContain("--group and --no-groups cannot be given together");
    const time = run("explain", target, ...member, "--no-groups", "--time", "1", ...ask);
    expect([time.code, time.err]).toEqual([2, expect.stringContaining('explain: --time: invalid time "1"')]);
    expect(run("explain", target, "--member", "ann", ...ask).err).toContain("explain: --member: invalid member");
  });
  test("a token file nested too deep, or holding no claims object, names --token", () => {
    const deep = tokenFile(`{"iss":${"[".repeat(200_000)}${"]".repeat(200_000)}}`, "deep.json");
    const r = run("explain", target, "--token", deep, ...ask);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--token ${deep}`);
    expect(r.err).not.toContain("Terraform JSON");
    expect(run("explain", target, "--token", tokenFile([1, 2], "array.json"), ...ask).err).toContain("--token");
  });

  test("generated malformed tokens always exit 2 with a clear error (property)", () => {
    const base = good.token as Record<string, unknown>;
    const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
    const claim = fc.constantFrom("iss", "sub", "aud", "build_branch", "build_number", "organization_slug", "pipeline_slug", "build_commit", "job_id");
    const malformed = fc.oneof(
      fc.record({ drop: fc.constantFrom("iss", "sub", "aud") }).map(({ drop }) => ({ ...base, [drop]: undefined })),
      fc.tuple(claim, wrong).filter(([c, v]) => !(c === "build_number" && Number.isSafeInteger(v)) && !(c === "aud" && Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "string"))).map(([c, v]) => ({ ...base, [c]: v })),
      wrong,
    );
    let n = 0;
    fc.assert(
      fc.property(malformed, (claims) => {
        const r = run("explain", target, "--token", tokenFile(claims, `generated-${n++ % 4}.json`), ...ask);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/^cdktf-firestore-identity: explain: --token \S+: invalid token/);
        expect(r.out).toBe("");
      }),
      { numRuns: 150, seed: 23 },
    );
  });

  test("generated malformed arguments always exit 2 (property)", () => {
    const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("1", "yesterday", "2030-01-01", "user:", "group:x", "projects/p/databases/a", "datastore.x.y", ""));
    const option = fc.constantFrom("--time", "--member", "--database", "--permission", "--group");
    fc.assert(
      fc.property(option, junk, (name, value) => {
        const args = { "--member": "user:ann@acme.example", "--database": DB, "--permission": "datastore.entities.get", "--no-groups": "" } as Record<string, string>;
        if (name === "--group") delete args["--no-groups"];
        args[name] = value;
        const argv = Object.entries(args).map(([k, v]) => (k === "--no-groups" ? k : `${k}=${v}`));
        const r = run("explain", target, ...argv);
        // A value that happens to be valid gets its answer; anything else is exit 2, never an answer.
        if (r.code !== 2) expect(r.out).toMatch(/^(ALLOWED|DENIED|UNKNOWN)/);
        else expect(r.err).toMatch(/^cdktf-firestore-identity: explain: --/);
      }),
      { numRuns: 150, seed: 23 },
    );
  });
});
