import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { celStringLiteral } from "../core/cel";
import { InputRule, InputShape, check, checkOptional, checkShape, checkTextOptional, inputError, oneOf } from "../core/validate";
import {
  DATASET_ID,
  DATA_LOCATION,
  LOG_BUCKET_ID,
  LOG_BUCKET_LOCATION,
  LOG_BUCKET_RETENTION_DAYS,
  PUBSUB_TOPIC_NAME,
  STORAGE_BUCKET_NAME,
  STORAGE_RETENTION_DAYS,
  TABLE_EXPIRATION_DAYS,
} from "./audit-rules";
import { KMS_KEY_NAME, PROJECT_ID, storageKeyLocationProblem } from "./gcp-rules";
import { IAM_ROLES } from "./iam-roles";
import { StorageClassTransition, storageLifecycleRules } from "./storage-lifecycle";

export enum AuditLogDestinationKind {
  BIGQUERY = "BIGQUERY",
  STORAGE = "STORAGE",
  LOG_BUCKET = "LOG_BUCKET",
  PUBSUB = "PUBSUB",
}

/** Options every destination kind accepts. */
export interface AuditLogDestinationCommonOptions {
  /** Project that holds the destination. @default the audited project */
  readonly projectId?: string;
  /** Refuse `terraform destroy` of the destination. @default true */
  readonly preventDestroy?: boolean;
  /**
   * Encrypt the destination with this Cloud KMS key
   * (`projects/P/locations/L/keyRings/R/cryptoKeys/K`, in the destination's location). The
   * destination's service agent (BigQuery, Cloud Storage, Cloud Logging or Pub/Sub) needs
   * roles/cloudkms.cryptoKeyEncrypterDecrypter on the key; grant it where the key lives.
   * @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
}

export interface BigQueryAuditDestinationOptions extends AuditLogDestinationCommonOptions {
  /** 1-1024 characters of [A-Za-z0-9_]. */
  readonly datasetId: string;
  /** @default the provider's default (US) */
  readonly location?: string;
  /** Delete tables this many days after creation. @default tables never expire */
  readonly defaultTableExpirationDays?: number;
  readonly description?: string;
  /** Write into date-partitioned tables instead of one table per day. @default true */
  readonly usePartitionedTables?: boolean;
}

export interface StorageAuditDestinationOptions extends AuditLogDestinationCommonOptions {
  /** Globally unique; 3-63 characters of [a-z0-9._-], not starting with "goog". */
  readonly bucketName: string;
  /** e.g. EU, US or europe-west3. */
  readonly location: string;
  /** Objects cannot be deleted or overwritten for this many days. */
  readonly retentionDays: number;
  /**
   * Lock the retention policy. IRREVERSIBLE: once applied, the period can only grow and the
   * bucket cannot be deleted while it holds objects younger than the period. @default false
   */
  readonly lockRetention?: boolean;
  /** @default the provider's default (STANDARD) */
  readonly storageClass?: string;
  /** Move older entries to colder (cheaper to keep, dearer to read) storage classes. @default none */
  readonly transitions?: StorageClassTransition[];
  /** Delete entries this many days after they were written; at least retentionDays. @default never */
  readonly deleteAfterDays?: number;
}

export interface LogBucketAuditDestinationOptions extends AuditLogDestinationCommonOptions {
  /** 1-100 characters of [A-Za-z0-9_.-]. */
  readonly bucketId: string;
  /** @default "global" */
  readonly location?: string;
  /** 1-3650 days. */
  readonly retentionDays: number;
  /**
   * Lock the bucket: the retention can no longer be reduced and the bucket cannot be deleted
   * (irreversible). @default false
   */
  readonly locked?: boolean;
  readonly description?: string;
}

export interface PubSubAuditDestinationOptions extends AuditLogDestinationCommonOptions {
  /** 3-255 characters, starting with a letter, not starting with "goog". */
  readonly topicName: string;
}

