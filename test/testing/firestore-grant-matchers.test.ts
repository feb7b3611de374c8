import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { OrganizationIamMember } from "@cdktf/provider-google/lib/organization-iam-member";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { FirestoreAccessLevel, FirestoreDatabase, Principal } from "../../src";
import { ANALYSTS, DATABASE, DEPLOYER, PROJECT, TESTS_PIPELINE, buildkiteStack, failure, wideGrant } from "./stacks";

const { stack, database, deployer, tests, reader, json } = buildkiteStack();
const parsed = JSON.parse(json);
const EXACT = [
  { member: deployer, database, access: FirestoreAccessLevel.INDEX_ADMIN },
  { member: tests, database: DATABASE, role: "roles/datastore.user" },
  { member: ANALYSTS, database: { projectId: PROJECT, databaseId: "orders" }, role: reader.roleName },
];

describe("toGrantFirestoreAccess", () => {
  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", parsed],
    ["the stack", stack],
  ])("finds database-conditioned grants in %s, whatever form member, database and role take", (_, received) => {
    expect(received).toGrantFirestoreAccess({ member: deployer, database, access: FirestoreAccessLevel.INDEX_ADMIN });
    expect(received).toGrantFirestoreAccess({ member: DEPLOYER, database: DATABASE, role: "roles/datastore.indexAdmin" });
    expect(received).toGrantFirestoreAccess({ member: tests, database: { projectId: PROJECT, databaseId: "orders" }, access: FirestoreAccessLevel.READ_WRITE });
    expect(received).toGrantFirestoreAccess({ member: TESTS_PIPELINE, database, role: "roles/datastore.user" });
    expect(received).toGrantFirestoreAccess({ member: ANALYSTS, database, role: reader.roleName });
    expect(received).toGrantFirestoreAccess({ member: ANALYSTS, database, role: "projects/acme-dev/roles/ordersReader" });
    expect(received).toGrantFirestoreAccess({ database, access: FirestoreAccessLevel.READ_WRITE });
    expect(received).not.toGrantFirestoreAccess({ member: deployer, database, access: FirestoreAccessLevel.READ_WRITE });
  });

  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", parsed],
  ])("a failure in %s names the missing grant and the closest grants by resource", (_, received) => {
    expect(failure(() => expect(received).toGrantFirestoreAccess({ member: deployer, database, access: FirestoreAccessLevel.READ }))).toMatch(
      new RegExp(
        [
          "expect\\(received\\)\\.toGrantFirestoreAccess\\(expected\\)\\n\\n",
          `Expected a grant of roles/datastore\\.viewer on ${DATABASE} to ${DEPLOYER} \\(condition resource\\.name == "${DATABASE}"\\), but there is none\\.\\n`,
          "Closest grants:\\n",
          `  google_project_iam_member\\.db_indexAdmin-\\S+: roles/datastore\\.indexAdmin to ${DEPLOYER}, on ${DATABASE}`,
        ].join(""),
      ),
    );
  });

  test(".not names the grant that exists", () => {
    expect(failure(() => expect(json).not.toGrantFirestoreAccess({ member: tests, database, access: FirestoreAccessLevel.READ_WRITE }))).toMatch(
      new RegExp(`^expect\\(received\\)\\.not\\.toGrantFirestoreAccess\\(expected\\)\\n\\nExpected no grant of roles/datastore\\.user on ${DATABASE} to principalSet://iam\\.googleapis\\.com/${"projects/acme-dev/locations/global/workloadIdentityPools/buildkite-dev"}/attribute\\.pipeline/acme/integration-tests, but found:\\n  google_project_iam_member\\.db_user-`),
    );
  });

  test("a grant without the database condition, or with a condition that reaches further, does not count", () => {
    const loose = buildkiteStack((s) => {
      wideGrant(s);
      new ProjectIamMember(s, "widened", {
        project: PROJECT,
        role: "roles/datastore.viewer",
        member: DEPLOYER,
        condition: { title: "orders, or not", expression: `resource.name == "${DATABASE}" || true` },
      });
    }).json;
    const message = failure(() => expect(loose).toGrantFirestoreAccess({ member: DEPLOYER, database, access: FirestoreAccessLevel.READ_WRITE }));
    expect(message).toContain(`google_project_iam_member.wide: roles/datastore.user to ${DEPLOYER}, with no condition, so on every database of project acme-dev`);
    expect(failure(() => expect(loose).toGrantFirestoreAccess({ member: DEPLOYER, database, access: FirestoreAccessLevel.READ }))).toContain(
      `google_project_iam_member.widened: roles/datastore.viewer to ${DEPLOYER}, with condition \`resource.name == "${DATABASE}" || true\`, which is not one database`,
    );
  });

  test("a grant whose condition names a database of another project reaches nothing", () => {
    const elsewhere = buildkiteStack((s) => {
      new ProjectIamMember(s, "elsewhere", {
        project: "acme-prod",
        role: "roles/datastore.viewer",
        member: DEPLOYER,
        condition: { title: "orders", expression: `resource.name == "${DATABASE}"` },
      });
    }).json;
    expect(failure(() => expect(elsewhere).toGrantFirestoreAccess({ member: DEPLOYER, database, access: FirestoreAccessLevel.READ }))).toContain(
      `google_project_iam_member.elsewhere: roles/datastore.viewer to ${DEPLOYER}, in project acme-prod with condition naming ${DATABASE} of another project, so it reaches nothing`,
    );
  });

  test("a database whose project is a Terraform variable matches through the same reference", () => {
    const variables = new TerraformStack(Testing.app(), "variables");
    const project = new TerraformVariable(variables, "project", { type: "string" });
    const shared = FirestoreDatabase.fromExisting(variables, "db", { projectId: project.stringValue, databaseId: "orders" });
    shared.grantRead(Principal.group("analysts@acme.example"));
    expect(Testing.synth(variables)).toGrantFirestoreAccess({ member: ANALYSTS, database: shared, access: FirestoreAccessLevel.READ });
    expect(Testing.synth(variables)).toGrantFirestoreAccess({ member: ANALYSTS, database: "projects/${var.project}/databases/orders", access: FirestoreAccessLevel.READ });
  });

  test("bad expectations and inputs are errors, not failures", () => {
    expect(() => expect(json).toGrantFirestoreAccess({ database: "orders", access: FirestoreAccessLevel.READ })).toThrow(
      'toGrantFirestoreAccess: database must be "projects/PROJECT_ID/databases/DATABASE_ID" or { projectId, databaseId }, got "orders"',
    );
    // @ts-expect-error role and access exclude each other
    expect(() => expect(json).toGrantFirestoreAccess({ database, role: "roles/datastore.user", access: FirestoreAccessLevel.READ })).toThrow(
      "toGrantFirestoreAccess: give role or access, not both",
    );
    expect(() => expect(json).toGrantFirestoreAccess({ database, access: "WRITE" as FirestoreAccessLevel })).toThrow(
      'toGrantFirestoreAccess: access must be one of READ, READ_WRITE, INDEX_ADMIN, IMPORT_EXPORT, EXPORT, BACKUP_ADMIN, got "WRITE"',
    );
    expect(() => expect("resource {").toGrantFirestoreAccess({ database, access: FirestoreAccessLevel.READ })).toThrow(
      /^toGrantFirestoreAccess: the received string is not JSON/,
    );
    expect(() => expect(42).toGrantFirestoreAccess({ database, access: FirestoreAccessLevel.READ })).toThrow(
      "toGrantFirestoreAccess: expected Testing.synth(stack) output, its parsed JSON or a TerraformStack, but received number 42",
    );
  });
});

