import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AccessDecision, AccessSimulator, FirestoreAccessLevel } from "../../src";
import { main } from "../../src/cli/main";

/*
 * Permissions Google checks on the project, not on a database: "List databases in a project",
 * "Create a database" (https://cloud.google.com/datastore/docs/access/iam; the REST methods take
 * parent = projects/P: https://cloud.google.com/firestore/docs/reference/rest/v1/projects.databases/list),
 * and backups and locations (projects/P/locations/L/...). A request names the project for them.
 * IAM conditions see the name of the resource being accessed
 * (https://cloud.google.com/iam/docs/conditions-attribute-reference): for a project-level check,
 * projects/P, which a one-database condition does not admit.
 */
const PROJECT = "acme-dev";
const DB = `projects/${PROJECT}/databases/orders`;
const ON_DB = `resource.name == "${DB}"`;
const grant = (role: string, member: string, expression?: string, project = PROJECT) => ({ project, role, member, ...(expression ? { condition: { title: "c", expression } } : {}) });
const stackJson = JSON.stringify({
  resource: {
    google_project_iam_member: {
      // roles/datastore.viewer holds datastore.databases.list.
      scoped: grant("roles/datastore.viewer", "user:scoped@acme.example", ON_DB),
      whole: grant("roles/datastore.viewer", "user:whole@acme.example"),
      elsewhere: grant("roles/datastore.viewer", "user:elsewhere@acme.example", undefined, "acme-prod"),
      typed: grant("roles/datastore.viewer", "user:typed@acme.example", 'resource.type == "cloudresourcemanager.googleapis.com/Project"'),
      // restoreAdmin holds datastore.databases.create and the backup permissions.
      restorerScoped: grant("roles/datastore.restoreAdmin", "user:restorer-scoped@acme.example", ON_DB),
      restorer: grant("roles/datastore.restoreAdmin", "user:restorer@acme.example"),
    },
  },
});
const simulator = AccessSimulator.fromStackJson([stackJson]);
const decide = (member: string, permission: string, project: string = PROJECT) => simulator.explain({ member, groups: [], project, permission }).decision;

describe("requests that name a project, for the permissions Google checks there", () => {
  test("listing databases: an unconditioned grant in the project allows it; the same role under a one-database condition does not", () => {
    expect(decide("user:whole@acme.example", "datastore.databases.list")).toBe(AccessDecision.ALLOWED);
    const scoped = simulator.explain({ member: "user:scoped@acme.example", groups: [], project: PROJECT, permission: "datastore.databases.list" });
    expect(scoped.decision).toBe(AccessDecision.DENIED);
    expect(scoped.reasons.join("\n")).toContain(`condition \`${ON_DB}\` is false for resource.name projects/${PROJECT}`);
    // Control: the condition does admit the database it names.
    expect(simulator.explain({ member: "user:scoped@acme.example", groups: [], database: DB, permission: "datastore.entities.get" }).decision).toBe(AccessDecision.ALLOWED);
  });

  test("a grant in another project gives nothing here; the project may be written as its id or its resource name", () => {
    expect(decide("user:elsewhere@acme.example", "datastore.databases.list")).toBe(AccessDecision.DENIED);
    expect(decide("user:elsewhere@acme.example", "datastore.databases.list", "projects/acme-prod")).toBe(AccessDecision.ALLOWED);
    expect(decide("user:whole@acme.example", "datastore.databases.list", `projects/${PROJECT}`)).toBe(AccessDecision.ALLOWED);
  });

  test("what Google does not document stays unknown: create under a condition, backups under a condition, a condition on the resource type", () => {
    expect(decide("user:restorer@acme.example", "datastore.databases.create")).toBe(AccessDecision.ALLOWED);
    expect(decide("user:restorer-scoped@acme.example", "datastore.databases.create")).toBe(AccessDecision.UNKNOWN);
    expect(decide("user:restorer@acme.example", "datastore.backups.list")).toBe(AccessDecision.ALLOWED);
    expect(decide("user:restorer-scoped@acme.example", "datastore.backups.list")).toBe(AccessDecision.UNKNOWN);
    expect(decide("user:typed@acme.example", "datastore.databases.list")).toBe(AccessDecision.UNKNOWN);
    // Control: a role without the permission is denied whatever the condition.
    expect(decide("user:whole@acme.example", "datastore.databases.create")).toBe(AccessDecision.DENIED);
  });

  test("a permission checked on a database cannot be asked of a project, and the project must be one", () => {
    expect(() => decide("user:whole@acme.example", "datastore.entities.get")).toThrow(/datastore\.entities\.get is checked on a database, not on the project: name the database instead of project acme-dev/);
    // Google: getMetadata is "Read metadata from a database".
    expect(() => decide("user:whole@acme.example", "datastore.databases.getMetadata")).toThrow(/checked on a database/);
    expect(() => simulator.explain({ member: "user:whole@acme.example", project: PROJECT, access: FirestoreAccessLevel.READ })).toThrow(/datastore\.entities\.get, datastore\.entities\.list are checked on a database/);
    expect(() => decide("user:whole@acme.example", "datastore.databases.list", "Projects/Acme")).toThrow(/invalid project "Projects\/Acme"/);
    expect(() => simulator.explain({ member: "user:whole@acme.example", project: PROJECT, database: DB, permission: "datastore.databases.list" })).toThrow(/give exactly one of database .* or project/);
  });

  test("the matcher and the CLI take a project", () => {
    expect(stackJson).toAllowFirestoreAccess({ member: "user:whole@acme.example", groups: [], project: PROJECT, permission: "datastore.databases.list" });
    expect(stackJson).not.toAllowFirestoreAccess({ member: "user:scoped@acme.example", groups: [], project: PROJECT, permission: "datastore.databases.list" });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-request-"));
    try {
      const file = path.join(dir, "cdk.tf.json");
      fs.writeFileSync(file, stackJson);
      const run = (member: string) => {
        let out = "";
        const code = main(["explain", file, "--member", member, "--no-groups", "--project", PROJECT, "--permission", "datastore.databases.list"], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
        return { code, first: out.split("\n")[0] };
      };
      expect(run("user:whole@acme.example")).toEqual({ code: 0, first: `ALLOWED: datastore.databases.list on projects/${PROJECT}` });
      expect(run("user:scoped@acme.example")).toEqual({ code: 1, first: `DENIED: datastore.databases.list on projects/${PROJECT}` });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