/** Free text; the escaping is what matters (no limit is documented for these descriptions). */
const DESTINATION_DESCRIPTION: InputRule<string> = { test: (v) => typeof v === "string", rule: "must be a string" };
/** Cloud Storage classes (google_storage_bucket.storage_class). */
const STORAGE_CLASS = oneOf(["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE", "MULTI_REGIONAL", "REGIONAL"]);

const COMMON_DESTINATION: InputShape = { projectId: "string?", preventDestroy: "boolean?", kmsKeyName: "string?" };

function kmsKey(site: Construct, options: AuditLogDestinationCommonOptions): string | undefined {
  return checkOptional(site, "destination.kmsKeyName", options.kmsKeyName, KMS_KEY_NAME);
}

/** A destination bound to a sink: its URI, the resource it created, and how its writer is granted. */
interface BoundDestination {
  readonly uri: string;
  readonly resource: TerraformResource;
  readonly usePartitionedTables?: boolean;
  /** Grants the sink's writer identity on this destination only; undefined when none is needed. */
  grantWriter(writerIdentity: string): TerraformResource | undefined;
}

type Binder = (scope: Construct, site: Construct, sinkProjectId: string) => BoundDestination;

const SECONDS_PER_DAY = 86400;

/*
 * Each destination kind loads its provider bindings when it is bound, not when the library
 * is loaded: an app uses one kind, and these modules take ~14 ms to load together.
 */
function bigqueryBindings() {
  const { BigqueryDataset } = require("@cdktf/provider-google/lib/bigquery-dataset") as typeof import("@cdktf/provider-google/lib/bigquery-dataset");
  const { BigqueryDatasetIamMember } = require("@cdktf/provider-google/lib/bigquery-dataset-iam-member") as typeof import("@cdktf/provider-google/lib/bigquery-dataset-iam-member");
  return { BigqueryDataset, BigqueryDatasetIamMember };
}

function storageBindings() {
  const { StorageBucket } = require("@cdktf/provider-google/lib/storage-bucket") as typeof import("@cdktf/provider-google/lib/storage-bucket");
  const { StorageBucketIamMember } = require("@cdktf/provider-google/lib/storage-bucket-iam-member") as typeof import("@cdktf/provider-google/lib/storage-bucket-iam-member");
  return { StorageBucket, StorageBucketIamMember };
}

function logBucketBindings() {
  return require("@cdktf/provider-google/lib/logging-project-bucket-config") as typeof import("@cdktf/provider-google/lib/logging-project-bucket-config");
}

function pubsubBindings() {
  const { PubsubTopic } = require("@cdktf/provider-google/lib/pubsub-topic") as typeof import("@cdktf/provider-google/lib/pubsub-topic");
  const { PubsubTopicIamMember } = require("@cdktf/provider-google/lib/pubsub-topic-iam-member") as typeof import("@cdktf/provider-google/lib/pubsub-topic-iam-member");
  return { PubsubTopic, PubsubTopicIamMember };
}

/**
 * Where a FirestoreAuditLogging sink sends audit entries. The destination is created and
 * protected from destroy when the audit logging construct binds it, and the sink's writer
 * identity is granted exactly the role it needs on that destination, never project-wide.
 */
