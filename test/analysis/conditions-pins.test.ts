/**
 * IAM conditions as the simulator, the report and guardrail FSI-FS-* read them.
 * Resource attributes and request.time: https://cloud.google.com/iam/docs/conditions-attribute-reference
 * A condition that cannot be evaluated for a resource (an attribute it lacks) grants nothing:
 * https://cloud.google.com/iam/docs/conditions-overview (attributes not supported by a service).
 */
import {
  databaseScopeOf,
  evaluateCondition,
  evaluatedScopeOf,
  firestoreDatabaseTarget,
  isLibraryDatabaseCondition,
  parseDatabaseName,
} from "../../src/analysis/conditions";

const DB = "projects/p-1234/databases/app";
const NOW = new Date("2026-06-01T00:00:00Z");
const at = (expression: string | undefined, target = firestoreDatabaseTarget(DB), time = NOW) => evaluateCondition(expression, target, time);

describe("evaluateCondition: yes, no or unknown, with the reason", () => {
  test("no condition grants, with no reason to give", () => {
    expect(at(undefined)).toEqual({ verdict: "yes", reason: "" });
  });

  test("a Firestore database offers its name, type and service", () => {
    expect(firestoreDatabaseTarget(DB)).toEqual({ name: DB, type: "firestore.googleapis.com/Database", service: "firestore.googleapis.com" });
    expect(at(`resource.name == "${DB}"`)).toEqual({ verdict: "yes", reason: `condition \`resource.name == "${DB}"\` is true for resource.name ${DB}` });
    expect(at('resource.type == "firestore.googleapis.com/Database" && resource.service == "firestore.googleapis.com"').verdict).toBe("yes");
    expect(at('resource.name == "projects/p-1234/databases/other"')).toEqual({
      verdict: "no",
      reason: `condition \`resource.name == "projects/p-1234/databases/other"\` is false for resource.name ${DB}`,
    });
  });

  test("request.time is the time asked about (an expiring grant)", () => {
    const expiring = 'request.time < timestamp("2027-01-01T00:00:00Z")';
    expect(at(expiring).verdict).toBe("yes");
    expect(at(expiring, firestoreDatabaseTarget(DB), new Date("2027-01-01T00:00:01Z")).verdict).toBe("no");
  });

  test("only true grants: a condition that gives another value grants nothing", () => {
    expect(at('"yes"')).toEqual({ verdict: "no", reason: `condition \`"yes"\` is "yes" for resource.name ${DB}` });
  });

  test("an evaluation error grants nothing, and says where it failed", () => {
    expect(at('resource.name.startsWith("projects/") && 1 / 0 == 1')).toEqual({
      verdict: "no",
      reason: `condition \`resource.name.startsWith("projects/") && 1 / 0 == 1\` fails for resource.name ${DB} (int divide by zero), so it grants nothing`,
    });
    // IAM's own resources (a service account) offer no resource attributes.
    const onAccount = evaluateCondition(`resource.name == "${DB}"`, undefined, NOW);
    expect(onAccount.verdict).toBe("no");
    expect(onAccount.reason).toContain("(the resource provides no attributes)");
  });

  test("a condition that does not parse grants nothing: Google refuses such a binding", () => {
    const v = at("resource.name ==");
    expect(v.verdict).toBe("no");
    expect(v.reason).toBe("condition `resource.name ==` does not parse (1:15: found = but expecting end of input): Google refuses the binding");
  });

  test("what the engine cannot evaluate offline, or a value Terraform fills in, is unknown, never a guessed no", () => {
    const tag = at('resource.matchTag("env", "dev")');
    expect(tag.verdict).toBe("unknown");
    expect(tag.reason).toBe('condition `resource.matchTag("env", "dev")` uses what this engine cannot evaluate offline (unbound function: matchTag)');
    const ref = at("resource.name == ${google_firestore_database.db.id}");
    expect(ref).toEqual({ verdict: "unknown", reason: "condition `resource.name == ${google_firestore_database.db.id}` holds a reference Terraform fills in" });
  });
});

