import {
  BackupDayOfWeek,
  FirestoreBackupRecurrence,
  FirestoreCustomRole,
  FirestoreDatabase,
  FirestoreDeletionPolicy,
  Principal,
  ServiceAccountKeyCreationPolicy,
} from "../../src";
import { expectInputError } from "../support/synth";

const projectId = "acme-shared-1";
const team = Principal.group("team@example.com");
const db = (s: any, props: Record<string, unknown> = {}) => new FirestoreDatabase(s, "db", { projectId, databaseId: "app-db", locationId: "eur3", ...props });
const role = (s: any, props: Record<string, unknown> = {}) =>
  new FirestoreCustomRole(s, "role", { projectId, roleId: "firestoreLookup", permissions: ["datastore.entities.get"], ...props });

describe("bad Firestore input is refused with path, property, value and rule", () => {
  const cases: Array<[string, (s: any) => unknown, ...string[]]> = [
    ["project id", (s) => db(s, { projectId: "Acme" }), "test/db", "projectId", '"Acme"', "6-30"],
    ["database id too short", (s) => db(s, { databaseId: "abc" }), "test/db", "databaseId", '"abc"', "4-63", "(default)"],
    ["database id too long", (s) => db(s, { databaseId: "a".repeat(64) }), "databaseId", "4-63"],
    ["database id uppercase", (s) => db(s, { databaseId: "Orders" }), "databaseId", '"Orders"', "[a-z0-9-]"],
    ["database id starting with a digit", (s) => db(s, { databaseId: "1orders" }), "databaseId", "starting with a letter"],
    ["database id ending with a hyphen", (s) => db(s, { databaseId: "orders-" }), "databaseId", "ending with a letter or digit"],
    ["database id UUID-like", (s) => db(s, { databaseId: "abcdef01-2345-6789-abcd-ef0123456789" }), "databaseId", "UUID-like"],
    ["database id of a reference", (s) => FirestoreDatabase.fromExisting(s, "ref", { projectId, databaseId: "_default" }), "test/ref", "databaseId", '"_default"', '"(default)"'],
    ["location format", (s) => db(s, { locationId: "Europe West" }), "locationId", '"Europe West"', "nam5"],
    ["location as a zone", (s) => db(s, { locationId: "europe-west3-a" }), "locationId", "europe-west3"],
    ["a location Firestore does not serve", (s) => db(s, { locationId: "europe-west7" }), "locationId", "\"europe-west7\"", "Firestore location Google lists"],
    ["deletion policy", (s) => db(s, { deletionPolicy: "PREVENT" as FirestoreDeletionPolicy }), "deletionPolicy", '"PREVENT"', "ABANDON, DELETE"],
    ["backup retention of 0 days", (s) => db(s, { backupSchedules: [{ recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 0 }] }), "test/db", "backup retentionDays", "0", "1 to 98", "14 weeks"],
    ["backup retention over 14 weeks", (s) => db(s, { backupSchedules: [{ recurrence: FirestoreBackupRecurrence.WEEKLY, retentionDays: 99 }] }), "backup retentionDays", "99", "1 to 98"],
    ["fractional backup retention", (s) => db(s, { backupSchedules: [{ recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 1.5 }] }), "backup schedule.retentionDays", "whole number"],
    ["day of week on a daily schedule", (s) => db(s, { backupSchedules: [{ recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 7, dayOfWeek: BackupDayOfWeek.MONDAY }] }), "backup dayOfWeek", '"MONDAY"', "WEEKLY schedules only"],
    ["unknown recurrence", (s) => db(s, { backupSchedules: [{ recurrence: "HOURLY", retentionDays: 7 }] }), "backup recurrence", '"HOURLY"', "DAILY, WEEKLY"],
    [
      "two daily schedules",
      (s) =>
        db(s, {
          backupSchedules: [
            { recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 7 },
            { recurrence: FirestoreBackupRecurrence.DAILY, retentionDays: 3 },
          ],
        }),
      "backup recurrence",
      '"DAILY"',
      "at most one DAILY and one WEEKLY",
    ],
    ["basic role owner", (s) => db(s).grant(team, "roles/owner"), "test/db", "role", '"roles/owner"', "basic roles", "never be limited to one database"],
    ["basic role editor", (s) => db(s).grant(team, "roles/editor"), "role", '"roles/editor"', "basic roles"],
    ["basic role viewer", (s) => db(s).grant(team, "roles/viewer"), "role", '"roles/viewer"', "basic roles"],
    ["non-Firestore role", (s) => db(s).grant(team, "roles/storage.admin"), "role", '"roles/storage.admin"', "predefined Firestore role", "roles/datastore.user"],
    ["impersonation role", (s) => db(s).grant(team, "roles/iam.serviceAccountTokenCreator"), "role", "predefined Firestore role"],
    ["unknown datastore role", (s) => db(s).grant(team, "roles/datastore.superuser"), "role", '"roles/datastore.superuser"', "predefined Firestore role"],
    ["custom role by name", (s) => db(s).grant(team, "projects/acme-shared-1/roles/reader"), "role", "grantCustomRole"],
    ["custom role id too short", (s) => role(s, { roleId: "ab" }), "test/role", "roleId", '"ab"', "3-64", "[a-zA-Z0-9_.]"],
    ["custom role id with hyphen", (s) => role(s, { roleId: "firestore-reader" }), "roleId", '"firestore-reader"', "[a-zA-Z0-9_.]"],
    ["custom role without permissions", (s) => role(s, { permissions: [] }), "test/role", "permissions", "[]", "at least one datastore.* permission"],
    ["non-Firestore permission", (s) => role(s, { permissions: ["datastore.entities.get", "storage.objects.get"] }), "permissions[1]", '"storage.objects.get"', "Firestore permission Google defines"],
    ["misspelt Firestore permission", (s) => role(s, { permissions: ["datastore.entities.gett"] }), "permissions[0]", '"datastore.entities.gett"', "Firestore permission Google defines"],
    ["malformed permission", (s) => role(s, { permissions: ["datastore.entities"] }), "permissions[0]", '"datastore.entities"'],
    ["custom role title over 100", (s) => role(s, { title: "t".repeat(101) }), "title", "1-100"],
    ["custom role description over 256", (s) => role(s, { description: "d".repeat(257) }), "description", "0-256"],
    [
      "custom role of another project",
      (s) => db(s).grantCustomRole(team, role(s, { projectId: "acme-other-1" })),
      "test/db",
      "custom role",
      '"projects/acme-other-1/roles/firestoreLookup"',
      "only be granted in its own project (acme-shared-1)",
    ],
    ["org policy project id", (s) => new ServiceAccountKeyCreationPolicy(s, "keys", { projectId: "p" }), "test/keys", "projectId", '"p"'],
  ];
  test.each(cases)("%s", (_name, build, ...fragments) => expectInputError(build, ...fragments));
});