export class AuditLogDestination {
  /** A BigQuery dataset; the writer gets roles/bigquery.dataEditor on the dataset. */
  public static bigQuery(options: BigQueryAuditDestinationOptions): AuditLogDestination {
    checkShape("AuditLogDestination.bigQuery", "options", options, { datasetId: "string", location: "string?", defaultTableExpirationDays: "whole-number?", description: "string?", usePartitionedTables: "boolean?", ...COMMON_DESTINATION });
    return new AuditLogDestination(AuditLogDestinationKind.BIGQUERY, (scope, site, sinkProject) => {
      check(site, "destination.datasetId", options.datasetId, DATASET_ID);
      checkOptional(site, "destination.location", options.location, DATA_LOCATION);
      checkOptional(site, "destination.defaultTableExpirationDays", options.defaultTableExpirationDays, TABLE_EXPIRATION_DAYS);
      const project = checkOptional(site, "destination.projectId", options.projectId, PROJECT_ID) ?? sinkProject;
      const expiration = options.defaultTableExpirationDays;
      const key = kmsKey(site, options);
      const { BigqueryDataset, BigqueryDatasetIamMember } = bigqueryBindings();
      const dataset = new BigqueryDataset(scope, "Dataset", {
        project,
        datasetId: options.datasetId,
        location: options.location,
        description: checkTextOptional(site, "destination.description", options.description, DESTINATION_DESCRIPTION),
        defaultTableExpirationMs: expiration === undefined ? undefined : expiration * SECONDS_PER_DAY * 1000,
        deleteContentsOnDestroy: false,
        defaultEncryptionConfiguration: key === undefined ? undefined : { kmsKeyName: key },
        lifecycle: { preventDestroy: options.preventDestroy ?? true },
      });
      return {
        uri: `bigquery.googleapis.com/projects/${project}/datasets/${options.datasetId}`,
        resource: dataset,
        usePartitionedTables: options.usePartitionedTables ?? true,
        grantWriter: (member) =>
          new BigqueryDatasetIamMember(scope, "WriterAccess", { project, datasetId: dataset.datasetId, role: IAM_ROLES.bigQueryDataEditor, member }),
      };
    });
  }

  /**
   * A Cloud Storage bucket with uniform bucket-level access, public access prevention
   * enforced and a retention policy; the writer gets roles/storage.objectCreator on the bucket.
   */
  public static storage(options: StorageAuditDestinationOptions): AuditLogDestination {
    checkShape("AuditLogDestination.storage", "options", options, {
      bucketName: "string",
      location: "string",
      retentionDays: "whole-number",
      lockRetention: "boolean?",
      storageClass: "string?",
      transitions: "object[]?",
      deleteAfterDays: "whole-number?",
      ...COMMON_DESTINATION,
    });
    return new AuditLogDestination(AuditLogDestinationKind.STORAGE, (scope, site, sinkProject) => {
      check(site, "destination.bucketName", options.bucketName, STORAGE_BUCKET_NAME);
      check(site, "destination.location", options.location, DATA_LOCATION);
      check(site, "destination.retentionDays", options.retentionDays, STORAGE_RETENTION_DAYS);
      const project = checkOptional(site, "destination.projectId", options.projectId, PROJECT_ID) ?? sinkProject;
      const key = kmsKey(site, options);
      const keyProblem = key === undefined ? undefined : storageKeyLocationProblem(options.location, key);
      if (keyProblem !== undefined) throw inputError(site, "destination.kmsKeyName", key, keyProblem);
      const lifecycleRule = storageLifecycleRules(site, "destination", options.retentionDays, options.transitions, options.deleteAfterDays);
      const { StorageBucket, StorageBucketIamMember } = storageBindings();
      const bucket = new StorageBucket(scope, "Bucket", {
        project,
        name: options.bucketName,
        location: options.location,
        storageClass: checkOptional(site, "destination.storageClass", options.storageClass, STORAGE_CLASS),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        forceDestroy: false,
        retentionPolicy: { retentionPeriod: options.retentionDays * SECONDS_PER_DAY, isLocked: options.lockRetention ?? false },
        lifecycleRule,
        encryption: key === undefined ? undefined : { defaultKmsKeyName: key },
        lifecycle: { preventDestroy: options.preventDestroy ?? true },
      });
      return {
        uri: `storage.googleapis.com/${options.bucketName}`,
        resource: bucket,
        grantWriter: (member) => new StorageBucketIamMember(scope, "WriterAccess", { bucket: bucket.name, role: IAM_ROLES.storageObjectCreator, member }),
      };
    });
  }