describe("parseDatabaseName: projects/P/databases/D and nothing else", () => {
  test("splits a database name", () => {
    expect(parseDatabaseName(DB)).toEqual({ project: "p-1234", database: "app" });
    expect(parseDatabaseName("projects/p-1234/databases/(default)")).toEqual({ project: "p-1234", database: "(default)" });
  });

  test("refuses names with more or less around them", () => {
    for (const name of [`x/${DB}`, `${DB}/documents/users`, "projects//databases/app", "projects/p-1234/databases/", "projects/p-1234/locations/eur3"]) {
      expect({ name, parsed: parseDatabaseName(name) }).toEqual({ name, parsed: undefined });
    }
  });
});

describe("isLibraryDatabaseCondition: exactly the two texts the library writes", () => {
  test("a literal name, or a name Terraform quotes with jsonencode()", () => {
    expect(isLibraryDatabaseCondition(`resource.name == "${DB}"`)).toBe(true);
    expect(isLibraryDatabaseCondition('resource.name == "projects/p-1234/databases/(default)"')).toBe(true);
    expect(isLibraryDatabaseCondition('resource.name == ${jsonencode("projects/${var.project}/databases/app")}')).toBe(true);
    expect(isLibraryDatabaseCondition('resource.name == ${jsonencode("projects/p-1234/databases/${google_firestore_database.db.name}")}')).toBe(true);
  });

  test("anything around it, or another shape, is not the library's", () => {
    for (const expression of [
      `resource.name == "${DB}" || true`,
      `true || resource.name == "${DB}"`,
      `resource.name=="${DB}"`,
      `resource.name == "${DB}/documents"`,
      'resource.name == "projects/P-1234/databases/app"',
      'resource.name == ${jsonencode("projects/${var.project}/databases/app") || true}',
    ]) {
      expect({ expression, library: isLibraryDatabaseCondition(expression) }).toEqual({ expression, library: false });
    }
  });
});

