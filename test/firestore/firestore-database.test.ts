import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import {
  BackupDayOfWeek,
  FirestoreAccessLevel,
  FirestoreBackupRecurrence,
  FirestoreCustomRole,
  FirestoreDatabase,
  FirestoreDatabaseBase,
  FirestoreDatabaseEdition,
  FirestoreDeletionPolicy,
  IFirestoreDatabase,
  FirestorePermissions,
  Principal,
  ServiceAccountKeyCreationPolicy,
  WorkloadServiceAccount,
} from "../../src";
import { AccessDecision, AccessSimulator } from "../../src";
import { StackModel } from "../../src/analysis/terraform-json";
import { chainsOf } from "../../src/report/access-chains";
import { expectInputError, resourcesOf, stackWith, synthJson } from "../support/synth";

const projectId = "acme-shared-1";
const team = Principal.group("team@example.com");
const ci = Principal.serviceAccount("ci@acme-shared-1.iam.gserviceaccount.com");

const bindings = (json: any) => resourcesOf(json, "google_project_iam_member").map(([, r]) => r);

describe("FirestoreDatabase", () => {
  test("is native, recoverable, delete-protected, abandoned rather than deleted and protected from destroy by default", () => {
    const json = synthJson(stackWith((s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "orders-dev", locationId: "eur3" })));
    const [[, db]] = resourcesOf(json, "google_firestore_database");
    expect(db).toEqual({
      project: projectId,
      name: "orders-dev",
      location_id: "eur3",
      type: "FIRESTORE_NATIVE",
      point_in_time_recovery_enablement: "POINT_IN_TIME_RECOVERY_ENABLED",
      delete_protection_state: "DELETE_PROTECTION_ENABLED",
      deletion_policy: "ABANDON",
      lifecycle: { prevent_destroy: true },
    });
  });

  test("every protection can be switched off explicitly", () => {
    const json = synthJson(
      stackWith(
        (s) =>
          new FirestoreDatabase(s, "db", {
            projectId,
            databaseId: "scratch",
            locationId: "europe-west3",
            pointInTimeRecovery: false,
            deleteProtection: false,
            deletionPolicy: FirestoreDeletionPolicy.DELETE,
            preventDestroy: false,
          }),
      ),
    );
    const [[, db]] = resourcesOf(json, "google_firestore_database");
    expect(db).toMatchObject({
      point_in_time_recovery_enablement: "POINT_IN_TIME_RECOVERY_DISABLED",
      delete_protection_state: "DELETE_PROTECTION_DISABLED",
      deletion_policy: "DELETE",
      lifecycle: { prevent_destroy: false },
    });
  });

  test("the default database id is (default) and names the condition exactly", () => {
    stackWith((s) => {
      const db = new FirestoreDatabase(s, "db", { projectId, locationId: "nam5" });
      expect(db.databaseId).toBe("(default)");
      expect(db.conditionExpression).toBe('resource.name == "projects/acme-shared-1/databases/(default)"');
    });
  });

  test("daily and weekly backup schedules carry their retention in seconds", () => {
    const json = synthJson(
      stackWith(
        (s) =>
          new FirestoreDatabase(s, "db", {
            projectId,
            databaseId: "orders",
            locationId: "eur3",
            backupSchedules: [
              { recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 7 },
              { recurrence: FirestoreBackupRecurrence.WEEKLY, retentionDays: 98, dayOfWeek: BackupDayOfWeek.MONDAY },
            ],
          }),
      ),
    );
    const schedules = resourcesOf(json, "google_firestore_backup_schedule").map(([, r]) => r);
    expect(schedules).toEqual([
      { project: projectId, database: "${google_firestore_database.db_ECC37780.name}", retention: "604800s", daily_recurrence: {} },
      { project: projectId, database: "${google_firestore_database.db_ECC37780.name}", retention: "8467200s", weekly_recurrence: { day: "MONDAY" } },
    ]);
  });

  test("a weekly schedule runs on Sunday unless told otherwise", () => {
    stackWith((s) => {
      const db = new FirestoreDatabase(s, "db", { projectId, locationId: "eur3" });
      db.addBackupSchedule({ recurrence: FirestoreBackupRecurrence.WEEKLY, retentionDays: 28 });
      const [[, schedule]] = resourcesOf(synthJson(s as TerraformStack), "google_firestore_backup_schedule");
      expect(schedule.weekly_recurrence).toEqual({ day: "SUNDAY" });
      expect(schedule.retention).toBe("2419200s");
    });
  });
});

