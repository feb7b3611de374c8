import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { AccessDecision, AccessSimulator, FirestoreAccessLevel, FirestoreDatabase, WorkloadServiceAccount } from "../../src";
import { EXPORT_PERMISSIONS } from "../../src/gcp/firestore-access";

const { EXPORT, IMPORT_EXPORT } = FirestoreAccessLevel;

/** A pipeline that only exports, and a migration job that imports (the control). */
function exportStack(id = "exports-dev") {
  const stack = new TerraformStack(Testing.app(), id);
  new GoogleProvider(stack, "google", { project: "acme-dev" });
  const orders = new FirestoreDatabase(stack, "orders", { projectId: "acme-dev", databaseId: "orders", locationId: "eur3" });
  const audit = FirestoreDatabase.fromExisting(stack, "audit", { projectId: "acme-dev", databaseId: "audit" });
  const exporter = new WorkloadServiceAccount(stack, "exporter", { projectId: "acme-dev", accountId: "nightly-export" });
  const migrations = new WorkloadServiceAccount(stack, "migrations", { projectId: "acme-dev", accountId: "migrations" });
  orders.grantExport(exporter);
  audit.grantAccess(exporter, EXPORT);
  orders.grantImportExport(migrations);
  return { stack, orders, audit, exporter, migrations, json: Testing.synth(stack) };
}

const { orders, audit, exporter, migrations, json } = exportStack();
const parsed = JSON.parse(json);

describe("FirestoreAccessLevel.EXPORT: export without import", () => {
  test("one custom role per stack and project, with the export permissions and not import; each grant keeps its database condition", () => {
    const roles = Object.values(parsed.resource.google_project_iam_custom_role) as Array<Record<string, unknown>>;
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({ project: "acme-dev", role_id: "firestoreExport_exports_dev", stage: "GA" });
    expect(roles[0].permissions).toEqual([...EXPORT_PERMISSIONS].sort());
    expect(roles[0].permissions).not.toContain("datastore.databases.import");
    const grants = (Object.values(parsed.resource.google_project_iam_member) as Array<{ role: string; member: string; condition?: { expression: string } }>).filter((g) =>
      g.member.includes("google_service_account.exporter_"),
    );
    expect(grants.map((g) => g.condition?.expression).sort()).toEqual(['resource.name == "projects/acme-dev/databases/audit"', 'resource.name == "projects/acme-dev/databases/orders"']);
    expect(new Set(grants.map((g) => g.role)).size).toBe(1);
  });

  test("a stack id longer than a role id allows is cut and hashed, deterministically", () => {
    const long = exportStack(`exports-${"x".repeat(70)}`);
    const role = Object.values(JSON.parse(long.json).resource.google_project_iam_custom_role)[0] as { role_id: string };
    expect(role.role_id).toMatch(/^firestoreExport_exports_x+_[0-9a-f]{8}$/);
    expect(role.role_id.length).toBeLessThanOrEqual(64);
    expect((Object.values(JSON.parse(exportStack(`exports-${"x".repeat(70)}`).json).resource.google_project_iam_custom_role)[0] as { role_id: string }).role_id).toBe(role.role_id);
  });

  test("an EXPORT grant does not pass toAllowFirestoreAccess({ access: IMPORT_EXPORT }); the importExportAdmin grant beside it does", () => {
    expect(json).toAllowFirestoreAccess({ member: exporter, database: orders, access: EXPORT });
    expect(json).not.toAllowFirestoreAccess({ member: exporter, database: orders, access: IMPORT_EXPORT });
    expect(json).not.toAllowFirestoreAccess({ member: exporter, database: orders, permission: "datastore.databases.import" });
    // Control: importExportAdmin can do both, so it passes IMPORT_EXPORT and (a subset) EXPORT.
    expect(json).toAllowFirestoreAccess({ member: migrations, database: orders, access: IMPORT_EXPORT });
    expect(json).toAllowFirestoreAccess({ member: migrations, database: orders, access: EXPORT });
    // The condition still holds: the migration job reaches only orders.
    expect(json).not.toAllowFirestoreAccess({ member: migrations, database: audit, access: EXPORT });
  });

  test("the grant matchers tell EXPORT and IMPORT_EXPORT apart", () => {
    expect(json).toGrantFirestoreAccess({ member: exporter, database: orders, access: EXPORT });
    expect(json).not.toGrantFirestoreAccess({ member: exporter, database: orders, access: IMPORT_EXPORT });
    expect(json).toGrantFirestoreAccess({ member: migrations, database: orders, access: IMPORT_EXPORT });
    expect(json).not.toGrantFirestoreAccess({ member: migrations, database: orders, access: EXPORT });
    expect(json).toOnlyGrantFirestoreAccess([
      { member: exporter, database: orders, access: EXPORT },
      { member: exporter, database: audit, access: EXPORT },
      { member: migrations, database: orders, access: IMPORT_EXPORT },
    ]);
  });

  test("the simulator reads the role from its declared permissions", () => {
    const simulator = AccessSimulator.fromStackJson([json]);
    expect(simulator.explain({ member: exporter, database: orders, access: EXPORT }).decision).toBe(AccessDecision.ALLOWED);
    const imports = simulator.explain({ member: exporter, database: orders, access: IMPORT_EXPORT });
    expect(imports.decision).toBe(AccessDecision.DENIED);
    expect(imports.reasons).toContain("no chain gives datastore.databases.import on projects/acme-dev/databases/orders");
  });
});