describe("databaseScopeOf: which databases a project-level grant's condition admits, found by evaluating it", () => {
  test("no condition is the whole project; the library's condition is its one database", () => {
    expect(databaseScopeOf(undefined, "p-1234")).toEqual({ kind: "unconditioned" });
    expect(databaseScopeOf(`resource.name == "${DB}"`, "p-1234")).toEqual({ kind: "one", database: DB });
    expect(databaseScopeOf('resource.name == ${jsonencode("projects/${var.project}/databases/app")}', undefined)).toEqual({
      kind: "one",
      database: "projects/${var.project}/databases/app",
    });
  });

  test("a condition written another way that still admits one database is that database", () => {
    expect(databaseScopeOf(`resource.type == "firestore.googleapis.com/Database" && resource.name == "${DB}"`, "p-1234")).toEqual({ kind: "one", database: DB });
    expect(databaseScopeOf('resource.name == "projects/p-1234/databases/(default)" || false', "p-1234")).toEqual({ kind: "one", database: "projects/p-1234/databases/(default)" });
    // Terraform's references come back in the answer.
    expect(evaluatedScopeOf('resource.name == ${jsonencode("projects/${var.project}/databases/app")} && true', undefined)).toEqual({
      kind: "one",
      database: "projects/${var.project}/databases/app",
    });
  });

  test("two databases, the default database beside a named one, or the same id in any project, is beyond one", () => {
    expect(databaseScopeOf(`resource.name in ["${DB}", "projects/p-1234/databases/audit"]`, "p-1234")).toEqual({
      kind: "beyond",
      reason: `it admits ${DB} and projects/p-1234/databases/audit`,
    });
    expect(databaseScopeOf(`resource.name == "${DB}" || resource.name.endsWith("/(default)")`, "p-1234")).toEqual({
      kind: "beyond",
      reason: "it also admits projects/p-1234/databases/(default)",
    });
    // Each named database is tried beside a sibling: the default database, or beside the default another id.
    expect(databaseScopeOf('resource.name == "projects/p-1234/databases/(default)" || resource.name.endsWith("/probe-db")', "p-1234")).toEqual({
      kind: "beyond",
      reason: "it also admits projects/p-1234/databases/probe-db",
    });
    expect(databaseScopeOf(`resource.name == "${DB}" || resource.name.endsWith("/databases/app")`, "p-1234").kind).toBe("beyond");
    expect(databaseScopeOf(`resource.name.startsWith("${DB}")`, "p-1234")).toEqual({ kind: "beyond", reason: `it also admits ${DB}-probe` });
    // Both named databases are listed, the default one included.
    expect(databaseScopeOf(`resource.name in ["${DB}", "projects/p-1234/databases/(default)"]`, "p-1234")).toEqual({
      kind: "beyond",
      reason: `it admits ${DB} and projects/p-1234/databases/(default)`,
    });
  });

  test("a condition naming a database in another project that also admits the grant's own project is beyond", () => {
    const expression = 'resource.name == "projects/q-1/databases/app" || resource.name.startsWith("projects/p-1234/")';
    expect(databaseScopeOf(expression, "p-1234")).toEqual({ kind: "beyond", reason: "it also admits projects/p-1234/databases/(default)" });
    expect(databaseScopeOf('resource.name == "projects/q-1/databases/app"', "p-1234")).toEqual({ kind: "one", database: "projects/q-1/databases/app" });
    // The named database's project is probed too: its default database, or beside the default another id.
    expect(databaseScopeOf('resource.name == "projects/q-1/databases/app" || resource.name.endsWith("q-1/databases/(default)")', "p-1234")).toEqual({
      kind: "beyond",
      reason: "it also admits projects/q-1/databases/(default)",
    });
    expect(databaseScopeOf('resource.name == "projects/q-1/databases/(default)" || resource.name.endsWith("q-1/databases/probe-db")', "p-1234")).toEqual({
      kind: "beyond",
      reason: "it also admits projects/q-1/databases/probe-db",
    });
  });

  test("a condition naming no database that admits the grant's own project's databases is beyond, and says which", () => {
    expect(databaseScopeOf("true", "p-1234")).toEqual({ kind: "beyond", reason: "it also admits projects/p-1234/databases/(default)" });
    expect(databaseScopeOf("true", "p-5678")).toEqual({ kind: "beyond", reason: "it also admits projects/p-5678/databases/(default)" });
    expect(databaseScopeOf('resource.name.endsWith("/databases/probe-db")', "p-1234")).toEqual({ kind: "beyond", reason: "it also admits projects/p-1234/databases/probe-db" });
    // Where the project is not known, some project's databases stand in.
    for (const project of [undefined, "${var.project}"]) {
      const scope = databaseScopeOf('resource.service == "firestore.googleapis.com"', project);
      expect(scope.kind).toBe("beyond");
      // It names a database that could exist, not the reference.
      expect((scope as { reason: string }).reason).toMatch(/^it also admits projects\/[a-z][a-z0-9-]+\/databases\/\(default\)$/);
    }
  });

  test("a condition that admits no database: the names it holds contradict each other", () => {
    expect(databaseScopeOf(`resource.name == "${DB}" && resource.name == "projects/p-1234/databases/audit"`, "p-1234")).toEqual({
      kind: "none",
      reason: "it admits no database named in it",
    });
    expect(databaseScopeOf('resource.type == "storage.googleapis.com/Bucket"', "p-1234").kind).toBe("none");
  });

  test("what cannot be evaluated, or a name Terraform fills in, is unknown with the reason", () => {
    expect(databaseScopeOf(`resource.name == "${DB}" && resource.matchTag("env", "dev")`, "p-1234")).toEqual({
      kind: "unknown",
      reason: `condition \`resource.name == "${DB}" && resource.matchTag("env", "dev")\` uses what this engine cannot evaluate offline (unbound function: matchTag)`,
    });
    // The named database is admitted; the probe of a longer name reaches the unknown function.
    expect(databaseScopeOf(`resource.name == "${DB}" || (resource.name.startsWith("${DB}") && resource.matchTag("env", "dev"))`, "p-1234").kind).toBe("unknown");
    // Not the database named, but the home project's: only probing finds the unknown.
    expect(databaseScopeOf(`resource.name == "${DB}" && false || resource.matchTag("env", "dev")`, "p-1234").kind).toBe("unknown");
    expect(databaseScopeOf("resource.name == ${jsonencode(var.database)}", "p-1234")).toEqual({
      kind: "unknown",
      reason: "it compares with ${jsonencode(var.database)}, which Terraform fills in",
    });
    expect(databaseScopeOf("resource.name == ${jsonencode(var.a)} || resource.name == ${jsonencode(var.b)}", "p-1234")).toEqual({
      kind: "unknown",
      reason: "it compares with ${jsonencode(var.a)}, ${jsonencode(var.b)}, which Terraform fills in",
    });
  });
});