describe("customer-managed encryption and edition (google 6.50.0: cmek_config, database_edition)", () => {
  test("the key and the edition reach the database resource", () => {
    const key = "projects/acme-kms-1/locations/europe/keyRings/firestore/cryptoKeys/orders";
    const json = synthJson(
      stackWith((s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "orders", locationId: "eur3", kmsKeyName: key, edition: FirestoreDatabaseEdition.ENTERPRISE })),
    );
    const [[, db]] = resourcesOf(json, "google_firestore_database");
    expect(db).toMatchObject({ cmek_config: { kms_key_name: key }, database_edition: "ENTERPRISE" });
    const plain = resourcesOf(synthJson(stackWith((s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "orders", locationId: "eur3" }))), "google_firestore_database")[0][1];
    expect(plain.cmek_config).toBeUndefined();
    expect(plain.database_edition).toBeUndefined();
  });

  test("a key outside the database's KMS location, or an unknown edition, is refused", () => {
    expectInputError(
      (s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "orders", locationId: "nam5", kmsKeyName: "projects/k/locations/europe/keyRings/r/cryptoKeys/c" }),
      "test/db",
      "kmsKeyName",
      "projects/k/locations/europe",
      "KMS location us, the one matching Firestore location nam5",
    );
    expectInputError(
      (s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "orders", locationId: "europe-west3", kmsKeyName: "projects/k/locations/europe-west1/keyRings/r/cryptoKeys/c" }),
      "KMS location europe-west3",
    );
    expectInputError((s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "orders", locationId: "eur3", edition: "PREMIUM" as any }), "test/db", "edition", '"PREMIUM"', "STANDARD, ENTERPRISE");
  });
});

describe("grants are limited to one database", () => {
  const json = synthJson(
    stackWith((s) => {
      const dev = new FirestoreDatabase(s, "dev", { projectId, databaseId: "app-dev", locationId: "eur3" });
      new FirestoreDatabase(s, "prod", { projectId, databaseId: "app-prod", locationId: "eur3" });
      dev.grantReadWrite(team);
      dev.grantRead(ci);
      dev.grantIndexAdmin(ci);
      dev.grantImportExport(ci);
      dev.grantBackupAdmin(ci);
      dev.grant(ci, "roles/datastore.owner");
      dev.grantAccess(team, FirestoreAccessLevel.READ);
    }),
  );

  test("each access level maps to its predefined role", () => {
    const pairs = bindings(json).map((b) => [b.member, b.role]);
    expect(pairs.sort()).toEqual([
      ["group:team@example.com", "roles/datastore.user"],
      ["serviceAccount:ci@acme-shared-1.iam.gserviceaccount.com", "roles/datastore.viewer"],
      ["serviceAccount:ci@acme-shared-1.iam.gserviceaccount.com", "roles/datastore.indexAdmin"],
      ["serviceAccount:ci@acme-shared-1.iam.gserviceaccount.com", "roles/datastore.importExportAdmin"],
      ["serviceAccount:ci@acme-shared-1.iam.gserviceaccount.com", "roles/datastore.backupsAdmin"],
      ["serviceAccount:ci@acme-shared-1.iam.gserviceaccount.com", "roles/datastore.owner"],
      ["group:team@example.com", "roles/datastore.viewer"],
    ].sort());
  });

  test("every binding but the backup one carries the dev database condition, none reaches prod", () => {
    for (const b of bindings(json).filter((b) => b.role !== "roles/datastore.backupsAdmin")) {
      expect(b.project).toBe(projectId);
      expect(b.condition).toEqual({
        title: "Firestore database app-dev",
        description: `Limits ${b.role} to projects/acme-shared-1/databases/app-dev`,
        expression: 'resource.name == "projects/acme-shared-1/databases/app-dev"',
      });
    }
    expect(JSON.stringify(bindings(json))).not.toContain("app-prod");
  });
});