describe("toOnlyGrantFirestoreAccess", () => {
  test.each([
    ["Testing.synth output", json],
    ["parsed JSON", parsed],
    ["the stack", stack],
  ])("passes on %s when the Firestore grants are exactly the listed ones, in any order", (_, received) => {
    expect(received).toOnlyGrantFirestoreAccess(EXACT);
    expect(received).toOnlyGrantFirestoreAccess([...EXACT].reverse());
    expect(received).not.toOnlyGrantFirestoreAccess(EXACT.slice(1));
  });

  test("an entry without a member covers every member of that role on that database", () => {
    expect(json).toOnlyGrantFirestoreAccess([EXACT[0], EXACT[2], { database, access: FirestoreAccessLevel.READ_WRITE }]);
  });

  const wide = buildkiteStack((s) => {
    wideGrant(s);
    new OrganizationIamMember(s, "org", { orgId: "123456789", role: "roles/datastore.viewer", member: ANALYSTS });
  }).json;

  test.each([
    ["Testing.synth output", wide],
    ["parsed JSON", JSON.parse(wide)],
  ])("a wider grant in %s fails as an extra grant with its member, role and scope; a missing one is named", (_, received) => {
    const message = failure(() =>
      expect(received).toOnlyGrantFirestoreAccess([...EXACT, { member: "user:ana@acme.example", database, access: FirestoreAccessLevel.BACKUP_ADMIN }]),
    );
    expect(message).toBe(
      [
        "expect(received).toOnlyGrantFirestoreAccess(expected)",
        "",
        "Expected the stack's Firestore grants to be exactly the 4 listed, but:",
        `  extra grant google_organization_iam_member.org: roles/datastore.viewer to ${ANALYSTS}, with no condition, so on every database of the organization`,
        `  extra grant google_project_iam_member.wide: roles/datastore.user to ${DEPLOYER}, with no condition, so on every database of project acme-dev`,
        `  missing grant: roles/datastore.backupsAdmin on ${DATABASE} to user:ana@acme.example`,
      ].join("\n"),
    );
  });

  test("a listed role that is no Firestore role of the stack says so", () => {
    expect(failure(() => expect(json).toOnlyGrantFirestoreAccess([...EXACT, { member: ANALYSTS, database, role: "projects/acme-dev/roles/elsewhere" }]))).toContain(
      `missing grant: projects/acme-dev/roles/elsewhere on ${DATABASE} to ${ANALYSTS} (not a Firestore role of this stack`,
    );
  });

  test(".not lists the grants that matched exactly", () => {
    const message = failure(() => expect(parsed).not.toOnlyGrantFirestoreAccess(EXACT));
    expect(message).toMatch(/^expect\(received\)\.not\.toOnlyGrantFirestoreAccess\(expected\)\n\nExpected the stack's Firestore grants to differ from the listed ones, but they are exactly:\n/);
    expect(message).toContain(`: projects/acme-dev/roles/ordersReader to ${ANALYSTS}, on ${DATABASE}`);
    expect(message.split("\n")).toHaveLength(6);
  });
});

describe("scale", () => {
  test("5,000 grants against 5,000 expectations (timed by npm run bench, not here)", () => {
    const members: any = {};
    const expected = [];
    for (let i = 0; i < 5000; i++) {
      const database = `projects/acme-dev/databases/db-${i % 50}`;
      members[`g${i}`] = { project: PROJECT, role: "roles/datastore.user", member: `serviceAccount:sa-${i}@acme-dev.iam.gserviceaccount.com`, condition: { title: "db", expression: `resource.name == "${database}"` } };
      expected.push({ member: `serviceAccount:sa-${i}@acme-dev.iam.gserviceaccount.com`, database, access: FirestoreAccessLevel.READ_WRITE });
    }
    const big = JSON.stringify({ resource: { google_project_iam_member: members } });
    expect(big).toOnlyGrantFirestoreAccess(expected);
    expect(big).toGrantFirestoreAccess(expected[4999]);
  });
});