  /**
   * A Cloud Logging bucket with its own retention. In the sink's project the sink writes
   * without any grant; in another project (projectId set to a different project) the
   * writer gets roles/logging.bucketWriter there, with a condition naming this bucket only.
   */
  public static logBucket(options: LogBucketAuditDestinationOptions): AuditLogDestination {
    checkShape("AuditLogDestination.logBucket", "options", options, { bucketId: "string", location: "string?", retentionDays: "whole-number", locked: "boolean?", description: "string?", ...COMMON_DESTINATION });
    return new AuditLogDestination(AuditLogDestinationKind.LOG_BUCKET, (scope, site, sinkProject) => {
      check(site, "destination.bucketId", options.bucketId, LOG_BUCKET_ID);
      const location = check(site, "destination.location", options.location ?? "global", LOG_BUCKET_LOCATION);
      check(site, "destination.retentionDays", options.retentionDays, LOG_BUCKET_RETENTION_DAYS);
      const project = checkOptional(site, "destination.projectId", options.projectId, PROJECT_ID) ?? sinkProject;
      const key = kmsKey(site, options);
      const { LoggingProjectBucketConfig } = logBucketBindings();
      const bucket = new LoggingProjectBucketConfig(scope, "LogBucket", {
        project,
        location,
        bucketId: options.bucketId,
        retentionDays: options.retentionDays,
        locked: options.locked ?? false,
        description: checkTextOptional(site, "destination.description", options.description, DESTINATION_DESCRIPTION),
        cmekSettings: key === undefined ? undefined : { kmsKeyName: key },
        lifecycle: { preventDestroy: options.preventDestroy ?? true },
      });
      const path = `locations/${location}/buckets/${options.bucketId}`;
      return {
        uri: `logging.googleapis.com/projects/${project}/${path}`,
        resource: bucket,
        grantWriter: (member) =>
          project === sinkProject
            ? undefined
            : new ProjectIamMember(scope, "WriterAccess", {
                project,
                role: IAM_ROLES.logBucketWriter,
                member,
                condition: {
                  title: `Log bucket ${options.bucketId} only`,
                  description: `Lets the Firestore audit sink write to ${path} only`,
                  expression: `resource.name.endsWith(${celStringLiteral(path)})`,
                },
              }),
      };
    });
  }

  /** A Pub/Sub topic; the writer gets roles/pubsub.publisher on the topic. */
  public static pubSub(options: PubSubAuditDestinationOptions): AuditLogDestination {
    checkShape("AuditLogDestination.pubSub", "options", options, { topicName: "string", ...COMMON_DESTINATION });
    return new AuditLogDestination(AuditLogDestinationKind.PUBSUB, (scope, site, sinkProject) => {
      check(site, "destination.topicName", options.topicName, PUBSUB_TOPIC_NAME);
      const project = checkOptional(site, "destination.projectId", options.projectId, PROJECT_ID) ?? sinkProject;
      const key = kmsKey(site, options);
      const { PubsubTopic, PubsubTopicIamMember } = pubsubBindings();
      const topic = new PubsubTopic(scope, "Topic", {
        project,
        name: options.topicName,
        kmsKeyName: key,
        lifecycle: { preventDestroy: options.preventDestroy ?? true },
      });
      return {
        uri: `pubsub.googleapis.com/projects/${project}/topics/${options.topicName}`,
        resource: topic,
        grantWriter: (member) => new PubsubTopicIamMember(scope, "WriterAccess", { project, topic: topic.name, role: IAM_ROLES.pubSubPublisher, member }),
      };
    });
  }

  private boundBy?: string;

  private constructor(
    public readonly kind: AuditLogDestinationKind,
    private readonly binder: Binder,
  ) {}

  /**
   * Creates the destination under `scope`; inputs are checked against `site` so errors name
   * the audit logging construct. @internal
   */
  public _bind(scope: Construct, site: Construct, sinkProjectId: string): BoundDestination {
    // A second binding would declare the same bucket, dataset or topic twice.
    if (this.boundBy !== undefined) {
      throw inputError(site, "destination", this.kind, `is already used by ${this.boundBy}; create one AuditLogDestination per FirestoreAuditLogging`);
    }
    this.boundBy = site.node.path;
    return this.binder(scope, site, sinkProjectId);
  }
}
