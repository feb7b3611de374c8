import { expect as globalsExpect } from "@jest/globals";
import { FirestoreAccessLevel } from "../../src/gcp/firestore-access";
import { firestoreMatchers, setupFirestoreMatchers } from "../../src/testing";

describe("setupFirestoreMatchers", () => {
  test("extends the expect it is given with every matcher", () => {
    const extended: object[] = [];
    setupFirestoreMatchers({ extend: (matchers) => extended.push(matchers) });
    expect(extended).toEqual([firestoreMatchers]);
    expect(Object.keys(firestoreMatchers)).toEqual(["toGrantFirestoreAccess", "toOnlyGrantFirestoreAccess", "toAllowFederatedAccess", "toAllowFirestoreAccess", "toPassFirestoreGuardrails"]);
  });

  test("without an expect to extend, it says where to call it", () => {
    expect(() => setupFirestoreMatchers({} as never)).toThrow(
      "setupFirestoreMatchers: no global expect to extend; call it from a file listed in jest's setupFilesAfterEnv (not setupFiles), or pass it: setupFirestoreMatchers(expect)",
    );
  });

  test("the matchers type-check on the expect of @jest/globals too (test/setup.ts registered them)", () => {
    const database = "projects/p/databases/apps";
    const json = {
      resource: {
        google_project_iam_member: {
          reader: { project: "p", role: "roles/datastore.viewer", member: "group:a@acme.example", condition: { title: "app", expression: `resource.name == "${database}"` } },
        },
      },
    };
    globalsExpect(json).toGrantFirestoreAccess({ member: "group:a@acme.example", database, access: FirestoreAccessLevel.READ });
    globalsExpect(json).toOnlyGrantFirestoreAccess([{ database: { projectId: "p", databaseId: "apps" }, role: "roles/datastore.viewer" }]);
    globalsExpect(json).not.toAllowFederatedAccess({ token: { iss: "https://agent.buildkite.com", aud: "x", sub: "x" } });
    globalsExpect(json).toAllowFirestoreAccess({ member: "user:ann@acme.example", groups: ["a@acme.example"], database, access: FirestoreAccessLevel.READ });
    globalsExpect(json).toPassFirestoreGuardrails();
  });
});
