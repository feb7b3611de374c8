import type { FirestoreBackupSchedule } from "@cdktf/provider-google/lib/firestore-backup-schedule";
import type { FirestoreDatabase as FirestoreDatabaseResource } from "@cdktf/provider-google/lib/firestore-database";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { StableIds } from "../core/naming";
import { IFirestoreDatabaseName } from "../core/firestore-database-name";
import { IPrincipal } from "../core/principal";
import { check, checkOptional, checkShape, checkType, checkWrittenInCode, inputError, isUnresolved, oneOf } from "../core/validate";
import {
  EXPORT_PERMISSIONS,
  FIRESTORE_ACCESS_ROLES,
  FIRESTORE_ROLE,
  FirestoreAccessLevel,
  firestoreDatabaseCondition,
  exportRoleId,
  firestoreDatabaseName,
  isBackupOnlyRole,
  roleProblem,
} from "./firestore-access";
import { FirestoreCustomRole } from "./firestore-custom-role";
import { BACKUP_RETENTION_DAYS, DATABASE_ID, DEFAULT_DATABASE_ID, FIRESTORE_LOCATION, FIRESTORE_MULTI_REGIONS } from "./firestore-rules";
import { KMS_KEY_NAME, PROJECT_ID } from "./gcp-rules";
import { requireCdktfApp } from "../core/supported-core";

/**
 * A Firestore database that principals can be granted access to. Every grant is a
 * project-level binding whose IAM condition names this one database, because Firestore
 * has no per-database IAM policy; the exception is backups (grantBackupAdmin), which belong
 * to the project's locations and are granted project-wide.
 */
export interface IFirestoreDatabase extends IConstruct, IFirestoreDatabaseName {
  readonly projectId: string;
  /** `(default)` or the named database id. */
  readonly databaseId: string;
  /** `resource.name == "projects/PROJECT_ID/databases/DATABASE_ID"`, carried by every grant. */
  readonly conditionExpression: string;

  /** roles/datastore.viewer on this database only. */
  grantRead(principal: IPrincipal): ProjectIamMember;
  /** roles/datastore.user on this database only. */
  grantReadWrite(principal: IPrincipal): ProjectIamMember;
  /** roles/datastore.indexAdmin on this database only. */
  grantIndexAdmin(principal: IPrincipal): ProjectIamMember;
  /** roles/datastore.importExportAdmin on this database only (the bucket needs its own grant). It can import, which overwrites documents. */
  grantImportExport(principal: IPrincipal): ProjectIamMember;
  /**
   * Export without import (FirestoreAccessLevel.EXPORT), on this database only: a custom role
   * the stack declares once per project (EXPORT_PERMISSIONS), with this database's condition.
   */
  grantExport(principal: IPrincipal): ProjectIamMember;
  /**
   * roles/datastore.backupsAdmin ON THE WHOLE PROJECT: list, read and delete every backup of
   * every database in the project, in every location; it cannot restore. Backups are
   * `projects/P/locations/L/backups/B`, whose name does not say which database they copy, and
   * Google documents no condition that selects one database's backups, so a database
   * condition would make the grant reach nothing. Give it to the account that prunes backups,
   * never to a workload. Restoring needs roles/datastore.restoreAdmin on the project, which
   * this library does not grant: it can create any database from any backup.
   */
  grantBackupAdmin(principal: IPrincipal): ProjectIamMember;
  /** The role that an access level stands for, on this database only. */
  grantAccess(principal: IPrincipal, level: FirestoreAccessLevel): ProjectIamMember;
  /**
   * Any other predefined Firestore role (roles/datastore.*); basic and non-Firestore roles are
   * refused. Backup-only roles (backupsAdmin, backupsViewer) are granted on the project, as
   * grantBackupAdmin explains; every other role is limited to this database.
   */
  grant(principal: IPrincipal, role: string): ProjectIamMember;
  /** A FirestoreCustomRole of the same project, on this database only. */
  grantCustomRole(principal: IPrincipal, role: FirestoreCustomRole): ProjectIamMember;
}

