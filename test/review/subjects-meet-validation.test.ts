import { TerraformStack, Testing } from "cdktf";
import { AccessSimulator, FirestoreAccessLevel, FirestoreDatabase, WorkloadServiceAccount } from "../../src";
import "../../src/testing/setup-matchers";

/**
 * Construct resolution (request-subjects) runs before the hostile-input checks
 * (access-request): its refusals cut long values as the checks do (issue 23), and a matcher's
 * refusal names the matcher the test called.
 */
function fixture() {
  const s = new TerraformStack(Testing.app(), "s");
  const db = new FirestoreDatabase(s, "db", { projectId: "acme-dev", databaseId: "orders", locationId: "eur3" });
  const sa = new WorkloadServiceAccount(s, "sa", { projectId: "acme-dev", accountId: "runner" });
  db.grantRead(sa);
  return { s, db, sa, sim: AccessSimulator.fromStackJson([JSON.stringify(s.toTerraform())]) };
}
const LONG = "x".repeat(100_000);

test("a 100,000-character reference in member, database or project is cut in the refusal; control: the construct's own token resolves", () => {
  const { sim, sa, db } = fixture();
  const cases = [
    { member: "serviceAccount:${" + LONG + "}", database: "projects/acme-dev/databases/orders", permission: "datastore.entities.get" },
    { member: "user:a@b.example", database: "projects/acme-dev/databases/${" + LONG + "}", permission: "datastore.entities.get" },
    { member: "user:a@b.example", project: "${google_project.p.project_id}" + LONG, permission: "datastore.databases.list" },
  ];
  for (const request of cases) {
    let message = "";
    try {
      sim.explain(request);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^AccessSimulator\.explain: (member|database|project) /);
    expect(message).toContain("characters)");
    expect(message.length).toBeLessThan(1_000);
  }
  expect(sim.explain({ member: sa.iamMember, database: db.databaseName, access: FirestoreAccessLevel.READ }).decision).toBe("allowed");
});

test("toAllowFirestoreAccess names itself in a refusal of the request; control: the same request well formed", () => {
  const { s, sa, db } = fixture();
  expect(() => expect(s).toAllowFirestoreAccess({ member: sa, database: "nope", access: FirestoreAccessLevel.READ })).toThrow(/^toAllowFirestoreAccess: invalid database "nope"/);
  expect(() => expect(s).toAllowFirestoreAccess({ member: Symbol("x") as never, database: db, access: FirestoreAccessLevel.READ })).toThrow(/^toAllowFirestoreAccess: invalid member Symbol\(x\)/);
  expect(s).toAllowFirestoreAccess({ member: sa, database: db, access: FirestoreAccessLevel.READ });
  expect(s).not.toAllowFirestoreAccess({ member: sa.iamMember, database: db, access: FirestoreAccessLevel.EXPORT });
});

test("toGrantFirestoreAccess refuses, as explain does, a member or database no binding can hold, so its .not cannot pass vacuously; control: the same names well formed", () => {
  const { s, sa, db } = fixture();
  const email = "runner@acme-dev.iam.gserviceaccount.com";
  // A prefix typo and a database id Firestore refuses: without the check both `.not` lines passed whatever the stack granted.
  expect(() => expect(s).not.toGrantFirestoreAccess({ member: `serviceaccount:${email}`, database: db, access: FirestoreAccessLevel.READ })).toThrow(/^toGrantFirestoreAccess: invalid member "serviceaccount:runner@/);
  expect(() => expect(s).not.toGrantFirestoreAccess({ member: sa, database: "projects/acme-dev/databases/Orders", access: FirestoreAccessLevel.READ })).toThrow(/^toGrantFirestoreAccess: invalid database "projects\/acme-dev\/databases\/Orders"/);
  expect(() => expect(s).toOnlyGrantFirestoreAccess([{ member: "user:", database: db, access: FirestoreAccessLevel.READ }])).toThrow(/^toOnlyGrantFirestoreAccess: invalid member "user:"/);
  expect(s).toGrantFirestoreAccess({ member: `serviceAccount:${email}`, database: "projects/acme-dev/databases/orders", access: FirestoreAccessLevel.READ });
  expect(() => expect(s).not.toGrantFirestoreAccess({ member: `serviceAccount:${email}`, database: "projects/acme-dev/databases/orders", access: FirestoreAccessLevel.READ })).toThrow();
});