describe("backups belong to the project's locations, so backup roles are granted project-wide", () => {
  const stack = stackWith((s) => {
    const dev = new FirestoreDatabase(s, "dev", { projectId, databaseId: "app-dev", locationId: "eur3" });
    const prod = new FirestoreDatabase(s, "prod", { projectId, databaseId: "app-prod", locationId: "eur3" });
    const first = dev.grantBackupAdmin(ci);
    // The same grant whichever database asks for it.
    expect(prod.grantBackupAdmin(ci)).toBe(first);
    expect(prod.grant(ci, "roles/datastore.backupsAdmin")).toBe(first);
    dev.grant(team, "roles/datastore.backupsViewer");
  });
  const json = synthJson(stack);
  const simulator = AccessSimulator.fromStackJson([JSON.stringify(json)]);
  const ask = (member: string, database: string, permission: string) => simulator.explain({ member, groups: [], database, permission }).decision;

  test("backupsAdmin and backupsViewer carry no condition; restoreAdmin and cloneAdmin, which a database condition leaves granting nothing, are refused", () => {
    const byRole = Object.fromEntries(bindings(json).map((b) => [b.role, b]));
    expect(byRole["roles/datastore.backupsAdmin"]).toEqual({ project: projectId, role: "roles/datastore.backupsAdmin", member: ci.iamMember });
    expect(byRole["roles/datastore.backupsViewer"].condition).toBeUndefined();
    expect(bindings(json)).toHaveLength(2);
    for (const role of ["roles/datastore.restoreAdmin", "roles/datastore.cloneAdmin"]) {
      expectInputError((s) => new FirestoreDatabase(s, "db", { projectId, databaseId: "app-dev", locationId: "eur3" }).grant(team, role), "test/db", "role", role, "never matches");
    }
  });

  test("the simulator agrees: the backup admin reaches the backups of every database, and nothing else", () => {
    for (const db of ["app-dev", "app-prod", "some-other-team"]) {
      const database = `projects/${projectId}/databases/${db}`;
      expect({ db, delete: ask(ci.iamMember, database, "datastore.backups.delete") }).toEqual({ db, delete: AccessDecision.ALLOWED });
      expect({ db, restore: ask(ci.iamMember, database, "datastore.backups.restoreDatabase") }).toEqual({ db, restore: AccessDecision.DENIED });
      expect({ db, read: ask(ci.iamMember, database, "datastore.entities.get") }).toEqual({ db, read: AccessDecision.DENIED });
    }
    expect(ask(ci.iamMember, "projects/another-project/databases/app-dev", "datastore.backups.delete")).toBe(AccessDecision.DENIED);
  });

  test("a backup role under a database condition is reported as unknown, not as granted", () => {
    const conditioned = AccessSimulator.fromStackJson([
      JSON.stringify({
        resource: {
          google_project_iam_member: {
            g: { project: projectId, role: "roles/datastore.backupsAdmin", member: ci.iamMember, condition: { title: "t", expression: `resource.name == "projects/${projectId}/databases/app-dev"` } },
          },
        },
      }),
    ]);
    expect(conditioned.explain({ member: ci.iamMember, groups: [], database: `projects/${projectId}/databases/app-dev`, permission: "datastore.backups.list" }).decision).toBe(AccessDecision.UNKNOWN);
  });

  test("the grant matchers read it as the backup grant of every database of the project, and of no other project", () => {
    const { BACKUP_ADMIN } = FirestoreAccessLevel;
    expect(stack).toGrantFirestoreAccess({ member: ci, database: `projects/${projectId}/databases/app-prod`, access: BACKUP_ADMIN });
    expect(stack).not.toGrantFirestoreAccess({ member: ci, database: "projects/another-project/databases/app-prod", access: BACKUP_ADMIN });
    expect(stack).toOnlyGrantFirestoreAccess([
      { member: ci, database: `projects/${projectId}/databases/app-dev`, access: BACKUP_ADMIN },
      { member: team, database: `projects/${projectId}/databases/app-dev`, role: "roles/datastore.backupsViewer" },
    ]);
  });

  test("the guardrails accept the project-wide backup grant; the report shows it on every database", () => {
    expect(stack).toPassFirestoreGuardrails();
    const chains = chainsOf("dev", [new StackModel("test-dev", json)]).filter((c) => c.role === "roles/datastore.backupsAdmin");
    expect(chains.map((c) => [c.database, c.canDo])).toEqual([[`projects/${projectId}/databases/*`, "delete backups"]]);
  });
});