export interface FirestoreDatabaseReferenceProps {
  readonly projectId: string;
  /** @default "(default)" */
  readonly databaseId?: string;
}

/** The EXPORT custom role of each stack, per project (see exportRole). */
const exportRolesByStack = new WeakMap<TerraformStack, Map<string, FirestoreCustomRole>>();

/** Bindings per stack, so granting the same access twice (from any construct) is one binding. */
const bindingsByStack = new WeakMap<TerraformStack, Map<string, ProjectIamMember>>();

/** The grant API shared by managed databases and references to existing ones. */
export abstract class FirestoreDatabaseBase extends Construct implements IFirestoreDatabase {
  public readonly projectId: string;
  public readonly databaseId: string;
  public readonly databaseName: string;
  public readonly conditionExpression: string;
  private readonly ids = new StableIds();

  protected constructor(scope: Construct, id: string, props: FirestoreDatabaseReferenceProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, { projectId: "string", databaseId: "string?" });
    this.projectId = check(this, "projectId", props.projectId, PROJECT_ID);
    this.databaseId = check(this, "databaseId", props.databaseId ?? DEFAULT_DATABASE_ID, DATABASE_ID);
    this.databaseName = firestoreDatabaseName(this.projectId, this.databaseId);
    this.conditionExpression = firestoreDatabaseCondition(this.databaseName);
  }

  public grantRead(principal: IPrincipal): ProjectIamMember {
    return this.grantAccess(principal, FirestoreAccessLevel.READ);
  }

  public grantReadWrite(principal: IPrincipal): ProjectIamMember {
    return this.grantAccess(principal, FirestoreAccessLevel.READ_WRITE);
  }

  public grantIndexAdmin(principal: IPrincipal): ProjectIamMember {
    return this.grantAccess(principal, FirestoreAccessLevel.INDEX_ADMIN);
  }

  public grantImportExport(principal: IPrincipal): ProjectIamMember {
    return this.grantAccess(principal, FirestoreAccessLevel.IMPORT_EXPORT);
  }

  public grantExport(principal: IPrincipal): ProjectIamMember {
    return this.grantAccess(principal, FirestoreAccessLevel.EXPORT);
  }

  /** roles/datastore.backupsAdmin on the whole project: every backup of every database there (see IFirestoreDatabase). */
  public grantBackupAdmin(principal: IPrincipal): ProjectIamMember {
    return this.grantAccess(principal, FirestoreAccessLevel.BACKUP_ADMIN);
  }

  public grantAccess(principal: IPrincipal, level: FirestoreAccessLevel): ProjectIamMember {
    checkType(this, "principal", principal, "principal");
    if (level === FirestoreAccessLevel.EXPORT) return this.grantCustomRole(principal, this.exportRole());
    // typeof first: String() of a prototype-less object or a Symbol throws a TypeError instead of naming the mistake.
    const role = typeof level === "string" && Object.prototype.hasOwnProperty.call(FIRESTORE_ACCESS_ROLES, level) ? FIRESTORE_ACCESS_ROLES[level] : undefined;
    if (role === undefined) throw inputError(this, "access level", level, oneOf(Object.values(FirestoreAccessLevel)).rule);
    return this.bind(principal, role, role.replace(/^roles\/datastore\./, ""));
  }

  public grant(principal: IPrincipal, role: string): ProjectIamMember {
    checkType(this, "principal", principal, "principal");
    checkType(this, "role", role, "string");
    checkWrittenInCode(this, "role", role, "the grant's construct id is made from it, and only a role written out can be checked to be a Firestore role");
    if (!FIRESTORE_ROLE.test(role)) throw inputError(this, "role", role, roleProblem(role));
    return this.bind(principal, role, role.replace(/^roles\/datastore\./, ""));
  }

  public grantCustomRole(principal: IPrincipal, role: FirestoreCustomRole): ProjectIamMember {
    checkType(this, "principal", principal, "principal");
    // A look-alike object could name any role (roles/owner) as roleName; only a FirestoreCustomRole proves its permissions.
    if (!(role instanceof FirestoreCustomRole)) throw inputError(this, "role", role, "must be a FirestoreCustomRole (its permissions are checked to be Firestore ones)");
    if (!isUnresolved(role.projectId) && !isUnresolved(this.projectId) && role.projectId !== this.projectId) {
      throw inputError(
        this,
        "custom role",
        `projects/${role.projectId}/roles/${role.roleId}`,
        `a project-level custom role can only be granted in its own project (${this.projectId})`,
      );
    }
    return this.bind(principal, role.roleName, `custom-${role.roleId}`);
  }

  /** The stack's EXPORT role in this database's project, declared on first use and shared by every database of the project. */
  private exportRole(): FirestoreCustomRole {
    const stack = TerraformStack.of(this);
    let roles = exportRolesByStack.get(stack);
    if (!roles) exportRolesByStack.set(stack, (roles = new Map()));
    let role = roles.get(this.projectId);
    if (!role) {
      const roleId = exportRoleId(stack.node.id);
      // Project ids are construct-id safe; a project Terraform fills in gets a position, which construction order fixes.
      const id = `firestore-export-role-${isUnresolved(this.projectId) ? `project${roles.size}` : this.projectId}`;
      role = new FirestoreCustomRole(stack, id, {
        projectId: this.projectId,
        roleId,
        permissions: [...EXPORT_PERMISSIONS],
        title: "Firestore export (no import)",
        description: `Start Firestore exports and follow their operations, without import; granted per database by ${stack.node.id}`,
      });
      roles.set(this.projectId, role);
    }
    return role;
  }

  private bind(principal: IPrincipal, role: string, label: string): ProjectIamMember {
    const stack = TerraformStack.of(this);
    let bindings = bindingsByStack.get(stack);
    if (!bindings) {
      bindings = new Map();
      bindingsByStack.set(stack, bindings);
    }
    const projectWide = isBackupOnlyRole(role);
    // A project-wide grant is the same binding whichever database of the project asks for it.
    const key = `${projectWide ? `projects/${this.projectId}` : this.databaseName}|${role}|${principal.iamMember}`;
    const existing = bindings.get(key);
    if (existing) return existing;
    const binding = new ProjectIamMember(this, this.ids.allocate(label, principal.principalName, key), {
      project: this.projectId,
      role,
      member: principal.iamMember,
      condition: projectWide
        ? undefined
        : {
            title: `Firestore database ${this.databaseId}`,
            description: `Limits ${role} to ${this.databaseName}`,
            expression: this.conditionExpression,
          },
    });
    bindings.set(key, binding);
    return binding;
  }
}

