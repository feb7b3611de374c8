import type { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import type { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Construct } from "constructs";
import { EXPORT_DATABASE_LABEL, EXPORT_PROJECT_LABEL, databaseLabelValue } from "../core/export-labels";
import { StableIds } from "../core/naming";
import { IPrincipal } from "../core/principal";
import { check, checkOptional, checkShape, checkType, inputError, isUnresolved, oneOf } from "../core/validate";
import { DATA_LOCATION, STORAGE_BUCKET_NAME, STORAGE_LABEL_VALUE, STORAGE_RETENTION_DAYS } from "./audit-rules";
import { IFirestoreDatabase } from "./firestore-database";
import { KMS_KEY_NAME, PROJECT_ID, storageKeyLocationProblem } from "./gcp-rules";
import { StorageClassTransition, storageLifecycleRules } from "./storage-lifecycle";
import { requireCdktfApp } from "../core/supported-core";

export interface FirestoreExportBucketProps {
  /** The database whose exports the bucket holds. The bucket is labelled with it: a copy of its data. */
  readonly database: IFirestoreDatabase;
  /** Project that holds the bucket. @default the database's project */
  readonly projectId?: string;
  /** Globally unique; 3-63 characters of [a-z0-9._-], not starting with "goog". */
  readonly bucketName: string;
  /** Near the database, e.g. EU for eur3 (Google asks for a bucket "in a location near your database"). */
  readonly location: string;
  /** Export files cannot be deleted or overwritten for this many days. */
  readonly retentionDays: number;
  /**
   * Lock the retention policy. IRREVERSIBLE: the period can then only grow, and the bucket
   * cannot be deleted while it holds files younger than the period. @default false
   */
  readonly lockRetention?: boolean;
  /**
   * Encrypt export files with this Cloud KMS key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`).
   * The Cloud Storage service agent of the bucket's project needs
   * roles/cloudkms.cryptoKeyEncrypterDecrypter on the key. @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
  /** @default the provider's default (STANDARD) */
  readonly storageClass?: string;
  /** Move older exports to colder storage classes. @default none */
  readonly transitions?: StorageClassTransition[];
  /** Delete exports this many days after they were written; at least retentionDays. @default never */
  readonly deleteAfterDays?: number;
  /** Refuse `terraform destroy` of the bucket. @default true */
  readonly preventDestroy?: boolean;
}

/** Cloud Storage classes (google_storage_bucket.storage_class). */
const STORAGE_CLASS = oneOf(["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"]);
const SECONDS_PER_DAY = 86400;
/** What Google documents for the Firestore service agent on a bucket in another project. */
const EXPORT_JOB_ROLE = "roles/storage.admin";
const READER_ROLE = "roles/storage.objectViewer";

/**
 * A Cloud Storage bucket for managed exports (`gcloud firestore export gs://BUCKET`) of one
 * database: uniform bucket-level access, public access prevention enforced, a retention
 * policy so an export cannot be altered or deleted early, optional CMEK, protected from
 * destroy. An export holds every document it was asked for, so whoever reads the bucket reads
 * the data: the bucket carries labels naming its database, and the access report and the
 * guardrails (FSI-EXP-001, FSI-EXP-002) treat it as a copy of that database.
 */
export class FirestoreExportBucket extends Construct {
  public readonly bucketName: string;
  /** `gs://BUCKET`, the destination of `gcloud firestore export`. */
  public readonly url: string;
  public readonly projectId: string;
  public readonly database: IFirestoreDatabase;
  public readonly resource: StorageBucket;
  private readonly ids = new StableIds();
  private readonly readers = new Map<string, StorageBucketIamMember>();
  private exportJobGrant?: StorageBucketIamMember;

  constructor(scope: Construct, id: string, props: FirestoreExportBucketProps) {
    super(scope, id);
    requireCdktfApp(this);
    checkShape(this, "", props, {
      database: "object",
      projectId: "string?",
      bucketName: "string",
      location: "string",
      retentionDays: "whole-number",
      lockRetention: "boolean?",
      kmsKeyName: "string?",
      storageClass: "string?",
      transitions: "object[]?",
      deleteAfterDays: "whole-number?",
      preventDestroy: "boolean?",
    });
    if (typeof (props.database as { databaseName?: unknown }).databaseName !== "string") {
      throw inputError(this, "database", props.database, "must be a FirestoreDatabase or FirestoreDatabase.fromExisting(...)");
    }
    this.database = props.database;
    this.projectId = checkOptional(this, "projectId", props.projectId, PROJECT_ID) ?? props.database.projectId;
    this.bucketName = check(this, "bucketName", props.bucketName, STORAGE_BUCKET_NAME);
    check(this, "location", props.location, DATA_LOCATION);
    check(this, "retentionDays", props.retentionDays, STORAGE_RETENTION_DAYS);
    const key = checkOptional(this, "kmsKeyName", props.kmsKeyName, KMS_KEY_NAME);
    const keyProblem = key === undefined ? undefined : storageKeyLocationProblem(props.location, key);
    if (keyProblem !== undefined) throw inputError(this, "kmsKeyName", key, keyProblem);
    const lifecycleRule = storageLifecycleRules(this, "", props.retentionDays, props.transitions, props.deleteAfterDays);
    this.url = `gs://${this.bucketName}`;

    // Loaded here (~5 ms): an app declares an export bucket or two, if any.
    const { StorageBucket } = require("@cdktf/provider-google/lib/storage-bucket") as typeof import("@cdktf/provider-google/lib/storage-bucket");
    this.resource = new StorageBucket(this, "Bucket", {
      project: this.projectId,
      name: this.bucketName,
      location: props.location,
      storageClass: checkOptional(this, "storageClass", props.storageClass, STORAGE_CLASS),
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: false,
      retentionPolicy: { retentionPeriod: props.retentionDays * SECONDS_PER_DAY, isLocked: props.lockRetention ?? false },
      lifecycleRule,
      encryption: key === undefined ? undefined : { defaultKmsKeyName: key },
      labels: {
        [EXPORT_PROJECT_LABEL]: check(this, "database.projectId", props.database.projectId, STORAGE_LABEL_VALUE),
        [EXPORT_DATABASE_LABEL]: check(this, "database.databaseId", databaseLabelValue(props.database.databaseId), STORAGE_LABEL_VALUE),
      },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
  }

  /**
   * Lets the database's export and import jobs use the bucket. They run as the Firestore
   * service agent (`service-PROJECT_NUMBER@gcp-sa-firestore.iam.gserviceaccount.com`), which
   * Google says reaches a bucket of the database's own project by default: then nothing is
   * granted and undefined is returned. For a bucket in another project it gets
   * roles/storage.admin on this bucket only, the role Google's export and import page names.
   * Starting an export also needs FirestoreAccessLevel.EXPORT on the database
   * (IFirestoreDatabase.grantExport), or IMPORT_EXPORT for a caller that must also import.
   * Source: https://firebase.google.com/docs/firestore/manage-data/export-import ("Service agent permissions").
   */
  public grantExportJob(): StorageBucketIamMember | undefined {
    if (this.exportJobGrant !== undefined) return this.exportJobGrant;
    const sameProject = this.projectId === this.database.projectId;
    if (sameProject && !isUnresolved(this.projectId)) return undefined;
    const { DataGoogleProject } = require("@cdktf/provider-google/lib/data-google-project") as typeof import("@cdktf/provider-google/lib/data-google-project");
    const project = new DataGoogleProject(this, "DatabaseProject", { projectId: this.database.projectId });
    this.exportJobGrant = this.bind(`serviceAccount:service-${project.number}@gcp-sa-firestore.iam.gserviceaccount.com`, "firestore-service-agent", EXPORT_JOB_ROLE);
    return this.exportJobGrant;
  }

  /**
   * roles/storage.objectViewer on this bucket: the principal can read every export in it, so
   * it can read the database's data as of each export, whatever its Firestore grants.
   */
  public grantRead(principal: IPrincipal): StorageBucketIamMember {
    checkType(this, "principal", principal, "principal");
    return this.bind(principal.iamMember, principal.principalName, READER_ROLE);
  }

  private bind(member: string, name: string, role: string): StorageBucketIamMember {
    const key = `${role}|${member}`;
    const existing = this.readers.get(key);
    if (existing) return existing;
    const { StorageBucketIamMember } = require("@cdktf/provider-google/lib/storage-bucket-iam-member") as typeof import("@cdktf/provider-google/lib/storage-bucket-iam-member");
    const grant = new StorageBucketIamMember(this, this.ids.allocate(role.replace(/^roles\/storage\./, ""), name, key), { bucket: this.resource.name, role, member });
    this.readers.set(key, grant);
    return grant;
  }
}