describe("one binding per (principal, role, database)", () => {
  test("granting the same access twice returns the first binding", () => {
    const json = synthJson(
      stackWith((s) => {
        const db = new FirestoreDatabase(s, "db", { projectId, databaseId: "app-db", locationId: "eur3" });
        const first = db.grantReadWrite(team);
        expect(db.grantReadWrite(team)).toBe(first);
        expect(db.grant(team, "roles/datastore.user")).toBe(first);
        expect(db.grantAccess(team, FirestoreAccessLevel.READ_WRITE)).toBe(first);
        db.grantRead(team); // another role: its own binding
      }),
    );
    expect(bindings(json).map((b) => b.role)).toEqual(["roles/datastore.user", "roles/datastore.viewer"]);
  });

  test("the same principal and role on two databases are two bindings", () => {
    const json = synthJson(
      stackWith((s) => {
        new FirestoreDatabase(s, "dev", { projectId, databaseId: "app-dev", locationId: "eur3" }).grantRead(team);
        new FirestoreDatabase(s, "prod", { projectId, databaseId: "app-prod", locationId: "eur3" }).grantRead(team);
      }),
    );
    expect(bindings(json).map((b) => b.condition.expression)).toEqual([
      'resource.name == "projects/acme-shared-1/databases/app-dev"',
      'resource.name == "projects/acme-shared-1/databases/app-prod"',
    ]);
  });

  test("a reference to the same database in the same stack reuses the binding", () => {
    const json = synthJson(
      stackWith((s) => {
        const db = new FirestoreDatabase(s, "db", { projectId, databaseId: "app-db", locationId: "eur3" });
        const ref = FirestoreDatabase.fromExisting(s, "ref", { projectId, databaseId: "app-db" });
        expect(ref.grantRead(team)).toBe(db.grantRead(team));
      }),
    );
    expect(bindings(json)).toHaveLength(1);
  });

  test("binding ids depend on principal and role, not on the order of grants", () => {
    const ids = (order: Array<"team" | "ci">) =>
      Object.keys(
        synthJson(
          stackWith((s) => {
            const db = new FirestoreDatabase(s, "db", { projectId, databaseId: "app-db", locationId: "eur3" });
            for (const who of order) db.grantReadWrite(who === "team" ? team : ci);
          }),
        ).resource.google_project_iam_member,
      ).sort();
    expect(ids(["team", "ci"])).toEqual(ids(["ci", "team"]));
    expect(ids(["team"])[0]).toMatch(/^db_user-group-team-example-com-[0-9a-f]{8}_[0-9A-F]{8}$/);
  });

  test("principals whose members are tokens still get one binding each", () => {
    const json = synthJson(
      stackWith((s) => {
        const db = new FirestoreDatabase(s, "db", { projectId, databaseId: "app-db", locationId: "eur3" });
        const api = new WorkloadServiceAccount(s, "api", { projectId, accountId: "api-runtime" });
        const worker = new WorkloadServiceAccount(s, "worker", { projectId, accountId: "worker-runtime" });
        db.grantReadWrite(api);
        db.grantReadWrite(worker);
        db.grantReadWrite(api);
      }),
    );
    expect(bindings(json).map((b) => b.member)).toEqual([
      expect.stringMatching(/^serviceAccount:\$\{google_service_account\.api_[0-9A-F]{8}\.email\}$/),
      expect.stringMatching(/^serviceAccount:\$\{google_service_account\.worker_[0-9A-F]{8}\.email\}$/),
    ]);
  });
});

describe("FirestoreDatabase.fromExisting", () => {
  test("grants from another stack land in that stack, with the same condition, without managing the database", () => {
    const app = Testing.app();
    const platform = new TerraformStack(app, "platform");
    const service = new TerraformStack(app, "service");
    new FirestoreDatabase(platform, "db", { projectId, databaseId: "app-prod", locationId: "eur3" });
    const ref = FirestoreDatabase.fromExisting(service, "db", { projectId, databaseId: "app-prod" });
    ref.grantRead(team);

    const serviceJson = JSON.parse(Testing.synth(service));
    expect(resourcesOf(serviceJson, "google_firestore_database")).toEqual([]);
    expect(bindings(serviceJson)).toEqual([
      expect.objectContaining({ role: "roles/datastore.viewer", condition: expect.objectContaining({ expression: 'resource.name == "projects/acme-shared-1/databases/app-prod"' }) }),
    ]);
    expect(bindings(JSON.parse(Testing.synth(platform)))).toEqual([]);
    expect(ref.databaseName).toBe("projects/acme-shared-1/databases/app-prod");
  });

  test("defaults to the (default) database", () => {
    stackWith((s) => {
      expect(FirestoreDatabase.fromExisting(s, "ref", { projectId }).conditionExpression).toBe('resource.name == "projects/acme-shared-1/databases/(default)"');
    });
  });

  test("returns a type that names a managed database and a reference alike (checked by npm run typecheck)", () => {
    const json = synthJson(
      stackWith((s) => {
        for (const manage of [true, false]) {
          const databaseId = manage ? "managed-db" : "shared-db";
          // Users write this when a flag decides whether their stack owns the database.
          const db: FirestoreDatabaseBase = manage ? new FirestoreDatabase(s, databaseId, { projectId, databaseId, locationId: "eur3" }) : FirestoreDatabase.fromExisting(s, databaseId, { projectId, databaseId });
          const same: IFirestoreDatabase = db;
          same.grantRead(team);
        }
      }),
    );
    expect(bindings(json).map((b) => b.condition.expression).sort()).toEqual([
      'resource.name == "projects/acme-shared-1/databases/managed-db"',
      'resource.name == "projects/acme-shared-1/databases/shared-db"',
    ]);
  });
});