/** How often a scheduled backup runs (UTC). A database has at most one schedule of each. */
export enum FirestoreBackupRecurrence {
  DAILY = "DAILY",
  WEEKLY = "WEEKLY",
}

export enum BackupDayOfWeek {
  MONDAY = "MONDAY",
  TUESDAY = "TUESDAY",
  WEDNESDAY = "WEDNESDAY",
  THURSDAY = "THURSDAY",
  FRIDAY = "FRIDAY",
  SATURDAY = "SATURDAY",
  SUNDAY = "SUNDAY",
}

export interface FirestoreBackupScheduleOptions {
  readonly recurrence: FirestoreBackupRecurrence;
  /** How long each backup is kept: 1 to 98 days (14 weeks, the Firestore maximum). */
  readonly retentionDays: number;
  /** Weekly schedules only. @default BackupDayOfWeek.SUNDAY */
  readonly dayOfWeek?: BackupDayOfWeek;
}

/** Firestore editions (google_firestore_database.database_edition, google 6.50.0). */
export enum FirestoreDatabaseEdition {
  STANDARD = "STANDARD",
  /** Enterprise edition (e.g. MongoDB compatibility). */
  ENTERPRISE = "ENTERPRISE",
}

/** What `terraform destroy` (or removing the construct) does to the database. */
export enum FirestoreDeletionPolicy {
  /** Forget the database in Terraform state; the database and its data stay in Google Cloud. */
  ABANDON = "ABANDON",
  /** Delete the database (only possible when delete protection is off). */
  DELETE = "DELETE",
}

