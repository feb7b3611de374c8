import fc from "fast-check";
import { databaseScopeOf, evaluatedScopeOf } from "../../src/analysis/conditions";
import { firestoreDatabaseCondition, firestoreDatabaseName } from "../../src/gcp/firestore-access";

const projectId = fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
const databaseId = fc.oneof(fc.constant("(default)"), fc.stringMatching(/^[a-z][a-z0-9-]{2,61}[a-z0-9]$/));
const reference = fc.constantFrom("${var.project}", "${google_project.p.project_id}", "${var.database}");

test("property: the library's own database condition means, to the evaluator, exactly the one database the shortcut names", () => {
  fc.assert(
    fc.property(fc.oneof(projectId, reference), fc.oneof(databaseId, reference), (project, database) => {
      // Tokens are quoted with jsonencode(), as celStringLiteral does for values Terraform fills in.
      const name = firestoreDatabaseName(project, database);
      const expression = name.includes("${") ? `resource.name == \${jsonencode(${JSON.stringify(name)})}` : firestoreDatabaseCondition(name);
      const home = project.includes("${") ? undefined : project;
      expect(databaseScopeOf(expression, home)).toEqual({ kind: "one", database: name });
      expect(evaluatedScopeOf(expression, home)).toEqual({ kind: "one", database: name });
    }),
    { numRuns: 200, seed: 7 },
  );
});

test("anything else is evaluated: alternatives, prefixes and negations reach beyond one database", () => {
  for (const expression of [
    'resource.name == "projects/p-1234/databases/app" || true',
    'resource.name.startsWith("projects/p-1234/databases/app")',
    'resource.name != "projects/p-1234/databases/app"',
    'resource.name == "projects/p-1234/databases/app" || resource.name == "projects/p-1234/databases/other"',
  ]) {
    expect({ expression, kind: databaseScopeOf(expression, "p-1234").kind }).toEqual({ expression, kind: "beyond" });
  }
  expect(databaseScopeOf('resource.name == "projects/p-1234/databases/app" && resource.matchTag("env", "dev")', "p-1234").kind).toBe("unknown");
});