describe("FirestoreCustomRole", () => {
  test("read-only without list: a custom role granted with the database condition", () => {
    const json = synthJson(
      stackWith((s) => {
        const db = new FirestoreDatabase(s, "db", { projectId, databaseId: "app-db", locationId: "eur3" });
        const role = new FirestoreCustomRole(s, "lookup", {
          projectId,
          roleId: "firestoreLookupOnly",
          permissions: [...FirestorePermissions.READ_DOCUMENTS],
          description: "Reads documents by key, cannot enumerate them",
        });
        db.grantCustomRole(ci, role);
        db.grantCustomRole(ci, role);
      }),
    );
    const [[, role]] = resourcesOf(json, "google_project_iam_custom_role");
    expect(role).toEqual({
      project: projectId,
      role_id: "firestoreLookupOnly",
      title: "firestoreLookupOnly",
      description: "Reads documents by key, cannot enumerate them",
      permissions: ["datastore.databases.get", "datastore.entities.get"],
      stage: "GA",
    });
    expect(bindings(json)).toEqual([
      {
        project: projectId,
        member: "serviceAccount:ci@acme-shared-1.iam.gserviceaccount.com",
        role: expect.stringMatching(/^\$\{google_project_iam_custom_role\.lookup_[0-9A-F]{8}\.name\}$/),
        condition: expect.objectContaining({ expression: 'resource.name == "projects/acme-shared-1/databases/app-db"' }),
      },
    ]);
  });

  test("write without delete: permission sets combine, duplicates merge, order is stable", () => {
    stackWith((s) => {
      const role = new FirestoreCustomRole(s, "writer", {
        projectId,
        roleId: "firestore.writer_no_delete",
        permissions: [...FirestorePermissions.WRITE_DOCUMENTS, ...FirestorePermissions.LIST_DOCUMENTS, ...FirestorePermissions.READ_DOCUMENTS],
      });
      expect(role.permissions).toEqual([
        "datastore.databases.get",
        "datastore.entities.allocateIds",
        "datastore.entities.create",
        "datastore.entities.get",
        "datastore.entities.list",
        "datastore.entities.update",
      ]);
      expect(role.permissions).not.toContain(FirestorePermissions.DELETE_DOCUMENTS[0]);
    });
  });
});

describe("ServiceAccountKeyCreationPolicy", () => {
  test("enforces iam.disableServiceAccountKeyCreation on the project", () => {
    const json = synthJson(stackWith((s) => new ServiceAccountKeyCreationPolicy(s, "keys", { projectId })));
    expect(resourcesOf(json, "google_org_policy_policy").map(([, r]) => r)).toEqual([
      {
        parent: "projects/acme-shared-1",
        name: "projects/acme-shared-1/policies/iam.disableServiceAccountKeyCreation",
        spec: { rules: [{ enforce: "TRUE" }] },
      },
    ]);
  });
});

test("unresolved project ids pass through to the condition", () => {
  const json = synthJson(
    stackWith((s) => {
      const project = new TerraformVariable(s, "project", { type: "string" });
      new FirestoreDatabase(s, "db", { projectId: project.stringValue, databaseId: "app-db", locationId: "eur3" }).grantRead(team);
    }),
  );
  // jsonencode() quotes whatever Terraform fills in, so the value stays one CEL string literal.
  expect(bindings(json)[0].condition.expression).toBe('resource.name == ${jsonencode("projects/${var.project}/databases/app-db")}');
});