export interface FirestoreDatabaseProps extends FirestoreDatabaseReferenceProps {
  /** A multi-region such as `nam5` or `eur3`, or a region such as `europe-west3`. Cannot change later. */
  readonly locationId: string;
  /** Keep 7 days of versions for point-in-time reads and recovery. @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Google refuses to delete the database while this is on. @default true */
  readonly deleteProtection?: boolean;
  /** @default FirestoreDeletionPolicy.ABANDON (never deletes data) */
  readonly deletionPolicy?: FirestoreDeletionPolicy;
  /** Scheduled backups: at most one DAILY and one WEEKLY. @default none */
  readonly backupSchedules?: FirestoreBackupScheduleOptions[];
  /** Refuse `terraform destroy` of the database. @default true */
  readonly preventDestroy?: boolean;
  /**
   * Encrypt the database with this Cloud KMS key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`),
   * in the key location matching the database's (nam5: us, eur3: europe, a region: the same
   * region). Cannot change later: a different key means a new database. The Firestore service
   * agent (`service-PROJECT_NUMBER@gcp-sa-firestore.iam.gserviceaccount.com`) needs
   * roles/cloudkms.cryptoKeyEncrypterDecrypter on the key, and the provider documents CMEK
   * as allowlist-only at launch. @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /** @default the provider's default (STANDARD) */
  readonly edition?: FirestoreDatabaseEdition;
}

const SECONDS_PER_DAY = 86400;

/** The KMS location a CMEK database needs (google 6.50.0 docs of cmek_config.kms_key_name); undefined when not documented. */
function kmsLocationFor(firestoreLocation: string): string | undefined {
  if (firestoreLocation === "nam5") return "us";
  if (firestoreLocation === "eur3") return "europe";
  return FIRESTORE_MULTI_REGIONS.includes(firestoreLocation) ? undefined : firestoreLocation;
}

/**
 * A Firestore database in native mode, protected three ways by default: point-in-time
 * recovery on, delete protection on, and a deletion policy that abandons rather than
 * deletes. Grants reach this database only (see IFirestoreDatabase).
 */
export class FirestoreDatabase extends FirestoreDatabaseBase {
  /**
   * Refers to a database managed elsewhere (another stack, the console) to grant access to
   * it. A variable that holds either a managed database or a reference can be typed
   * `FirestoreDatabaseBase` or `IFirestoreDatabase`.
   */
  public static fromExisting(scope: Construct, id: string, props: FirestoreDatabaseReferenceProps): FirestoreDatabaseBase {
    return new ExistingFirestoreDatabase(scope, id, props);
  }

  public readonly locationId: string;
  public readonly resource: FirestoreDatabaseResource;
  private readonly schedules = new Map<FirestoreBackupRecurrence, FirestoreBackupSchedule>();

  constructor(scope: Construct, id: string, props: FirestoreDatabaseProps) {
    super(scope, id, props);
    checkShape(this, "", props, {
      locationId: "string",
      pointInTimeRecovery: "boolean?",
      deleteProtection: "boolean?",
      deletionPolicy: "string?",
      backupSchedules: "object[]?",
      preventDestroy: "boolean?",
      kmsKeyName: "string?",
      edition: "string?",
    });
    this.locationId = check(this, "locationId", props.locationId, FIRESTORE_LOCATION);
    checkOptional(this, "deletionPolicy", props.deletionPolicy, oneOf(Object.values(FirestoreDeletionPolicy)));
    checkOptional(this, "edition", props.edition, oneOf(Object.values(FirestoreDatabaseEdition)));
    const key = checkOptional(this, "kmsKeyName", props.kmsKeyName, KMS_KEY_NAME);
    const keyLocation = key === undefined || isUnresolved(key) ? undefined : key.split("/")[3];
    const wanted = isUnresolved(this.locationId) ? undefined : kmsLocationFor(this.locationId);
    if (keyLocation !== undefined && wanted !== undefined && keyLocation !== wanted) {
      throw inputError(this, "kmsKeyName", key, `must be a key in KMS location ${wanted}, the one matching Firestore location ${this.locationId}`);
    }

    // Loaded here, not with the library: an app that only grants on existing databases never needs it.
    const { FirestoreDatabase: FirestoreDatabaseResource } = require("@cdktf/provider-google/lib/firestore-database") as typeof import("@cdktf/provider-google/lib/firestore-database");
    this.resource = new FirestoreDatabaseResource(this, "Resource", {
      project: this.projectId,
      name: this.databaseId,
      locationId: this.locationId,
      type: "FIRESTORE_NATIVE",
      pointInTimeRecoveryEnablement: (props.pointInTimeRecovery ?? true) ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED",
      deleteProtectionState: (props.deleteProtection ?? true) ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED",
      deletionPolicy: props.deletionPolicy ?? FirestoreDeletionPolicy.ABANDON,
      databaseEdition: props.edition,
      cmekConfig: key === undefined ? undefined : { kmsKeyName: key },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    for (const schedule of props.backupSchedules ?? []) this.addBackupSchedule(schedule);
  }

  /** Adds a scheduled backup; a database takes at most one DAILY and one WEEKLY schedule. */
  public addBackupSchedule(options: FirestoreBackupScheduleOptions): FirestoreBackupSchedule {
    checkShape(this, "backup schedule", options, { recurrence: "string", retentionDays: "whole-number", dayOfWeek: "string?" });
    const recurrence = check(this, "backup recurrence", options.recurrence, oneOf(Object.values(FirestoreBackupRecurrence)));
    check(this, "backup retentionDays", options.retentionDays, BACKUP_RETENTION_DAYS);
    if (options.dayOfWeek !== undefined && recurrence !== FirestoreBackupRecurrence.WEEKLY) {
      throw inputError(this, "backup dayOfWeek", options.dayOfWeek, "applies to WEEKLY schedules only");
    }
    checkOptional(this, "backup dayOfWeek", options.dayOfWeek, oneOf(Object.values(BackupDayOfWeek)));
    if (this.schedules.has(recurrence as FirestoreBackupRecurrence)) {
      throw inputError(this, "backup recurrence", recurrence, "a database has at most one DAILY and one WEEKLY backup schedule; this one is declared twice");
    }
    const weekly = recurrence === FirestoreBackupRecurrence.WEEKLY;
    const { FirestoreBackupSchedule } = require("@cdktf/provider-google/lib/firestore-backup-schedule") as typeof import("@cdktf/provider-google/lib/firestore-backup-schedule");
    const schedule = new FirestoreBackupSchedule(this, `Backup${weekly ? "Weekly" : "Daily"}`, {
      project: this.projectId,
      database: this.resource.name,
      retention: `${options.retentionDays * SECONDS_PER_DAY}s`,
      dailyRecurrence: weekly ? undefined : {},
      weeklyRecurrence: weekly ? { day: options.dayOfWeek ?? BackupDayOfWeek.SUNDAY } : undefined,
    });
    this.schedules.set(recurrence as FirestoreBackupRecurrence, schedule);
    return schedule;
  }
}

class ExistingFirestoreDatabase extends FirestoreDatabaseBase {
  constructor(scope: Construct, id: string, props: FirestoreDatabaseReferenceProps) {
    super(scope, id, props);
  }
}
